import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { expectLedgerHolds, fund, balanceOf } from "../harness/money.ts";
import { ALL_PERMISSIONS, createKeyVia, v1, v2 } from "../developer-api/helpers.ts";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { prepareProviders, warnNotSelling } from "../../src/providers/bootstrap.ts";
import type { AppServices } from "../../src/context.ts";
import { SECRET_KEY } from "./support.ts";

describeEachDialect("a provider whose currency has no exchange rate", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let admin: string;
  let buyer: Awaited<ReturnType<typeof signUp>>;
  let key: string;
  let providerId: number;

  const adminCall = (path: string, method = "GET", json?: unknown) => p.request(`/api/admin/services${path}`, { method, token: admin, json });
  const listedIds = async () => {
    const web = (await body(await p.request("/api/services?per_page=500"))).data.map((s: { id: number }) => s.id);
    const viaV1 = (await body(await v1(p, "/services?per_page=500", key))).data.map((s: { id: number }) => s.id);
    const viaV2 = (await v2(p, { key, action: "services" })).json.map((s: { service: number }) => s.service);
    return { web, viaV1, viaV2 };
  };
  const importedIds = async () =>
    (await p.services.db.selectFrom("services").select("id").where("provider_id", "=", providerId).orderBy("id").execute()).map((r) => r.id);

  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await startSimProvider({ apiKey: SECRET_KEY, currency: "INR", balance: "250000" });
    admin = (await signUpAdmin(p)).token;
    buyer = await signUp(p);
    await fund(p, buyer.user.id, "100000");
    key = (await createKeyVia(p, buyer.token, { name: "panel", permissions: ALL_PERMISSIONS })).json.data.key;
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await sim.close();
    await p.close();
  });

  it("refuses a currency that is not ISO 4217, and adds an INR provider without a rate", async () => {
    const bad = await adminCall("/providers", "POST", { name: "Bogus", url: sim.url, key: SECRET_KEY, currency: "XYZ" });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.currency).toBeDefined();

    const res = await adminCall("/providers", "POST", { name: "INR wholesaler", url: sim.url, key: SECRET_KEY, currency: "inr" });
    expect(res.status).toBe(201);
    const created = (await body(res)).data;
    providerId = created.id;
    expect(created).toMatchObject({ currency: "INR", exchange_rate: null, selling: false, not_selling_reason: "no_exchange_rate" });
  });

  it("a sync imports its catalogue but says in one line that nothing is sold, and nothing is listed anywhere", async () => {
    const res = await adminCall("/sync", "POST", { provider_id: providerId });
    expect(res.status).toBe(200);
    const summary = (await body(res)).data;
    expect(summary.added).toBe(sim.sim.listServices().length);
    expect(summary.providers[0].not_selling).toMatch(/no exchange rate for INR/);
    expect(summary.providers[0].not_selling).toContain(`/api/admin/services/providers/${providerId}`);

    expect((await importedIds()).length).toBe(sim.sim.listServices().length);
    expect(await listedIds()).toEqual({ web: [], viaV1: [], viaV2: [] });
    expect(await warnNotSelling(p.ctx())).toEqual([expect.stringMatching(/^INR wholesaler: not selling, no exchange rate for INR/)]);
  });

  it("an order for one of its services is refused and moves no money", async () => {
    const [serviceId] = await importedIds();
    const before = await balanceOf(p, buyer.user.id);
    const res = await p.request("/api/user/orders", {
      method: "POST",
      token: buyer.token,
      json: { service_id: serviceId, link: "https://instagram.com/p/abc", quantity: 1000 },
    });
    expect(res.status).toBe(422);
    expect((await body(res)).error.details.service_id).toBeDefined();
    expect((await v2(p, { key, action: "add", service: serviceId!, link: "https://instagram.com/p/abc", quantity: 1000 })).json).toEqual({
      error: "Incorrect service ID",
    });
    expect(await balanceOf(p, buyer.user.id)).toBe(before);
    expect(await p.services.db.selectFrom("orders").select("id").execute()).toEqual([]);
    await expectLedgerHolds(p);
  });

  it("once an admin sets a rate, its services are priced from it, listed and can be ordered", async () => {
    const res = await adminCall(`/providers/${providerId}`, "PUT", { exchange_rate: "7.2" });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ exchange_rate: "7.20", selling: true, not_selling_reason: null });

    const listed = await listedIds();
    expect(listed.web.length).toBeGreaterThan(0);
    expect(listed.viaV1).toEqual(listed.web);
    expect([...listed.viaV2].sort()).toEqual([...listed.web].sort());

    const offer = sim.sim.listServices().find((s) => s.type === "Default" && s.min <= 1000 && s.max >= 1000)!;
    const row = await p.services.db
      .selectFrom("services")
      .selectAll()
      .where("provider_id", "=", providerId)
      .where("provider_service_id", "=", String(offer.service))
      .executeTakeFirstOrThrow();
    // provider rate (INR) × 7.2 XOF/INR, then the 30% platform margin
    expect(Number(row.base_rate)).toBe(Math.round(offer.rate * 7.2));
    expect(Number(row.rate)).toBe(Math.round(Math.round(offer.rate * 7.2) * 1.3));

    const before = await balanceOf(p, buyer.user.id);
    const placed = await p.request("/api/user/orders", {
      method: "POST",
      token: buyer.token,
      json: { service_id: row.id, link: "https://instagram.com/p/abc", quantity: 1000 },
    });
    expect(placed.status).toBe(201);
    await settleDispatchKicks(p.services);
    expect(await balanceOf(p, buyer.user.id)).toBeLessThan(before);
    await expectLedgerHolds(p);
  });

  it("a configured provider in a currency without a known rate starts unpriced", async () => {
    const services: AppServices = {
      ...p.services,
      config: { ...p.services.config, SMM_API_URL: sim.url, SMM_API_KEY: SECRET_KEY, SMM_PROVIDER_CURRENCY: "NGN" } as AppServices["config"],
    };
    await prepareProviders(services);
    const row = await p.services.db.selectFrom("api_providers").selectAll().where("code", "=", "env").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ currency: "NGN", exchange_rate: 0 });
    expect(await warnNotSelling(p.ctx())).toContainEqual(expect.stringMatching(/^Default provider: not selling, no exchange rate for NGN/));
  });
});
