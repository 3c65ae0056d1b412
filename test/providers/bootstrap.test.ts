import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import type { AppServices } from "../../src/context.ts";
import { prepareProviders, startProviders, type ProvidersHandle } from "../../src/providers/bootstrap.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { syncServicesJob } from "../../src/catalog/sync.ts";
import { openProviderKey } from "../../src/providers/provider-key.ts";

describeEachDialect("providers at start-up", (dialect) => {
  let p: TestPlatform;
  const handles: ProvidersHandle[] = [];
  const withConfig = (extra: Record<string, unknown>): AppServices => ({ ...p.services, config: { ...p.services.config, ...extra } as AppServices["config"] });
  const row = (code: string) => p.services.db.selectFrom("api_providers").selectAll().where("code", "=", code).executeTakeFirst();
  /** The key a provider row holds, stored sealed: never the key itself. */
  const keyOf = (stored: string) => {
    expect(stored).toMatch(/^v1:/);
    return openProviderKey(p.services.config, stored);
  };
  const countServices = async () => (await p.services.db.selectFrom("services").select("id").execute()).length;
  const catalogueCalls = async () => (await p.services.db.selectFrom("provider_logs").select("id").where("action", "=", "services").execute()).length;

  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(async () => {
    for (const h of handles) await h.stop();
    await p.close();
  });

  it("npm start in the embedded default runs the simulated provider and imports its catalogue on the first start only", async () => {
    const first = await startProviders(withConfig({ SMM_API_URL: undefined, SIM_PROVIDER_PORT: 0 }));
    handles.push(first);
    expect(first.sim).not.toBeNull();
    const sim = await row("simulated");
    expect(sim).toMatchObject({ name: "Simulated provider", url: first.sim!.url, currency: "USD", exchange_rate: 600_000_000, is_active: 1 });
    expect(sim!.last_sync_at).not.toBeNull();
    expect(await countServices()).toBe(first.sim!.sim.listServices().length);

    await first.stop();
    const again = await startProviders(withConfig({ SMM_API_URL: undefined, SIM_PROVIDER_PORT: 0 }));
    handles.push(again);
    expect((await row("simulated"))!.url).toBe(again.sim!.url);
    expect(keyOf((await row("simulated"))!.api_key)).toBe(keyOf(sim!.api_key));
    expect(await catalogueCalls()).toBe(1);
  });

  it("a CLI job uses the simulated provider npm start runs, or starts its own when that one is gone", async () => {
    const running = handles.at(-1)!;
    const reused = await prepareProviders(withConfig({ SMM_API_URL: undefined }));
    expect(reused.sim).toBeNull();

    await running.stop();
    const own = await prepareProviders(withConfig({ SMM_API_URL: undefined }));
    handles.push(own);
    expect(own.sim).not.toBeNull();
    expect((await row("simulated"))!.url).toBe(own.sim!.url);
    const ran = await runJobOnce(p.services, syncServicesJob);
    expect(ran?.result).toMatchObject({ added: 0, deactivated: 0, errors: [] });
    await own.stop();
  });

  it("with SMM_API_URL, keeps one Default provider row in step with the configuration and switches the simulated one off", async () => {
    const config = { SMM_API_URL: "https://panel.example/api/v2", SMM_API_KEY: "live-key-1", SMM_PROVIDER_CURRENCY: "USD" };
    const h = await prepareProviders(withConfig(config));
    expect(h.sim).toBeNull();
    const created = await row("env");
    expect(created).toMatchObject({
      name: "Default provider",
      url: config.SMM_API_URL,
      currency: "USD",
      exchange_rate: 600_000_000,
      is_active: 1,
    });
    expect(keyOf(created!.api_key)).toBe("live-key-1");
    expect((await row("simulated"))!.is_active).toBe(0);

    await p.services.db.updateTable("api_providers").set({ exchange_rate: 610_000_000, name: "Panel CI" }).where("id", "=", created!.id).execute();
    await startProviders(withConfig({ ...config, SMM_API_KEY: "live-key-2" }));
    const updated = await row("env");
    expect(updated).toMatchObject({ id: created!.id, exchange_rate: 610_000_000, name: "Panel CI" });
    expect(keyOf(updated!.api_key)).toBe("live-key-2");
    expect((await p.services.db.selectFrom("api_providers").select("id").where("code", "=", "env").execute()).length).toBe(1);

    await startProviders(withConfig({ ...config, SMM_API_KEY: "live-key-2", SMM_PROVIDER_CURRENCY: "EUR" }));
    expect(await row("env")).toMatchObject({ currency: "EUR", exchange_rate: 655_957_000 });
  });
});
