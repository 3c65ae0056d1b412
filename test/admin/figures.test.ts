import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, describeEachDialect, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { fund, expectLedgerHolds } from "../harness/money.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { resellerWithSite, siteRow, whiteLabelPlatform } from "../white-label/helpers.ts";
import { DAY, HOUR, dbNow, toDbTime } from "../../src/lib/time.ts";
import { formatMoney, parseMoney } from "../../src/money/money.ts";
import { withTransaction } from "../../src/context.ts";
import { placeOrder } from "../../src/orders/place.ts";
import { changeOrderStatus } from "../../src/orders/transitions.ts";
import { chargeRenewal } from "../../src/white-label/renewals.ts";
import { staffJar, visit } from "../admin-console/helpers.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { rollupStatistics } from "../../src/statistics/rollup.ts";
import type { OrderStatus } from "../../src/db/schema.ts";

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Day {
  orders: number;
  revenue: bigint;
  cost: bigint;
  wl: bigint;
  wlCount: number;
}

const money = (v: bigint) => formatMoney(Number(v));

describeEachDialect("one definition of revenue, cost and profit", (dialect) => {
  const clock = manualClock(new Date("2026-10-20T08:00:00Z"));
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  let siteId = 0;

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock, env: { SESSION_DAYS: "365" } });
    admin = await signUpAdmin(p);
    const db = p.services.db;
    const now = dbNow(clock);
    // A provider in USD at 600 XOF, a service sold at 1500 XOF per 1000 that costs 1.5 USD (900 XOF) per 1000.
    const prov = await db
      .insertInto("api_providers")
      .values({
        name: "Figures panel",
        url: "http://127.0.0.1:9/api/v2",
        api_key: "k",
        currency: "USD",
        exchange_rate: 600_000_000,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const cat = await db.selectFrom("categories").select("id").orderBy("id").executeTakeFirstOrThrow();
    const svc = await db
      .insertInto("services")
      .values({
        provider_id: Number(prov.insertId),
        provider_service_id: "fig-1",
        category_id: cat.id,
        name: "Figures followers",
        provider_rate: parseMoney("1.5")!,
        base_rate: parseMoney("900")!,
        rate: parseMoney("1500")!,
        min: 10,
        max: 100000,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const serviceId = Number(svc.insertId);

    const rand = prng(dialect === "sqlite" ? 11 : 29);
    const buyers = await Promise.all([signUp(p), signUp(p), signUp(p)]);
    for (const b of buyers) await fund(p, b.user.id, "100000000");
    const userRows = await db
      .selectFrom("users")
      .selectAll()
      .where(
        "id",
        "in",
        buyers.map((b) => b.user.id),
      )
      .execute();

    // A reseller buys a site (a white-label purchase) early in the period.
    clock.set(new Date("2026-10-25T09:30:00Z"));
    const owner = await resellerWithSite(p);
    const site = await siteRow(p, owner.site.uuid);
    siteId = site.id;

    // ~35 days of orders, 5 to 9 hours apart, every status, placed through the real verb (no dispatch: inside a transaction).
    clock.set(new Date("2026-10-20T08:00:00Z"));
    const placed: number[] = [];
    for (let i = 0; i < 110; i++) {
      clock.advance(Math.round((5 + rand() * 4) * HOUR));
      const user = userRows[i % userRows.length]!;
      const ctx = { ...p.ctx(), user };
      const quantity = 10 + Math.floor(rand() * 5000);
      const order = await withTransaction(ctx, (tx) => placeOrder(tx, { service_id: serviceId, link: `https://x.test/${i}`, quantity }, { source: "web" }));
      placed.push(order.id);
    }
    // Statuses arrive later than the orders (refunds on another day than their order).
    const endings: OrderStatus[] = ["completed", "completed", "partial", "partial", "canceled", "refunded", "failed", "in_progress", "processing", "pending"];
    clock.advance(3 * HOUR);
    for (const id of placed) {
      const status = endings[Math.floor(rand() * endings.length)]!;
      if (status === "pending") continue;
      const order = await db.selectFrom("orders").select(["quantity"]).where("id", "=", id).executeTakeFirstOrThrow();
      const remains = status === "partial" ? 1 + Math.floor(rand() * (order.quantity - 1)) : null;
      await changeOrderStatus(p.ctx(), id, { status, remains }, { from: ["pending", "processing", "in_progress"] });
      // Some partial orders are refunded in full afterwards: two refunds of one order.
      if (status === "partial" && rand() < 0.3) {
        clock.advance(HOUR);
        await changeOrderStatus(p.ctx(), id, { status: "refunded" }, { from: ["partial"] });
      }
    }
    // The site renews the next day (a subscription sale), and a few orders are placed today.
    clock.advance(DAY);
    const sub = await db.selectFrom("subscriptions").selectAll().where("site_id", "=", site.id).executeTakeFirstOrThrow();
    await chargeRenewal(p.ctx(), sub, site, clock.now());
    for (let i = 0; i < 4; i++) {
      clock.advance(10 * 60_000);
      const ctx = { ...p.ctx(), user: userRows[i % userRows.length]! };
      await withTransaction(ctx, (tx) => placeOrder(tx, { service_id: serviceId, link: `https://x.test/today-${i}`, quantity: 700 + i }, { source: "web" }));
    }
    // A site customer's order is the site's business, never the platform's figures.
    await insertOrderRow(p, owner.user.id, { site_id: site.id, charge: parseMoney("99999")!, provider_cost: parseMoney("11111")!, status: "completed" });
  });
  afterAll(() => p.close());

  /** The figures computed here, from the rows themselves: orders by their day, white-label ledger rows by theirs. */
  async function direct(): Promise<Map<string, Day>> {
    const db = p.services.db;
    const orders = await db.selectFrom("orders").select(["created_at", "charge", "refunded", "provider_cost", "site_id", "id"]).execute();
    const ledger = await db.selectFrom("transactions").select(["type", "amount", "status", "order_id", "created_at", "site_id"]).execute();
    const days = new Map<string, Day>();
    const day = (at: string) => {
      const key = String(at).slice(0, 10);
      if (!days.has(key)) days.set(key, { orders: 0, revenue: 0n, cost: 0n, wl: 0n, wlCount: 0 });
      return days.get(key)!;
    };
    for (const o of orders.filter((o) => Number(o.site_id) === 0)) {
      const charge = BigInt(o.charge);
      const refunded = BigInt(o.refunded);
      const cost = BigInt(o.provider_cost);
      // The ledger agrees with the order row: one charge, refunds summing to `refunded`.
      const rows = ledger.filter((t) => t.order_id === o.id && t.status === "completed");
      expect(rows.filter((t) => t.type === "order").reduce((a, t) => a - BigInt(t.amount), 0n)).toBe(charge);
      expect(rows.filter((t) => t.type === "refund").reduce((a, t) => a + BigInt(t.amount), 0n)).toBe(refunded);
      const d = day(String(o.created_at));
      d.orders += 1;
      d.revenue += charge - refunded;
      // What the provider keeps: the cost in the share of the charge the customer kept paying.
      d.cost += refunded === 0n ? cost : refunded >= charge ? 0n : cost - (cost * refunded) / charge;
    }
    for (const t of ledger.filter((t) => Number(t.site_id) === 0 && t.status === "completed" && ["white_label_purchase", "subscription"].includes(t.type))) {
      const d = day(String(t.created_at));
      d.wl -= BigInt(t.amount);
      d.wlCount += 1;
    }
    return days;
  }

  const sum = (days: Map<string, Day>, from: string, to: string) => {
    const t = { orders: 0, revenue: 0n, cost: 0n, wl: 0n, wlCount: 0 };
    for (const [d, v] of days)
      if (d >= from && d <= to) {
        t.orders += v.orders;
        t.revenue += v.revenue + v.wl;
        t.cost += v.cost;
        t.wl += v.wl;
        t.wlCount += v.wlCount;
      }
    return { orders: t.orders, revenue: money(t.revenue), cost: money(t.cost), profit: money(t.revenue - t.cost), wl: money(t.wl), wlCount: t.wlCount };
  };
  const shape = (f: any) => ({
    orders: f.orders,
    revenue: f.revenue,
    cost: f.cost,
    profit: f.profit,
    wl: f.white_label_sales.amount,
    wlCount: f.white_label_sales.count,
  });
  const dateAgo = (days: number) => toDbTime(new Date(clock.now().getTime() - days * DAY)).slice(0, 10);

  it("the generated data set has every kind of order, refunds on later days and both kinds of white-label sale", async () => {
    const db = p.services.db;
    const statuses = new Set((await db.selectFrom("orders").select("status").execute()).map((o) => o.status));
    for (const s of ["completed", "partial", "canceled", "refunded", "failed", "pending"]) expect(statuses).toContain(s);
    const types = new Set((await db.selectFrom("transactions").select("type").execute()).map((t) => t.type));
    for (const t of ["white_label_purchase", "subscription", "refund"]) expect(types).toContain(t);
    await expectLedgerHolds(p);
  });

  it("the JSON dashboard, the revenue chart, the finance figures and the console page agree with the rows", async () => {
    const days = await direct();
    const today = dateAgo(0);
    const first = [...days.keys()].sort()[0]!;
    const res = await p.request(`/api/admin/dashboard?from=${first}&to=${today}`, { token: admin.token });
    expect(res.status).toBe(200);
    const d = (await body(res)).data;
    expect(shape(d.periods.today)).toEqual(sum(days, today, today));
    expect(shape(d.periods.last_7_days)).toEqual(sum(days, dateAgo(6), today));
    expect(shape(d.periods.last_30_days)).toEqual(sum(days, dateAgo(29), today));
    const all = sum(days, first, today);
    expect(all.orders).toBeGreaterThan(100);
    expect(shape(d.periods.range)).toEqual(all);
    expect(d.revenue).toEqual({
      today: sum(days, today, today).revenue,
      cost_today: sum(days, today, today).cost,
      profit_today: sum(days, today, today).profit,
    });

    // The chart: one point per day, each the day's figures.
    const chart = (await body(await p.request("/api/admin/dashboard/revenue-chart?days=90", { token: admin.token }))).data;
    expect(chart).toHaveLength(90);
    for (const point of chart) {
      const s = sum(days, point.date, point.date);
      expect({ date: point.date, orders: point.orders, revenue: point.revenue, cost: point.cost, profit: point.profit }).toEqual({
        date: point.date,
        orders: s.orders,
        revenue: s.revenue,
        cost: s.cost,
        profit: s.profit,
      });
    }

    // The finance figures: all time, today, this month.
    const fin = (await body(await p.request("/api/admin/finance/stats", { token: admin.token }))).data;
    const finShape = (f: any) => ({ orders: f.count, revenue: f.revenue, cost: f.cost, profit: f.profit, wl: f.white_label_sales });
    const pick = (s: ReturnType<typeof sum>) => ({ orders: s.orders, revenue: s.revenue, cost: s.cost, profit: s.profit, wl: s.wl });
    expect(finShape(fin.orders.all_time)).toEqual(pick(all));
    expect(finShape(fin.orders.today)).toEqual(pick(sum(days, today, today)));
    expect(finShape(fin.orders.this_month)).toEqual(pick(sum(days, `${today.slice(0, 7)}-01`, today)));

    // The console page shows the same period's figures.
    const staff = await staffJar(p, "admin");
    const page = await visit(p, staff.jar, `/admin?lang=en&from=${first}&to=${today}`);
    for (const amount of [all.revenue, all.cost, all.profit, all.wl]) expect(page.html).toContain(displayMoney(parseMoney(amount)!, "XOF", "en"));

    // The roll-up stores the same figures for yesterday and today.
    await rollupStatistics(p.ctx());
    const stored = await p.services.db.selectFrom("platform_statistics").selectAll().execute();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    for (const row of stored) {
      const date = String(row.date).slice(0, 10);
      const s = sum(days, date, date);
      expect({
        orders: Number(row.orders_count),
        revenue: formatMoney(Number(row.revenue)),
        cost: formatMoney(Number(row.cost)),
        profit: formatMoney(Number(row.profit)),
      }).toEqual({
        orders: s.orders,
        revenue: s.revenue,
        cost: s.cost,
        profit: s.profit,
      });
    }
  });

  it("the site's own orders count in the site's figures only", async () => {
    const d = (await body(await p.request("/api/admin/dashboard?from=2026-10-01&to=" + dateAgo(0), { token: admin.token }))).data;
    const site = await p.services.db.selectFrom("orders").select("charge").where("site_id", "=", siteId).execute();
    expect(site).toHaveLength(1);
    expect(d.periods.range.orders).toBe(sum(await direct(), "2026-10-01", dateAgo(0)).orders);
  });

  describe("a chosen period", () => {
    it("is refused with the field named when a date is wrong, after today, reversed or longer than 366 days", async () => {
      const ask = async (q: string) => {
        const res = await p.request(`/api/admin/dashboard?${q}`, { token: admin.token });
        return { status: res.status, details: (await body(res)).error?.details };
      };
      expect(await ask("from=2026-13-01&to=2026-11-01")).toMatchObject({ status: 422, details: { from: [expect.any(String)] } });
      expect(await ask("from=2026-11-01")).toMatchObject({ status: 422, details: { to: [expect.any(String)] } });
      expect(await ask(`from=2026-11-01&to=${dateAgo(-2)}`)).toMatchObject({ status: 422, details: { to: ["Not after today"] } });
      expect(await ask("from=2026-11-10&to=2026-11-01")).toMatchObject({ status: 422, details: { to: ["On or after the start date"] } });
      expect(await ask("from=2025-01-01&to=2026-11-01")).toMatchObject({ status: 422, details: { to: [expect.stringContaining("366")] } });
      expect((await ask(`from=${dateAgo(365)}&to=${dateAgo(0)}`)).status).toBe(200);
    });
  });
});
