import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp } from "../harness/platform.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { dbNow, DAY } from "../../src/lib/time.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { releaseCommissionsJob } from "../../src/referrals/release.ts";
import { addService, closeWorld, expectLedgerHolds, finishAtProvider, fundedUser, money, orderWorld, place, runSync, type World } from "../orders/support.ts";

describeEachDialect("referrals", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
  });
  afterAll(() => closeWorld(w));

  const get = async (token: string, path: string) => {
    const res = await w.p.request(`/api/referrals${path}`, { token });
    return { status: res.status, json: await body(res) };
  };

  /** a → b → c → d: d is a's level-3 referral. */
  async function chain() {
    const a = await signUp(w.p);
    const b = await signUp(w.p, { referral_code: a.user.referral_code });
    const c = await signUp(w.p, { referral_code: b.user.referral_code });
    const d = await fundedUser(w, "100000", { referral_code: c.user.referral_code });
    return { a, b, c, d };
  }

  it("counts referrals per level and lists them by username and join date only", async () => {
    const { a, b, c, d } = await chain();
    const b2 = await signUp(w.p, { referral_code: a.user.referral_code });
    const stats = (await get(a.token, "/stats")).json.data;
    expect(stats).toMatchObject({ referral_code: a.user.referral_code, total_referrals: 4, total_earned: "0.00", this_month_earned: "0.00", currency: "XOF" });
    expect(stats.levels).toEqual([
      { level: 1, rate_bp: 1000, rate_percent: "10", referrals: 2, earned: "0.00", pending: "0.00" },
      { level: 2, rate_bp: 500, rate_percent: "5", referrals: 1, earned: "0.00", pending: "0.00" },
      { level: 3, rate_bp: 200, rate_percent: "2", referrals: 1, earned: "0.00", pending: "0.00" },
    ]);

    const list = await get(a.token, "/list");
    expect(list.status).toBe(200);
    expect(list.json.meta).toEqual({ page: 1, per_page: 20, total: 4 });
    expect(list.json.data.map((r: { username: string; level: number }) => [r.username, r.level]).sort()).toEqual(
      [
        [b.user.username, 1],
        [b2.user.username, 1],
        [c.user.username, 2],
        [d.user.username, 3],
      ].sort(),
    );
    for (const r of list.json.data) expect(Object.keys(r).sort()).toEqual(["joined_at", "level", "username"]);
    expect(JSON.stringify(list.json)).not.toContain("@example.com");
    const level2 = await get(a.token, "/list?level=2");
    expect(level2.json.data.map((r: { username: string }) => r.username)).toEqual([c.user.username]);
    expect((await get(a.token, "/list?level=4")).status).toBe(422);
    expect((await get(d.token, "/list")).json.meta.total).toBe(0);
  });

  it("shows the commissions of a referred user's completed order per level, this month included", async () => {
    const { a, b, c, d } = await chain();
    const placed = await place(w, d.token, { service_id: service.id, link: "https://x.com/ref", quantity: 2000 });
    expect(placed.status).toBe(201);
    finishAtProvider(w);
    await runSync(w);
    await runJobOnce(w.p.services, releaseCommissionsJob);
    expect((await get(c.token, "/stats")).json.data).toMatchObject({ total_earned: "0.00", pending_total: "200.00" });
    w.clock.advance(7 * DAY);
    await runJobOnce(w.p.services, releaseCommissionsJob);

    const forA = (await get(a.token, "/stats")).json.data;
    expect(forA).toMatchObject({ total_earned: "40.00", this_month_earned: "40.00", pending_total: "0.00", next_available_at: null });
    expect(forA.levels[2]).toMatchObject({ level: 3, earned: "40.00" });
    expect((await get(b.token, "/stats")).json.data.total_earned).toBe("100.00");
    expect((await get(c.token, "/stats")).json.data.total_earned).toBe("200.00");

    const commissions = await get(c.token, "/commissions");
    expect(commissions.json.meta.total).toBe(1);
    expect(commissions.json.data[0]).toMatchObject({
      level: 1,
      rate_bp: 1000,
      rate_percent: "10",
      amount: "200.00",
      reversed_amount: "0.00",
      kept: "200.00",
      status: "credited",
      referred_username: d.user.username,
    });
    expect(JSON.stringify(commissions.json)).not.toContain(placed.order.uuid);
    expect((await get(c.token, "/commissions?level=2")).json.meta.total).toBe(0);
    expect((await get(d.token, "/commissions")).json.meta.total).toBe(0);
    await expectLedgerHolds(w);
  });

  it("totals are net of clawbacks and 'this month' leaves older commissions out", async () => {
    const a = await signUp(w.p);
    const b = await signUp(w.p, { referral_code: a.user.referral_code });
    const db = w.p.services.db;
    const old = dbNow(w.clock, -45 * DAY);
    const now = dbNow(w.clock);
    const { id: o1 } = await insertOrderRow(w.p, b.user.id);
    const { id: o2 } = await insertOrderRow(w.p, b.user.id);
    const { id: o3 } = await insertOrderRow(w.p, b.user.id);
    await db
      .insertInto("referral_commissions")
      .values([
        {
          referrer_id: a.user.id,
          referred_user_id: b.user.id,
          order_id: o1,
          level: 1,
          rate_bp: 1000,
          amount: money("50"),
          reversed_amount: 0,
          status: "credited",
          created_at: old,
          updated_at: old,
        },
        {
          referrer_id: a.user.id,
          referred_user_id: b.user.id,
          order_id: o2,
          level: 1,
          rate_bp: 1000,
          amount: money("30"),
          reversed_amount: money("30"),
          status: "reversed",
          created_at: now,
          updated_at: now,
        },
        {
          referrer_id: a.user.id,
          referred_user_id: b.user.id,
          order_id: o3,
          level: 1,
          rate_bp: 1000,
          amount: money("20"),
          reversed_amount: money("5"),
          status: "credited",
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    const stats = (await get(a.token, "/stats")).json.data;
    expect(stats).toMatchObject({ total_earned: "65.00", this_month_earned: "15.00", reversed_total: "35.00" });
    const reversed = await get(a.token, "/commissions?status=reversed");
    expect(reversed.json.data).toHaveLength(1);
    expect(reversed.json.data[0]).toMatchObject({ amount: "30.00", kept: "0.00", status: "reversed" });
    const page = await get(a.token, "/commissions?per_page=2");
    expect(page.json.meta).toEqual({ page: 1, per_page: 2, total: 3 });
  });

  it("gives the caller's code and a registration link built from APP_URL, whatever the Host", async () => {
    const u = await signUp(w.p);
    const res = await w.p.request("/api/referrals/link", { token: u.token, host: "localhost:8000" });
    expect((await body(res)).data).toEqual({ code: u.user.referral_code, url: `http://izyboost.test/register?ref=${u.user.referral_code}` });
  });

  it("needs a session", async () => {
    for (const path of ["/stats", "/list", "/commissions", "/link"]) expect((await w.p.request(`/api/referrals${path}`)).status).toBe(401);
  });
});
