import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "kysely";
import { body, describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { parseMoney } from "../../src/money/money.ts";
import { SITES, balanceOf, expectLedgerHolds, planBySlug, purchase, reseller, siteRow, whiteLabelPlatform } from "./helpers.ts";

async function count(p: TestPlatform, table: "white_label_sites" | "subscriptions" | "invoices" | "transactions", userId: number) {
  const col = table === "white_label_sites" ? "owner_id" : "user_id";
  const r = await p.services.db
    .selectFrom(table)
    .select(sql<number>`count(*)`.as("n"))
    .where(col as any, "=", userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describeEachDialect("white-label purchase", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  it("lists active plans with decimal-string prices and features, and active templates", async () => {
    const buyer = await reseller(p);
    const plans = await body(await p.request("/api/white-label/plans", { token: buyer.token }));
    const business = plans.data.find((x: any) => x.slug === "business");
    expect(business).toMatchObject({ price_monthly: "15000.00", price_yearly: "150000.00", currency: "XOF", allows_custom_domain: true });
    expect(business.features).toContain("custom domain");
    const templates = await body(await p.request("/api/white-label/templates", { token: buyer.token }));
    expect(templates.data.map((t: any) => t.slug)).toEqual(expect.arrayContaining(["aurora", "midnight", "savane"]));
  });

  it("charges exactly the plan price and creates the site, its subscription and the invoice", async () => {
    const buyer = await reseller(p, "20000");
    const plan = await planBySlug(p, "business");
    const { res, json, body: b } = await purchase(p, buyer.token, { billing_cycle: "monthly" });
    expect(res.status).toBe(201);
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("20000")! - plan.price_monthly);
    expect(b.data).toMatchObject({ slug: json.slug, status: "active", language: "fr", currency: "XOF" });
    expect(b.data.subscription).toMatchObject({ status: "active", billing_cycle: "monthly", price: "15000.00" });
    expect(b.data.pricing.default_margin).toBe("30");
    expect(b.data.url).toBe(`http://${json.slug}.${SITES}`);

    const site = await siteRow(p, b.data.uuid);
    expect(site.domain_token).toMatch(/^[0-9a-f]{32}$/);
    expect(site.default_margin_bp).toBe(3000);
    const tx = await p.services.db
      .selectFrom("transactions")
      .selectAll()
      .where("user_id", "=", buyer.user.id)
      .where("type", "=", "white_label_purchase")
      .execute();
    expect(tx.map((t) => Number(t.amount))).toEqual([-plan.price_monthly]);
    const invoice = await p.services.db.selectFrom("invoices").selectAll().where("user_id", "=", buyer.user.id).executeTakeFirstOrThrow();
    expect(Number(invoice.amount)).toBe(plan.price_monthly);
    expect(invoice.transaction_id).toBe(tx[0]!.id);
    await expectLedgerHolds(p);
  });

  it("charges the yearly price for a yearly cycle and ends the period a year later", async () => {
    const buyer = await reseller(p, "200000");
    const { res, body: b } = await purchase(p, buyer.token, { billing_cycle: "yearly" });
    expect(res.status).toBe(201);
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("50000")!);
    const start = new Date(b.data.subscription.current_period_start);
    const end = new Date(b.data.subscription.current_period_end);
    expect(end.getUTCFullYear() - start.getUTCFullYear()).toBe(1);
    await expectLedgerHolds(p);
  });

  it("refuses with 422 when the wallet cannot pay, and creates nothing", async () => {
    const buyer = await reseller(p, "14999.99");
    const { res, json, body: b } = await purchase(p, buyer.token);
    expect(res.status).toBe(422);
    expect(b.error.code).toBe("insufficient_balance");
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("14999.99")!);
    for (const t of ["white_label_sites", "subscriptions", "invoices"] as const) expect(await count(p, t, buyer.user.id)).toBe(0);
    expect(await count(p, "transactions", buyer.user.id)).toBe(1);
    const slugFree = await p.services.db.selectFrom("white_label_sites").select("id").where("slug", "=", json.slug).executeTakeFirst();
    expect(slugFree).toBeUndefined();
    await expectLedgerHolds(p);
  });

  it("replays an idempotent purchase instead of charging twice", async () => {
    const buyer = await reseller(p, "40000");
    const slug = uniqueName("idem").toLowerCase();
    const first = await purchase(p, buyer.token, { slug }, { "Idempotency-Key": "buy-1" });
    const again = await purchase(p, buyer.token, { slug }, { "Idempotency-Key": "buy-1" });
    expect(first.res.status).toBe(201);
    expect(again.res.status).toBe(201);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data.uuid).toBe(first.body.data.uuid);
    expect(await count(p, "white_label_sites", buyer.user.id)).toBe(1);
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("25000")!);
    const other = await purchase(p, buyer.token, { slug: uniqueName("x").toLowerCase() }, { "Idempotency-Key": "buy-1" });
    expect(other.res.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    await expectLedgerHolds(p);
  });

  it("refuses a taken, reserved or malformed slug with 422 and charges nothing", async () => {
    const a = await reseller(p, "20000");
    const taken = (await purchase(p, a.token)).json.slug;
    const b = await reseller(p, "20000");
    for (const slug of [taken, "www", "api", "admin", "mail", "ab", "-shop", "shop_1", "Bad Slug", "a".repeat(64)]) {
      const { res, body: bd } = await purchase(p, b.token, { slug });
      expect(res.status, slug).toBe(422);
      expect(bd.error.details.slug, slug).toBeDefined();
    }
    expect(await balanceOf(p, b.user.id)).toBe(parseMoney("20000")!);
    await expectLedgerHolds(p);
  });

  it("accepts a custom domain only on a plan that allows it and outside the platform's names", async () => {
    const buyer = await reseller(p, "100000");
    const starter = await planBySlug(p, "starter");
    const onStarter = await purchase(p, buyer.token, { plan_id: starter.id, custom_domain: "shop.example.com" });
    expect(onStarter.res.status).toBe(422);
    expect(onStarter.body.error.details.custom_domain).toBeDefined();
    for (const domain of [`evil.${SITES}`, "izyboost.test", "api.izyboost.test", "127.0.0.1", "localhost", "not a domain"]) {
      const r = await purchase(p, buyer.token, { custom_domain: domain });
      expect(r.res.status, domain).toBe(422);
    }
    const ok = await purchase(p, buyer.token, { custom_domain: "Shop.Example.COM." });
    expect(ok.res.status).toBe(201);
    expect(ok.body.data.domain).toMatchObject({ custom_domain: "shop.example.com", status: "pending" });
    expect(ok.body.data.domain.txt_record.name).toBe("_izyboost.shop.example.com");
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("85000")!);
    await expectLedgerHolds(p);
  });

  it("serves the new site at once on its slug host", async () => {
    const buyer = await reseller(p, "20000");
    const slug = uniqueName("live").toLowerCase();
    const before = await p.request("/", { host: `${slug}.${SITES}` });
    expect(await before.text()).toContain("Site introuvable");
    expect((await purchase(p, buyer.token, { slug })).res.status).toBe(201);
    const after = await p.request("/", { host: `${slug}.${SITES}` });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("Boutique Test");
  });

  it("lists only the caller's own sites", async () => {
    const a = await reseller(p, "40000");
    const b = await reseller(p, "20000");
    const a1 = await purchase(p, a.token);
    const a2 = await purchase(p, a.token);
    await purchase(p, b.token);
    const list = await body(await p.request("/api/white-label/sites", { token: a.token }));
    expect(list.meta.total).toBe(2);
    expect(list.data.map((s: any) => s.uuid).sort()).toEqual([a1.body.data.uuid, a2.body.data.uuid].sort());
  });

  it("needs a signed-in user to buy", async () => {
    const res = await p.request("/api/white-label/purchase", { method: "POST", json: {} });
    expect(res.status).toBe(401);
  });
});
