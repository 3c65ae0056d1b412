import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { staffJar, visit } from "../admin-console/helpers.ts";
import { startProviders } from "../../src/providers/bootstrap.ts";
import { startGateways } from "../../src/gateway-sim/bootstrap.ts";
import { dbNow } from "../../src/lib/time.ts";
import { productionPlatformEnv } from "./env.ts";

describeEachDialect("production runs without the simulated provider", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, productionPlatformEnv());
  });
  afterAll(async () => {
    await p.close();
  });

  const activeProviders = () => p.services.db.selectFrom("api_providers").select(["code", "name"]).where("is_active", "=", 1).execute();

  it("starts no simulator, switches off one left from development, and the admin dashboard says no provider is set", async () => {
    const now = dbNow(p.services.clock);
    // A database that once ran in development keeps its simulated provider row.
    await p.services.db
      .insertInto("api_providers")
      .values({
        code: "simulated",
        name: "Simulated provider",
        url: "http://127.0.0.1:9/sim",
        api_key: "k",
        currency: "USD",
        exchange_rate: 600_000_000,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const started = await startProviders(p.services);
    expect(started.sim).toBeNull();
    expect(await activeProviders()).toEqual([]);
    // Nor the simulated payment gateway.
    expect((await startGateways(p.services)).sim).toBeNull();

    const admin = await staffJar(p, "admin");
    const fr = await visit(p, admin.jar, "/admin");
    expect(fr.res.status).toBe(200);
    expect(fr.html).toContain('id="no-provider"');
    expect(fr.html).toContain("Aucun fournisseur actif");
    expect(fr.html).toContain('href="/admin/catalogue/providers"');
    const en = await visit(p, admin.jar, "/admin?lang=en");
    expect(en.html).toContain("No active provider: orders cannot be sent");
  });

  it("the notice goes once an admin has a provider switched on", async () => {
    const now = dbNow(p.services.clock);
    await p.services.db
      .insertInto("api_providers")
      .values({
        name: "Real panel",
        url: "https://panel.example/api/v2",
        api_key: "k",
        currency: "USD",
        exchange_rate: 600_000_000,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const admin = await staffJar(p, "admin");
    const page = await visit(p, admin.jar, "/admin");
    expect(page.res.status).toBe(200);
    expect(page.html).not.toContain('id="no-provider"');
  });
});
