import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { plainSpaces } from "../harness/money.ts";
import {
  addService,
  adminToken,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  money,
  orderWorld,
  runSync,
  type World,
} from "../orders/support.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { dbNow } from "../../src/lib/time.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { credit, debit } from "../../src/wallet/ledger.ts";
import { ALL_PERMISSIONS, v2 } from "../developer-api/helpers.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { chainOf, customerOn, orderViaForm, refundsOf, siteWith, type SiteWorld } from "./support.ts";

/** 1 EUR = 655.957 XOF, the peg, × 1,000,000. */
const EUR_PEG = 655_957_000;

// Issue 12: a site sells in its own currency; the reseller pays the platform in XOF (docs/currencies.md).
describeEachDialect("a site selling in euros: prices, deposits, orders and refunds on both sides of the chain", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    // The platform price, which is the reseller's cost: 1000 F CFA per 1000.
    service = await addService(w, { rate: "1000", min: 10, max: 100_000 });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  const eurSite = (resellerFunds = "100000") => siteWith(w, { resellerFunds, marginBp: 5000, extra: { currency: "EUR" } });
  const currencyOf = (s: SiteWorld, token: string) => w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/currency`, { token });
  const setCurrency = (s: SiteWorld, token: string, json: unknown) =>
    w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/currency`, { method: "PUT", token, json });
  const eurMethod = async (s: SiteWorld) => {
    const now = dbNow(w.clock);
    const res = await w.p.services.db
      .insertInto("payment_methods")
      .values({
        site_id: s.siteId,
        code: "wave",
        name: "Wave Europe",
        type: "mobile_money",
        instructions_fr: "Envoyez au 07 22",
        instructions_en: "Send to 07 22",
        account_number: "+33 6 00 00 00 00",
        currency: "EUR",
        min_amount: money("1"),
        max_amount: money("1000"),
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    return Number(res.insertId);
  };

  it("shows the catalogue in euros, takes a deposit in whole cents, charges the customer in euros rounded up to the cent and the reseller in francs", async () => {
    const s = await eurSite();
    await eurMethod(s);
    const c = await customerOn(w, s);

    // 1000 F CFA → 1.524491 € (up to a micro-euro) × 1.5 = 2.286737 € per 1000, shown rounded up to the cent.
    const catalogue = plainSpaces((await get(w.p, s.host, "/services", c.jar)).html);
    expect(catalogue).toContain("2,29 €");
    expect(catalogue).not.toContain("F CFA");
    const api = await v2(
      w.p,
      { key: (await createApiKey(w.p.ctx(s.tenant), c.user.id, { name: "bot", permissions: ALL_PERMISSIONS })).raw, action: "services" },
      { host: s.host },
    );
    expect(api.json.find((x: { service: number }) => x.service === service.id)).toMatchObject({ rate: "2.286737" });

    // A deposit in euros: not a whole cent is refused under the field; 20 € is recorded, then verified by the reseller.
    const funds = await get(w.p, s.host, "/funds", c.jar);
    const odd = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(funds.html), method: "wave", amount: "12,345", reference: "EUR-1", confirm: "yes" });
    expect(odd.res.status).toBe(422);
    expect(odd.html).toContain('id="f-amount-error"');
    const done = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(funds.html), method: "wave", amount: "20", reference: "EUR-2", confirm: "yes" });
    expect(done.res.status).toBe(303);
    const pending = await w.p.services.db
      .selectFrom("transactions")
      .selectAll()
      .where("user_id", "=", c.user.id)
      .where("type", "=", "deposit")
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ amount: money("20"), status: "pending" });
    // Money in the site: the currency may not change while it waits.
    const locked = await setCurrency(s, s.owner.token, { currency: "XOF" });
    expect([locked.status, (await body(locked)).error.code]).toEqual([409, "site_has_money"]);
    const verified = await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/deposits/${pending.id}/verify`, {
      method: "POST",
      token: s.owner.token,
      json: { action: "approve" },
    });
    expect(verified.status).toBe(200);
    expect(await balanceOf(w, c.user.id)).toBe(money("20"));
    expect(plainSpaces((await get(w.p, s.host, "/account", c.jar)).html)).toContain("20,00 €");

    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/euro", quantity: "1000" });
    expect(placed.status).toBe(303);
    const { customer, platform, link } = await chainOf(w, placed.uuid!);
    expect(customer).toMatchObject({ currency: "EUR", charge: money("2.29"), rate: money("2.286737"), provider_cost: money("1.524491") });
    expect(platform).toMatchObject({ currency: "XOF", charge: money("1000"), rate: money("1000"), user_id: s.owner.user.id });
    expect(link).toMatchObject({
      currency: "EUR",
      currency_rate: EUR_PEG,
      site_price: money("2.29"),
      reseller_cost: money("1000"),
      site_cost: money("1.524491"),
      profit: money("2.29") - money("1.524491"),
    });
    expect(await balanceOf(w, c.user.id)).toBe(money("17.71"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("99000"));

    // The reseller's figures stay in euros: revenue, its cost converted at the order's rate, profit.
    const stats = await body(await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/stats`, { token: s.owner.token }));
    expect(stats.data).toMatchObject({ currency: "EUR" });
    expect(JSON.stringify(stats.data)).toContain('"profit":"0.765509"');
    const order = await body(await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/orders/${customer.uuid}`, { token: s.owner.token }));
    expect(order.data).toMatchObject({ currency: "EUR", site_price: "2.29", reseller_cost: "1.524491", platform_charge: "1000.00", exchange_rate: "655.957" });
  });

  it("a Partial then the rest refunded flow down exact: the customer pro rata in cents rounded down, then all of it; the reseller in francs", async () => {
    const s = await eurSite();
    const c = await customerOn(w, s);
    await credit(w.p.ctx(s.tenant), { userId: c.user.id, amount: money("10"), type: "deposit", description: "test deposit" });
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/euro-partial", quantity: "1000" });
    const before = await chainOf(w, placed.uuid!);
    w.sim.sim.setOrderOutcome(Number(before.platform.provider_order_id), { status: "Partial", remains: 250 });
    finishAtProvider(w);
    await runSync(w);
    await runSync(w);
    // 2.29 € × 250 / 1000 = 0.5725 € → 0.57 €; 1000 F × 250 / 1000 = 250 F.
    expect(await refundsOf(w, c.user.id)).toEqual([money("0.57")]);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("250")]);

    // An admin refunds the reseller the rest: the customer gets back the rest of what they paid, to the cent.
    const admin = await adminToken(w);
    const res = await w.p.request(`/api/admin/orders/${before.platform.id}/refund`, {
      method: "POST",
      token: admin,
      json: { amount: "750", reason: "never delivered" },
    });
    expect(res.status, JSON.stringify(await body(res.clone()))).toBe(200);
    await settleDispatchKicks(w.p.services);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("250"), money("750")]);
    expect(await refundsOf(w, c.user.id)).toEqual([money("0.57"), money("1.72")]);
    const after = await chainOf(w, placed.uuid!);
    expect(Number(after.customer.refunded)).toBe(money("2.29"));
    expect(await balanceOf(w, c.user.id)).toBe(money("10"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("100000"));
  });

  it("a new rate applies to new orders only: the earlier order keeps its rate, and its refund its charge", async () => {
    const s = await eurSite();
    const c = await customerOn(w, s);
    await credit(w.p.ctx(s.tenant), { userId: c.user.id, amount: money("10"), type: "deposit", description: "test deposit" });
    const first = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/rate-1", quantity: "1000" });

    const bad = await setCurrency(s, s.owner.token, { currency: "EUR", rate: "-650" });
    expect([bad.status, Object.keys((await body(bad)).error.details)]).toEqual([422, ["rate"]]);
    const changed = await setCurrency(s, s.owner.token, { currency: "EUR", rate: "650" });
    expect(changed.status).toBe(200);
    expect((await body(changed)).data).toMatchObject({
      currency: "EUR",
      follows_platform: false,
      rate: "650",
      platform_rate: "655.957",
      preview: { XOF: "1000.00", EUR: "1.53" },
    });
    w.p.invalidateTenants();

    // 1000 F / 650 = 1.538462 € × 1.5 = 2.307693 € per 1000 → 2.31 €.
    const second = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/rate-2", quantity: "1000" });
    const a = await chainOf(w, first.uuid!);
    const b = await chainOf(w, second.uuid!);
    expect([a.customer.charge, a.link.currency_rate, a.link.site_cost]).toEqual([money("2.29"), EUR_PEG, money("1.524491")]);
    expect([b.customer.charge, b.link.currency_rate, b.link.site_cost]).toEqual([money("2.31"), 650_000_000, money("1.538462")]);
    expect([a.platform.charge, b.platform.charge]).toEqual([money("1000"), money("1000")]);

    // The first order canceled: the customer gets back exactly what it paid then.
    w.sim.sim.setOrderOutcome(Number(a.platform.provider_order_id), { status: "Canceled", remains: 1000 });
    finishAtProvider(w);
    await runSync(w);
    expect(await refundsOf(w, c.user.id)).toEqual([money("2.29")]);
    expect(await balanceOf(w, c.user.id)).toBe(money("10") - money("2.31"));
  });

  it("the currency changes only while no money of the site's customers would change meaning; the payment methods follow, converted", async () => {
    const s = await siteWith(w, { resellerFunds: "0", marginBp: 5000 });
    const now = dbNow(w.clock);
    const m = await w.p.services.db
      .insertInto("payment_methods")
      .values({
        site_id: s.siteId,
        code: "orange",
        name: "Orange Money",
        type: "mobile_money",
        account_number: "+225 07",
        currency: "XOF",
        min_amount: money("500"),
        max_amount: money("100000"),
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const methodId = Number(m.insertId);
    await w.p.services.db
      .insertInto("fee_structures")
      .values({
        name: "fee",
        payment_method_id: methodId,
        percent_bp: 100,
        fixed_amount: money("100"),
        min_amount: 0,
        max_amount: null,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const c = await customerOn(w, s, "300");

    const refused = await setCurrency(s, s.owner.token, { currency: "EUR" });
    expect(refused.status).toBe(409);
    expect((await body(refused)).error).toMatchObject({ code: "site_has_money", message: expect.stringContaining("balance") });
    // Through the branding form's field too: the same rule.
    const viaBranding = await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/branding`, {
      method: "PUT",
      token: s.owner.token,
      json: { currency: "EUR" },
    });
    expect(viaBranding.status).toBe(409);
    expect((await body(await currencyOf(s, s.owner.token))).data).toMatchObject({ currency: "XOF", currency_change: "refused_balances" });

    // A currency the platform does not quote needs the owner's own rate.
    const unquoted = await setCurrency(s, s.owner.token, { currency: "MAD" });
    expect([unquoted.status, Object.keys((await body(unquoted)).error.details)]).toEqual([422, ["rate"]]);

    // The customer spends it all (an adjustment to zero): now the currency may change.
    await debit(w.p.ctx(s.tenant), { userId: c.user.id, amount: money("300"), type: "adjustment", description: "spent" });
    const ok = await setCurrency(s, s.owner.token, { currency: "EUR" });
    expect(ok.status).toBe(200);
    expect((await body(ok)).data).toMatchObject({ currency: "EUR", follows_platform: true, rate: "655.957", preview: { EUR: "1.52" } });
    const method = await w.p.services.db.selectFrom("payment_methods").selectAll().where("id", "=", methodId).executeTakeFirstOrThrow();
    // 500 F → 0.77 € (a minimum up), 100000 F → 152.44 € (a maximum down), a 100 F fixed fee → 0.16 € (a fee up).
    expect(method).toMatchObject({ currency: "EUR", min_amount: money("0.77"), max_amount: money("152.44") });
    const fee = await w.p.services.db.selectFrom("fee_structures").selectAll().where("payment_method_id", "=", methodId).executeTakeFirstOrThrow();
    expect(fee).toMatchObject({ fixed_amount: money("0.16"), percent_bp: 100 });
    const audit = await w.p.services.db.selectFrom("audit_logs").selectAll().where("action", "=", "site.currency").where("site_id", "=", s.siteId).execute();
    expect(audit).toHaveLength(1);
  });

  it("the platform's rates are validated by type, a currency that sites follow keeps a rate, and following sites reprice at once", async () => {
    const s = await eurSite("0");
    const catalogue = async () => plainSpaces((await get(w.p, s.host, "/services", new Jar())).html);
    expect(await catalogue()).toContain("2,29 €");
    const admin = await adminToken(w);
    const put = (value: unknown) => w.p.request("/api/admin/settings/currency_rates", { method: "PUT", token: admin, json: { value } });
    for (const value of ["EUR=abc", "EURO=1", "EUR=0", "EUR=655.957; EUR=600", 42]) expect((await put(value)).status, String(value)).toBe(422);
    const dropped = await put("USD=600");
    expect(dropped.status).toBe(422);
    expect(JSON.stringify(await body(dropped))).toContain("EUR");
    const saved = await put({ usd: "610", EUR: "655.957", XAF: 1 });
    expect(saved.status).toBe(200);
    expect((await body(saved)).data).toMatchObject({ key: "currency_rates", value: "EUR=655.957; USD=610; XAF=1" });
    // 1000 F / 500 = 2 € × 1.5 = 3 € per 1000, on the next request (the storefront's cache follows the rates).
    expect((await put("EUR=500; USD=610; XAF=1")).status).toBe(200);
    expect(await catalogue()).toContain("3,00 €");
    expect((await put("EUR=655.957; USD=610; XAF=1")).status).toBe(200);
    expect(await catalogue()).toContain("2,29 €");
  });

  it("10 concurrent orders never overdraw either side, each in its own currency", async () => {
    // The customer can pay 7 orders (7 × 2.29 €); the reseller all 10 (10 × 1000 F).
    const s = await eurSite("10000");
    const c = await customerOn(w, s);
    await credit(w.p.ctx(s.tenant), { userId: c.user.id, amount: money("16.03"), type: "deposit", description: "test deposit" });
    const key = (await createApiKey(w.p.ctx(s.tenant), c.user.id, { name: "rush", permissions: ALL_PERMISSIONS })).raw;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        v2(w.p, { key, action: "add", service: service.id, link: `https://x.test/eur-rush/${i}`, quantity: 1000 }, { host: s.host }),
      ),
    );
    await settleDispatchKicks(w.p.services);
    expect(answers.filter((a) => "order" in a.json)).toHaveLength(7);
    expect(await balanceOf(w, c.user.id)).toBe(0);
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("3000"));
    const links = await w.p.services.db.selectFrom("site_orders").selectAll().where("site_id", "=", s.siteId).execute();
    expect(links.map((l) => [l.currency, Number(l.site_price), Number(l.reseller_cost)])).toEqual(Array(7).fill(["EUR", money("2.29"), money("1000")]));
  });
});
