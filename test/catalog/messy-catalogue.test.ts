import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { expectLedgerHolds, fund } from "../harness/money.ts";
import { ALL_PERMISSIONS, createKeyVia, v1, v2 } from "../developer-api/helpers.ts";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import { messyListings, type MessyVariant } from "../../src/provider-sim/listings.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { dbNow } from "../../src/lib/time.ts";
import { SECRET_KEY } from "../providers/support.ts";

describeEachDialect("catalogue sync from an untidy panel", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let admin: string;
  let key: string;
  let providerId: number;
  let summary: any;
  const variantOf = new Map<MessyVariant, number>();

  const sync = async () => (await body(await p.request("/api/admin/services/sync", { method: "POST", token: admin, json: { provider_id: providerId } }))).data;
  const rowOf = (providerServiceId: number) =>
    p.services.db
      .selectFrom("services")
      .selectAll()
      .where("provider_id", "=", providerId)
      .where("provider_service_id", "=", String(providerServiceId))
      .executeTakeFirst();
  const simRate = (id: number) => sim.sim.getService(id)!.rate;
  const listed = async () => {
    const web = (await body(await p.request("/api/services?per_page=500"))).data.map((s: { id: number }) => s.id);
    const viaV1 = (await body(await v1(p, "/services?per_page=500", key))).data.map((s: { id: number }) => s.id);
    const viaV2 = (await v2(p, { key, action: "services" })).json.map((s: { service: number }) => s.service);
    return { web: new Set<number>(web), viaV1: new Set<number>(viaV1), viaV2: new Set<number>(viaV2) };
  };

  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await startSimProvider({ apiKey: SECRET_KEY, catalogue: "messy" });
    for (const [id, { variant }] of messyListings(sim.sim.listServices())) variantOf.set(variant, id);
    const now = dbNow();
    const res = await p.services.db
      .insertInto("api_providers")
      .values({
        name: "Untidy panel",
        url: sim.url,
        api_key: SECRET_KEY,
        currency: "USD",
        exchange_rate: 600_000_000,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirst();
    providerId = Number(res.insertId);
    admin = (await signUpAdmin(p)).token;
    const buyer = await signUp(p);
    await fund(p, buyer.user.id, "100000");
    key = (await createKeyVia(p, buyer.token, { name: "panel", permissions: ALL_PERMISSIONS })).json.data.key;
    summary = await sync();
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await sim.close();
    await p.close();
  });

  it("reads rates with decimal commas, symbols and currency codes at their real value", async () => {
    for (const variant of ["decimal_comma", "dollar_sign", "code_suffix", "euro_comma"] as const) {
      const id = variantOf.get(variant)!;
      const row = await rowOf(id);
      expect(Number(row?.provider_rate), variant).toBe(simRate(id));
      expect(Number(row?.rate), variant).toBe(Math.round(simRate(id) * 600 * 1.3));
      expect(row?.is_active, variant).toBe(1);
    }
  });

  it("rounds a rate with more than six decimals up instead of dropping the service", async () => {
    const id = variantOf.get("long_decimals")!;
    const row = await rowOf(id);
    expect(Number(row?.provider_rate)).toBe(simRate(id) + 1);
    expect(row?.is_active).toBe(1);
    expect((await listed()).web.has(row!.id)).toBe(true);
  });

  it("skips a 0.00 rate and names it in the sync report", async () => {
    const id = variantOf.get("zero_rate")!;
    expect(await rowOf(id)).toBeUndefined();
    expect(summary.providers[0].skipped).toEqual([{ service: String(id), name: sim.sim.getService(id)!.name, reason: "no_price" }]);
    expect(summary.added).toBe(sim.sim.listServices().length - 1);
  });

  it("decodes HTML entities in names and categories once", async () => {
    const id = variantOf.get("html_entities")!;
    const row = await rowOf(id);
    expect(row?.name).toBe(sim.sim.getService(id)!.name.replace(" | ", " & "));
    const view = (await body(await p.request(`/api/admin/services?provider_id=${providerId}&search=${encodeURIComponent(" & ")}`, { token: admin }))).data;
    expect(view.map((s: { id: number }) => s.id)).toContain(row!.id);
    expect(view.find((s: { id: number }) => s.id === row!.id).category.name).toBe(`${sim.sim.getService(id)!.category} & More`);
  });

  it("normalises a lowercase type to the known one: listed everywhere and orderable through v2", async () => {
    const id = variantOf.get("lowercase_type")!;
    const row = await rowOf(id);
    expect(row?.type).toBe("Default");
    const l = await listed();
    expect([l.web.has(row!.id), l.viaV1.has(row!.id), l.viaV2.has(row!.id)]).toEqual([true, true, true]);
    const s = sim.sim.getService(id)!;
    const added = await v2(p, { key, action: "add", service: row!.id, link: "https://instagram.com/p/abc", quantity: s.min });
    expect(added.json.order).toEqual(expect.any(Number));
    await settleDispatchKicks(p.services);
    await expectLedgerHolds(p);
  });

  it("imports a type we cannot order hidden, shows it to the admin with its type, and lists it nowhere", async () => {
    for (const [variant, type] of [
      ["comment_replies", "Comment Replies"],
      ["invites_from_groups", "Invites from Groups"],
    ] as const) {
      const row = (await rowOf(variantOf.get(variant)!))!;
      expect(row.type).toBe(type);
      const admin_view = (
        await body(await p.request(`/api/admin/services?provider_id=${providerId}&search=${encodeURIComponent(row.name)}`, { token: admin }))
      ).data.find((s: { id: number }) => s.id === row.id);
      expect(admin_view).toMatchObject({ type, orderable: false });
      const l = await listed();
      expect([l.web.has(row.id), l.viaV1.has(row.id), l.viaV2.has(row.id)], variant).toEqual([false, false, false]);
      expect((await v2(p, { key, action: "add", service: row.id, link: "https://instagram.com/p/abc", quantity: 100 })).json).toEqual({
        error: "Incorrect service ID",
      });
    }
    expect(summary.providers[0].hidden_types).toEqual({ "Comment Replies": 1, "Invites from Groups": 1 });
    // Everything listed can be ordered: v2 lists exactly the web catalogue.
    const l = await listed();
    expect(l.viaV2).toEqual(l.web);
    expect(l.viaV1).toEqual(l.web);
  });

  it("a second sync changes nothing; thousands separators and a later 0.00 are read as such", async () => {
    expect(await sync()).toMatchObject({ added: 0, updated: 0, deactivated: 0, reactivated: 0 });

    const [grouped, european, zeroed] = sim.sim
      .listServices()
      .filter((s) => s.type === "Default" && !messyListings(sim.sim.listServices()).has(s.service))
      .slice(0, 3);
    sim.sim.setRate(grouped!.service, "1234.5");
    sim.sim.setListing(grouped!.service, { rate: "1,234.50" });
    sim.sim.setRate(european!.service, "1234.5");
    sim.sim.setListing(european!.service, { rate: "1 234,50" });
    sim.sim.setListing(zeroed!.service, { rate: "0.00" });
    const again = await sync();
    expect(Number((await rowOf(grouped!.service))?.provider_rate)).toBe(1_234_500_000);
    expect(Number((await rowOf(european!.service))?.provider_rate)).toBe(1_234_500_000);
    expect(await rowOf(zeroed!.service)).toMatchObject({ is_active: 0 });
    expect(again.providers[0].skipped).toContainEqual({ service: String(zeroed!.service), name: zeroed!.name, reason: "no_price" });
    expect((await listed()).web.has((await rowOf(zeroed!.service))!.id)).toBe(false);
  });
});
