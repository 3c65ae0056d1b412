import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { expectLedgerHolds } from "../harness/money.ts";
import { insertOrderRow, offlineService } from "../harness/rows.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { staffJar, visit } from "./helpers.ts";
import { parseMoney } from "../../src/money/money.ts";
import { displayMoney } from "../../src/storefront/format.ts";

const xof = (amount: string) => displayMoney(parseMoney(amount)!, "XOF", "en");

/** The tooltips of the page's day chart: "20 Nov · Revenue: XOF 1,000", one per day and series. */
const dayBars = (html: string) => [...html.matchAll(/<rect class="chart-[ab]"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]!);

/** The rows of a rank chart (orders by status, top services) as [label, shown value], in order. */
function rankRows(html: string, title: string): [string, string][] {
  const at = html.indexOf(`<figcaption>${title}</figcaption>`);
  if (at < 0) throw new Error(`no chart "${title}"`);
  const figure = html.slice(at, html.indexOf("</figure>", at));
  return [...figure.matchAll(/<span class="rank-label">([^<]*)<\/span><span class="rank-value">([^<]*)<\/span>/g)].map((m) => [m[1]!, m[2]!]);
}

// The console's dashboard reads a period's orders once, grouped by day, status and service, and derives its day
// chart, its orders by status and its top services from that one read: each must land on its own day, status
// and service.
describeEachDialect("admin console: the dashboard's one read of a period", (dialect) => {
  const clock = manualClock(new Date("2026-11-24T10:00:00Z"));
  let p: TestPlatform;
  let wlSale = "";
  const names = { likes: "", views: "" };

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock, env: { SESSION_DAYS: "365" } });
    const db = p.services.db;
    const likes = await offlineService(p);
    const views = await offlineService(p);
    for (const [key, s] of [
      ["likes", likes],
      ["views", views],
    ] as const)
      names[key] = (await db.selectFrom("services").select("name").where("id", "=", s.serviceId).executeTakeFirstOrThrow()).name;
    const buyer = (await staffJar(p, "user")).user.id;
    const order = async (
      at: string,
      s: typeof likes,
      values: { charge: string; refunded?: string; cost: string; status: "completed" | "partial" | "canceled" | "pending" },
      siteId = 0,
    ) => {
      clock.set(new Date(at));
      await insertOrderRow(p, buyer, {
        service_id: s.serviceId,
        provider_id: s.providerId,
        site_id: siteId,
        charge: parseMoney(values.charge)!,
        refunded: parseMoney(values.refunded ?? "0")!,
        provider_cost: parseMoney(values.cost)!,
        status: values.status,
      });
    };
    // 20 Nov: a completed likes order. 21 Nov, late in the day: a views order partly refunded (its refund,
    // whenever booked, reduces 21 Nov). 22 Nov: a canceled likes order and a pending views order.
    await order("2026-11-20T08:00:00Z", likes, { charge: "1000", cost: "600", status: "completed" });
    await order("2026-11-21T23:59:59.500Z", views, { charge: "3000", refunded: "1000", cost: "1800", status: "partial" });
    await order("2026-11-22T00:00:00Z", likes, { charge: "500", refunded: "500", cost: "300", status: "canceled" });
    await order("2026-11-22T12:00:00Z", views, { charge: "700", cost: "400", status: "pending" });
    // 23 Nov: a white-label purchase (the reseller's plan, from the wallet). Today: a completed likes order.
    clock.set(new Date("2026-11-23T09:00:00Z"));
    const owner = await resellerWithSite(p);
    wlSale = (
      await db.selectFrom("white_label_plans").select("price_monthly").where("slug", "=", "business").executeTakeFirstOrThrow()
    ).price_monthly.toString();
    await order("2026-11-24T09:00:00Z", likes, { charge: "200", cost: "100", status: "completed" });
    // A site's own customer order is the site's, never the platform's figures (its reseller's platform order is).
    const site = await db.selectFrom("white_label_sites").select("id").where("uuid", "=", owner.site.uuid).executeTakeFirstOrThrow();
    await order("2026-11-22T13:00:00Z", views, { charge: "9000", cost: "5000", status: "completed" }, site.id);
    // 10 Sep, outside the last 30 days: read only for a chosen period that covers it.
    await order("2026-09-10T10:00:00Z", views, { charge: "4000", cost: "2000", status: "completed" });
    clock.set(new Date("2026-11-24T10:00:00Z"));
  });
  afterAll(() => p.close());

  const wl = () => (Number(wlSale) / 1e6).toFixed(2);

  it("puts each day's revenue and profit, a partial refund and a white-label sale on their own day", async () => {
    const admin = await staffJar(p, "admin");
    const page = await visit(p, admin.jar, "/admin?lang=en&days=7");
    expect(page.res.status).toBe(200);
    const bars = dayBars(page.html);
    expect(bars).toHaveLength(7 * 2);
    const day = (d: string, revenue: string, profit: string) => [`${d} · Revenue: ${xof(revenue)}`, `${d} · Profit: ${xof(profit)}`];
    expect(bars).toEqual([
      ...day("18 Nov", "0", "0"),
      ...day("19 Nov", "0", "0"),
      ...day("20 Nov", "1000", "400"),
      // 3000 − 1000 refunded; the provider keeps 1800 − ⌊1800 × 1000 / 3000⌋ = 1200.
      ...day("21 Nov", "2000", "800"),
      // The canceled order brings nothing and costs nothing; the pending one its charge less its cost.
      ...day("22 Nov", "700", "300"),
      ...day("23 Nov", wl(), wl()),
      ...day("24 Nov", "200", "100"),
    ]);
    await expectLedgerHolds(p);
  });

  it("counts each status and ranks each service by its own orders, for the period asked", async () => {
    const admin = await staffJar(p, "admin");
    const month = await visit(p, admin.jar, "/admin?lang=en&days=30");
    expect(rankRows(month.html, "Orders by status")).toEqual([
      ["Completed", "2"],
      ["Canceled", "1"],
      ["Partial", "1"],
      ["Pending", "1"],
    ]);
    expect(rankRows(month.html, "Top services (revenue)")).toEqual([
      [names.views, xof("2700")],
      [names.likes, xof("1200")],
    ]);
    // 21–22 Nov alone: no completed order; likes kept nothing of its canceled order.
    const two = await visit(p, admin.jar, "/admin?lang=en&from=2026-11-21&to=2026-11-22");
    expect(rankRows(two.html, "Orders by status")).toEqual([
      ["Canceled", "1"],
      ["Partial", "1"],
      ["Pending", "1"],
    ]);
    expect(rankRows(two.html, "Top services (revenue)")).toEqual([
      [names.views, xof("2700")],
      [names.likes, xof("0")],
    ]);
    // Today only.
    const today = await visit(p, admin.jar, "/admin?lang=en&days=1");
    expect(rankRows(today.html, "Orders by status")).toEqual([["Completed", "1"]]);
    expect(rankRows(today.html, "Top services (revenue)")).toEqual([[names.likes, xof("200")]]);
  });

  it("shows a period away from the last 30 days by its own orders, and the headline figures still by the last 30", async () => {
    const admin = await staffJar(p, "admin");
    const page = await visit(p, admin.jar, "/admin?lang=en&from=2026-09-01&to=2026-09-30");
    expect(rankRows(page.html, "Orders by status")).toEqual([["Completed", "1"]]);
    expect(rankRows(page.html, "Top services (revenue)")).toEqual([[names.views, xof("4000")]]);
    // Only 10 September has a bar above zero ("Sep" or "Sept", as Intl writes it).
    expect(dayBars(page.html).filter((t) => !t.endsWith(`: ${xof("0")}`))).toEqual([
      expect.stringMatching(new RegExp(`^10 Sept? · Revenue: ${xof("4000")}$`)),
      expect.stringMatching(new RegExp(`^10 Sept? · Profit: ${xof("2000")}$`)),
    ]);
    // The period's revenue is September's order alone.
    expect(page.html).toContain(xof("4000"));
    const res = await p.request("/api/admin/dashboard?from=2026-09-01&to=2026-09-30", { token: admin.token });
    const d = (await body(res)).data;
    expect(d.periods.range).toMatchObject({ orders: 1, revenue: "4000.00", cost: "2000.00" });
    expect(d.periods.last_30_days).toMatchObject({ orders: 5, order_revenue: "3900.00", cost: "2300.00", white_label_sales: { count: 1, amount: wl() } });
  });
});
