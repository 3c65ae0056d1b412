import { afterAll, beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { repriceAll } from "../../src/catalog/reprice.ts";
import { putSetting } from "../../src/settings/service.ts";
import { AppError } from "../../src/core/errors.ts";
import { dbNow } from "../../src/lib/time.ts";
import { deadUrl, recordingProgress, simWithRow, type SimProvider } from "../providers/support.ts";

describeEachDialect("catalogue sync from a provider", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let providerId: number;
  const sync = () => syncServices(p.ctx(), { providerId, client: { timeoutMs: 2000, retries: 0 } });
  const serviceOf = (providerServiceId: number | string) =>
    p.services.db
      .selectFrom("services")
      .selectAll()
      .where("provider_id", "=", providerId)
      .where("provider_service_id", "=", String(providerServiceId))
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    p = await makePlatform(dialect);
    ({ sim, providerId } = await simWithRow(p));
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  it("imports every service with its category, platform and prices on the first run, with progress", async () => {
    const progress = recordingProgress();
    const offered = sim.sim.listServices();
    const summary = await syncServices(p.ctx(), { providerId }, progress);
    expect(summary).toMatchObject({ added: offered.length, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0 });
    expect(progress.events.start).toEqual([["Syncing Test provider", offered.length]]);
    expect(progress.events.ticks).toBe(offered.length);
    expect(progress.events.done[0]).toContain(`added ${offered.length}`);

    const followers = offered.find((s) => s.category === "TikTok Followers")!;
    const row = await serviceOf(followers.service);
    const category = await p.services.db.selectFrom("categories").selectAll().where("id", "=", row.category_id).executeTakeFirstOrThrow();
    expect(category).toMatchObject({ slug: "tiktok-followers", platform: "tiktok", name: "TikTok Followers" });
    // provider rate × 600 XOF/USD, then the default 30% platform margin
    expect(Number(row.provider_rate)).toBe(followers.rate);
    expect(Number(row.base_rate)).toBe(followers.rate * 600);
    expect(Number(row.rate)).toBe(Math.round(followers.rate * 600 * 1.3));
    expect(row).toMatchObject({ is_active: 1, min: followers.min, max: followers.max, provider_name: followers.name });
  });

  it("a second run with nothing new changes nothing", async () => {
    const summary = await sync();
    expect(summary).toMatchObject({ added: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: sim.sim.listServices().length });
  });

  it("follows a provider's new rate and re-prices the service", async () => {
    const target = sim.sim.listServices()[3]!;
    sim.sim.setRate(target.service, "2.5");
    const summary = await sync();
    expect(summary.updated).toBe(1);
    const row = await serviceOf(target.service);
    expect(Number(row.provider_rate)).toBe(2_500_000);
    expect(Number(row.base_rate)).toBe(1_500_000_000);
    expect(Number(row.rate)).toBe(1_950_000_000);
  });

  it("deactivates a service the provider dropped but never deletes it while an order points to it", async () => {
    const dropped = sim.sim.listServices()[5]!;
    const row = await serviceOf(dropped.service);
    const now = dbNow();
    const owner = await p.services.db
      .insertInto("users")
      .values({
        uuid: randomUUID(),
        username: `o${Date.now()}`,
        email: `o${Date.now()}@example.com`,
        password_hash: "x",
        referral_code: `R${Date.now()}`,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirst();
    await p.services.db
      .insertInto("orders")
      .values({
        uuid: randomUUID(),
        user_id: Number(owner.insertId),
        service_id: row.id,
        provider_id: providerId,
        link: "https://x.test/p",
        quantity: 100,
        rate: row.rate,
        charge: 1,
        currency: "XOF",
        created_at: now,
        updated_at: now,
      })
      .execute();
    sim.sim.removeService(dropped.service);

    const summary = await sync();
    expect(summary.deactivated).toBe(1);
    const after = await serviceOf(dropped.service);
    expect(after.id).toBe(row.id);
    expect(after.is_active).toBe(0);
    expect(after.provider_removed_at).not.toBeNull();
    const order = await p.services.db
      .selectFrom("orders")
      .innerJoin("services", "services.id", "orders.service_id")
      .select("services.name")
      .where("orders.service_id", "=", row.id)
      .executeTakeFirst();
    expect(order?.name).toBe(row.name);
    const list = await body(await p.request(`/api/services?search=${encodeURIComponent(row.name)}&per_page=500`));
    expect(list.data.map((s: { id: number }) => s.id)).not.toContain(row.id);

    expect((await sync()).deactivated).toBe(0);
  });

  it("re-activates a dropped service when the provider offers it again", async () => {
    const removed = await p.services.db
      .selectFrom("services")
      .selectAll()
      .where("provider_id", "=", providerId)
      .where("provider_removed_at", "is not", null)
      .executeTakeFirstOrThrow();
    sim.sim.addService({
      service: Number(removed.provider_service_id),
      name: removed.provider_name!,
      category: "Instagram Followers",
      rate: "1.5",
      min: 10,
      max: 5000,
    });
    const summary = await sync();
    expect(summary.reactivated).toBe(1);
    const row = await serviceOf(removed.provider_service_id);
    expect(row).toMatchObject({ id: removed.id, is_active: 1, provider_removed_at: null });
  });

  it("keeps an admin's name and narrower bounds when the provider changes its own", async () => {
    const target = sim.sim.listServices()[8]!;
    const row = await serviceOf(target.service);
    await p.services.db
      .updateTable("services")
      .set({ name: "Abonnés TikTok premium", max: row.provider_max! - 1 })
      .where("id", "=", row.id)
      .execute();
    sim.sim.updateService(target.service, { name: "Renamed upstream", max: row.provider_max! + 1000 });
    await sync();
    const after = await serviceOf(target.service);
    expect(after).toMatchObject({
      name: "Abonnés TikTok premium",
      provider_name: "Renamed upstream",
      max: row.provider_max! - 1,
      provider_max: row.provider_max! + 1000,
    });
  });

  it("refuses to empty the catalogue when the provider suddenly lists nothing", async () => {
    const empty = await import("../../src/provider-sim/server.ts").then((m) => m.startSimProvider({ apiKey: "prov-secret-7f3a9c2e41d8b6" }));
    for (const s of empty.sim.listServices()) empty.sim.removeService(s.service);
    await p.services.db.updateTable("api_providers").set({ url: empty.url }).where("id", "=", providerId).execute();
    try {
      const err = await sync().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(503);
      const active = await p.services.db.selectFrom("services").select("id").where("provider_id", "=", providerId).where("is_active", "=", 1).execute();
      expect(active.length).toBeGreaterThan(100);
      const provider = await p.services.db.selectFrom("api_providers").select("last_error").where("id", "=", providerId).executeTakeFirstOrThrow();
      expect(provider.last_error).toContain("listed no services");
    } finally {
      await p.services.db.updateTable("api_providers").set({ url: sim.url }).where("id", "=", providerId).execute();
      await empty.close();
    }
  });

  it("reports a provider it cannot reach and still syncs the others", async () => {
    const now = dbNow();
    const dead = await p.services.db
      .insertInto("api_providers")
      .values({ name: "Down panel", url: await deadUrl(), api_key: "k-down", is_active: 1, created_at: now, updated_at: now })
      .executeTakeFirst();
    try {
      const summary = await syncServices(p.ctx(), { client: { timeoutMs: 2000, retries: 0 } });
      expect(summary.errors).toEqual([expect.objectContaining({ provider_id: Number(dead.insertId), kind: "transient" })]);
      expect(summary.providers.map((x) => x.provider_id)).toContain(providerId);
    } finally {
      await p.services.db.updateTable("api_providers").set({ is_active: 0 }).where("id", "=", Number(dead.insertId)).execute();
    }
  });

  it("re-prices every service when the platform margin changes", async () => {
    const target = sim.sim.listServices()[10]!;
    const before = await serviceOf(target.service);
    await putSetting(p.ctx(), "platform_margin_bp", "5000");
    try {
      expect(await repriceAll(p.ctx())).toBeGreaterThan(100);
      const after = await serviceOf(target.service);
      expect(Number(after.base_rate)).toBe(Number(before.base_rate));
      expect(Number(after.rate)).toBe(Math.round(Number(before.base_rate) * 1.5));
      expect(await repriceAll(p.ctx())).toBe(0);
    } finally {
      await putSetting(p.ctx(), "platform_margin_bp", "3000");
      await repriceAll(p.ctx());
    }
  });
});
