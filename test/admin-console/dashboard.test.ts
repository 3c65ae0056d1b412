import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { insertSite } from "../storefront/helpers.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { staffJar, visit } from "./helpers.ts";
import { dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { displayMoney } from "../../src/storefront/format.ts";

const xof = (amount: string, lang: "fr" | "en") => displayMoney(parseMoney(amount)!, "XOF", lang);

describeEachDialect("admin console: the dashboard's figures", (dialect) => {
  const clock = manualClock(new Date("2026-11-24T10:00:00Z"));
  let p: TestPlatform;
  let serviceName = "";

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock, env: { SESSION_DAYS: "365" } });
    const db = p.services.db;
    const now = dbNow(clock);
    await db
      .insertInto("api_providers")
      .values([
        {
          name: "Low panel",
          url: "http://127.0.0.1:9/a",
          api_key: "k",
          currency: "USD",
          exchange_rate: 600_000_000,
          balance: parseMoney("12.5")!,
          balance_low: 1,
          balance_checked_at: now,
          created_at: now,
          updated_at: now,
        },
        {
          name: "Full panel",
          url: "http://127.0.0.1:9/b",
          api_key: "k",
          currency: "USD",
          exchange_rate: 600_000_000,
          balance: parseMoney("5000")!,
          balance_low: 0,
          balance_checked_at: now,
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    // Five days ago: a white-label purchase (50 000 XOF business plan) and a 2 500 XOF order, 300 of it refunded.
    clock.set(new Date("2026-11-19T09:00:00Z"));
    const owner = await resellerWithSite(p);
    const order = await insertOrderRow(p, owner.user.id, {
      charge: parseMoney("2500")!,
      refunded: parseMoney("300")!,
      provider_cost: parseMoney("1200")!,
      status: "partial",
    });
    const row = await db
      .selectFrom("orders")
      .innerJoin("services", "services.id", "orders.service_id")
      .select("services.name")
      .where("orders.id", "=", order.id)
      .executeTakeFirstOrThrow();
    serviceName = row.name;
    clock.set(new Date("2026-11-24T10:00:00Z"));
  });
  afterAll(() => p.close());

  it("shows a chosen period's revenue, white-label sales, cost and profit as the JSON dashboard computes them, with top services and provider balances", async () => {
    const admin = await staffJar(p, "admin");
    const api = await signUpAdmin(p);
    const json = (await body(await p.request("/api/admin/dashboard?from=2026-11-18&to=2026-11-20", { token: api.token }))).data.periods.range;
    const sale = (await p.services.db.selectFrom("white_label_plans").select("price_monthly").where("slug", "=", "business").executeTakeFirstOrThrow())
      .price_monthly;
    expect(json.white_label_sales).toEqual({ count: 1, amount: (Number(sale) / 1e6).toFixed(2) });
    expect(json.cost).toBe("1056.00"); // 1200 less 300/2500 of it
    const page = await visit(p, admin.jar, "/admin?lang=en&from=2026-11-18&to=2026-11-20");
    expect(page.res.status).toBe(200);
    for (const amount of [json.revenue, json.cost, json.profit]) expect(page.html).toContain(xof(amount, "en"));
    expect(page.html).toContain(`1 purchase(s) and renewal(s): ${xof(json.white_label_sales.amount, "en")}`);
    expect(page.html).toContain('value="2026-11-18"');
    expect(page.html).toContain(serviceName);
    expect(page.html).toMatch(/<li class="is-low"><span>Low panel[\s\S]*?is-hot">\$12\.50 · Low balance/);
    expect(page.html).toMatch(/<li class=""><span>Full panel[\s\S]*?class="count">\$5,000\.00/);
    // Today's period has none of it; French words on the French page.
    const today = await visit(p, admin.jar, "/admin?lang=fr&days=1");
    expect(today.html).toContain("Ventes marque blanche");
    expect(today.html).toContain(`0 achat(s) et renouvellement(s) : ${xof("0", "fr")}`);
  });

  it("refuses a wrong period with a 422 that names the field and keeps what was typed", async () => {
    const admin = await staffJar(p, "admin");
    const reversed = await visit(p, admin.jar, "/admin?lang=en&from=2026-11-20&to=2026-11-10");
    expect(reversed.res.status).toBe(422);
    expect(reversed.html).toContain('id="f-to-error">On or after the start date.');
    expect(reversed.html).toContain('value="2026-11-20"');
    expect(reversed.html).toContain('value="2026-11-10"');
    const typo = await visit(p, admin.jar, "/admin?lang=fr&from=2026-02-30&to=2026-11-10");
    expect(typo.res.status).toBe(422);
    expect(typo.html).toContain('id="f-from-error">Une date au format AAAA-MM-JJ.');
    expect(typo.html).toContain('value="2026-02-30"');
    const long = await visit(p, admin.jar, "/admin?lang=en&from=2025-01-01&to=2026-11-10");
    expect(long.html).toContain('id="f-to-error">At most 366 days from the start date.');
    const future = await visit(p, admin.jar, "/admin?lang=en&from=2026-11-01&to=2026-12-10");
    expect(future.html).toContain('id="f-to-error">Not after today.');
  });

  it("is the platform's: a site host answers 404 for it, and support staff are sent to their section", async () => {
    const admin = await staffJar(p, "admin");
    const { host } = await insertSite(p);
    expect((await visit(p, admin.jar, "/admin?from=2026-11-18&to=2026-11-20", host)).res.status).toBe(404);
    const support = await staffJar(p, "support");
    const res = await visit(p, support.jar, "/admin?from=2026-11-18&to=2026-11-20");
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get("location")).toBe("/admin/support");
    expect((await p.request("/api/admin/dashboard", { token: support.token })).status).toBe(403);
  });
});
