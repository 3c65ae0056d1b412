import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUpAdmin } from "../harness/platform.ts";
import { auditRows } from "../harness/audit.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { DAY, toIso } from "../../src/lib/time.ts";
import { releaseCommissionsJob, releaseDueCommissions } from "../../src/referrals/release.ts";
import { putSetting } from "../../src/settings/service.ts";
import {
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  fundedUser,
  ledgerOf,
  money,
  orderRow,
  place,
  runSync,
  type World,
  orderWorld,
} from "../orders/support.ts";

describeEachDialect("referral abuse safeguards", (dialect) => {
  let w: World;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  let service: { id: number };
  let ipSeq = 0;
  /** A public address of its own for each call, so that no two accounts share one unless a test says so. */
  const freshIp = () => `198.51.100.${++ipSeq}`;

  beforeAll(async () => {
    w = await orderWorld(dialect);
    admin = await signUpAdmin(w.p);
    service = await addService(w, { rate: "1000" });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** top → l2 → l1 → buyer, each from its own address unless given. */
  async function chain(ips: { top?: string; l1?: string; buyer?: string } = {}) {
    const top = await fundedUser(w, "0", { ip: ips.top ?? freshIp() });
    const l2 = await fundedUser(w, "0", { referral_code: top.user.referral_code, ip: freshIp() });
    const l1 = await fundedUser(w, "0", { referral_code: l2.user.referral_code, ip: ips.l1 ?? freshIp() });
    const buyer = await fundedUser(w, "10000", { referral_code: l1.user.referral_code, ip: ips.buyer ?? freshIp() });
    return { top, l2, l1, buyer };
  }
  /** A completed order of 1000 by the user; returns its id. */
  async function completedOrder(token: string): Promise<number> {
    const placed = await place(w, token, { service_id: service.id, link: `https://x.test/${Math.random().toString(36).slice(2)}`, quantity: 1000 });
    expect(placed.status).toBe(201);
    finishAtProvider(w);
    await runSync(w);
    const row = await orderRow(w, placed.order.uuid);
    expect(row.status).toBe("completed");
    return row.id;
  }
  const commissions = (orderId: number) =>
    w.p.services.db.selectFrom("referral_commissions").selectAll().where("order_id", "=", orderId).orderBy("level").execute();
  const paid = async (userId: number) =>
    (await ledgerOf(w, userId)).filter((t) => t.type === "referral_commission" || t.type === "referral_reversal").map((t) => Number(t.amount));
  const stats = async (token: string) => (await body(await w.p.request("/api/referrals/stats", { token }))).data;
  const release = () => runJobOnce(w.p.services, releaseCommissionsJob);
  const adminPost = (path: string) => w.p.request(`/api/admin/referrals${path}`, { method: "POST", token: admin.token });
  const flagOf = (userId: number) => w.p.services.db.selectFrom("referral_flags").selectAll().where("user_id", "=", userId).executeTakeFirst();
  const notices = async (userId: number) =>
    (
      await w.p.services.db.selectFrom("notifications").select("data").where("user_id", "=", admin.user.id).where("type", "=", "referral_flagged").execute()
    ).filter((n) => JSON.parse(n.data ?? "{}").user_id === userId);

  it("a commission waits as pending for the hold, then one release pays it once; the hold follows its setting", async () => {
    const { l1, l2, buyer } = await chain();
    const completedAt = w.clock.now().getTime();
    const id = await completedOrder(buyer.token);
    expect((await commissions(id)).map((c) => [c.status, Number(c.amount), toIso(c.available_at!)])).toEqual([
      ["pending", money("100"), new Date(completedAt + 7 * DAY).toISOString()],
      ["pending", money("50"), new Date(completedAt + 7 * DAY).toISOString()],
      ["pending", money("20"), new Date(completedAt + 7 * DAY).toISOString()],
    ]);
    expect(await paid(l1.user.id)).toEqual([]);
    expect(await stats(l1.token)).toMatchObject({
      total_earned: "0.00",
      pending_total: "100.00",
      next_available_at: new Date(completedAt + 7 * DAY).toISOString(),
      awaiting_approval_total: "0.00",
      cancelled_total: "0.00",
    });
    const listed = (await body(await w.p.request("/api/referrals/commissions?status=pending", { token: l1.token }))).data;
    expect(listed).toEqual([expect.objectContaining({ status: "pending", kept: "100.00", available_at: new Date(completedAt + 7 * DAY).toISOString() })]);

    w.clock.advance(7 * DAY - 1000);
    await release();
    expect(await paid(l1.user.id)).toEqual([]);
    w.clock.advance(1000);
    await release();
    await release();
    expect(await paid(l1.user.id)).toEqual([money("100")]);
    expect(await paid(l2.user.id)).toEqual([money("50")]);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["credited", "credited", "credited"]);
    expect((await commissions(id)).every((c) => c.transaction_id !== null)).toBe(true);
    expect(await stats(l1.token)).toMatchObject({ total_earned: "100.00", pending_total: "0.00", next_available_at: null });

    const set = await w.p.request("/api/admin/settings/referral_hold_days", { method: "PUT", token: admin.token, json: { value: "2" } });
    expect(set.status).toBe(200);
    try {
      const second = await completedOrder(buyer.token);
      expect(toIso((await commissions(second))[0]!.available_at!)).toBe(new Date(w.clock.now().getTime() + 2 * DAY).toISOString());
      w.clock.advance(2 * DAY);
      await release();
      expect(await paid(l1.user.id)).toEqual([money("100"), money("100")]);
    } finally {
      await w.p.request("/api/admin/settings/referral_hold_days", { method: "PUT", token: admin.token, json: { value: "7" } });
    }
  });

  it("a refund during the hold cuts the commissions pro rata (partial) or cancels them (full), with no ledger movement", async () => {
    const { l1, l2, top, buyer } = await chain();
    const id = await completedOrder(buyer.token);
    const half = await w.p.request(`/api/admin/orders/${id}/refund`, {
      method: "POST",
      token: admin.token,
      json: { amount: "400", reason: "part not delivered" },
    });
    expect(half.status).toBe(200);
    // 600 of 1000 still earned: 10% / 5% / 2% of it.
    expect((await commissions(id)).map((c) => [c.status, Number(c.amount) - Number(c.cancelled_amount)])).toEqual([
      ["pending", money("60")],
      ["pending", money("30")],
      ["pending", money("12")],
    ]);
    expect(await stats(l1.token)).toMatchObject({ pending_total: "60.00", cancelled_total: "40.00" });
    expect(await paid(l1.user.id)).toEqual([]);

    w.clock.advance(7 * DAY);
    await release();
    expect(await paid(l1.user.id)).toEqual([money("60")]);
    expect(await paid(top.user.id)).toEqual([money("12")]);

    // Another order refunded in full before its hold is over: nothing is ever paid for it.
    const other = await completedOrder(buyer.token);
    const full = await w.p.request(`/api/admin/orders/${other}/status`, { method: "PUT", token: admin.token, json: { status: "refunded" } });
    expect(full.status).toBe(200);
    expect((await commissions(other)).map((c) => [c.status, Number(c.cancelled_amount)])).toEqual([
      ["cancelled", money("100")],
      ["cancelled", money("50")],
      ["cancelled", money("20")],
    ]);
    w.clock.advance(7 * DAY);
    await release();
    expect(await paid(l1.user.id)).toEqual([money("60")]);
    expect(await paid(l2.user.id)).toEqual([money("30")]);
    expect(await stats(l1.token)).toMatchObject({ total_earned: "60.00", pending_total: "0.00", cancelled_total: "140.00" });
    expect(await balanceOf(w, buyer.user.id)).toBe(money("10000") - money("1000") - money("1000") + money("400") + money("1000"));
  });

  it("two release runs at once pay each due commission exactly once", async () => {
    const { l1, l2, top, buyer } = await chain();
    const ids = [await completedOrder(buyer.token), await completedOrder(buyer.token), await completedOrder(buyer.token)];
    w.clock.advance(7 * DAY);
    const runs = await Promise.all([releaseDueCommissions(w.p.ctx()), releaseDueCommissions(w.p.ctx()), releaseDueCommissions(w.p.ctx())]);
    expect(runs.reduce((n, r) => n + r.failed, 0)).toBe(0);
    expect(runs.reduce((n, r) => n + r.released, 0)).toBe(9);
    expect(await paid(l1.user.id)).toEqual([money("100"), money("100"), money("100")]);
    expect(await paid(l2.user.id)).toEqual([money("50"), money("50"), money("50")]);
    expect(await paid(top.user.id)).toEqual([money("20"), money("20"), money("20")]);
    for (const id of ids) expect((await commissions(id)).map((c) => c.status)).toEqual(["credited", "credited", "credited"]);
  });

  it("a referred account registering from its referrer's address is flagged once: its commissions wait for an admin, and approval pays them on schedule", async () => {
    const shared = freshIp();
    const { l1, l2, buyer } = await chain({ l1: shared, buyer: shared });
    const flag = await flagOf(buyer.user.id);
    expect(flag).toMatchObject({ referrer_id: l1.user.id, reason: "registration_address", ip: shared, status: "flagged" });
    expect(await notices(buyer.user.id)).toHaveLength(1);
    // Signing in again from the same address does not flag it twice.
    const again = await w.p.request("/api/login", { method: "POST", ip: shared, json: { login: buyer.user.email, password: buyer.password } });
    expect(again.status).toBe(200);
    expect(await notices(buyer.user.id)).toHaveLength(1);

    const id = await completedOrder(buyer.token);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["awaiting_approval", "awaiting_approval", "awaiting_approval"]);
    expect(await stats(l1.token)).toMatchObject({ pending_total: "0.00", awaiting_approval_total: "100.00" });
    w.clock.advance(7 * DAY);
    await release();
    expect(await paid(l1.user.id)).toEqual([]);

    const list = await w.p.request("/api/admin/referrals/flags", { token: admin.token });
    expect(list.status).toBe(200);
    const listed = (await body(list)).data.find((f: { user: { id: number } }) => f.user.id === buyer.user.id);
    expect(listed).toMatchObject({
      status: "flagged",
      reason: "registration_address",
      ip: shared,
      user: { username: buyer.user.username },
      referrer: { id: l1.user.id, username: l1.user.username },
      awaiting_approval: { count: 3, amount: "170.00" },
    });
    const userTry = await w.p.request(`/api/admin/referrals/flags/${flag!.id}/approve`, { method: "POST", token: buyer.token });
    expect(userTry.status).toBe(403);

    const approved = await adminPost(`/flags/${flag!.id}/approve`);
    expect(approved.status).toBe(200);
    expect((await body(approved)).data).toMatchObject({ status: "approved", reviewed_by: admin.user.id, awaiting_approval: { count: 0 } });
    expect(await auditRows(w.p, "referral.approve", flag!.id)).toHaveLength(1);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["pending", "pending", "pending"]);
    expect((await adminPost(`/flags/${flag!.id}/reject`)).status).toBe(409);
    await release();
    expect(await paid(l1.user.id)).toEqual([money("100")]);
    expect(await paid(l2.user.id)).toEqual([money("50")]);
    // Approved for good: its next order's commissions are pending as anyone's.
    const next = await completedOrder(buyer.token);
    expect((await commissions(next)).map((c) => c.status)).toEqual(["pending", "pending", "pending"]);
  });

  it("a referred account signing in from its referrer's address, or a referrer from its referral's, is flagged; rejecting cancels the commissions", async () => {
    const { l1, buyer } = await chain();
    const id = await completedOrder(buyer.token);
    expect(await flagOf(buyer.user.id)).toBeUndefined();
    // The buyer signs in from where its level-1 referrer registered: the pending commissions now wait for an admin.
    const l1Ip = (await w.p.services.db.selectFrom("users").select("registration_ip").where("id", "=", l1.user.id).executeTakeFirstOrThrow()).registration_ip!;
    const login = await w.p.request("/api/login", { method: "POST", ip: l1Ip, json: { login: buyer.user.username, password: buyer.password } });
    expect(login.status).toBe(200);
    const flag = await flagOf(buyer.user.id);
    expect(flag).toMatchObject({ referrer_id: l1.user.id, reason: "login_address", ip: l1Ip, status: "flagged" });
    expect(await notices(buyer.user.id)).toHaveLength(1);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["awaiting_approval", "awaiting_approval", "awaiting_approval"]);

    const rejected = await adminPost(`/flags/${flag!.id}/reject`);
    expect(rejected.status).toBe(200);
    expect((await body(rejected)).data).toMatchObject({ status: "rejected" });
    expect(await auditRows(w.p, "referral.reject", flag!.id)).toHaveLength(1);
    expect((await commissions(id)).map((c) => [c.status, Number(c.cancelled_amount)])).toEqual([
      ["cancelled", money("100")],
      ["cancelled", money("50")],
      ["cancelled", money("20")],
    ]);
    w.clock.advance(7 * DAY);
    await release();
    expect(await paid(l1.user.id)).toEqual([]);
    expect(await stats(l1.token)).toMatchObject({ awaiting_approval_total: "0.00", cancelled_total: "100.00" });
    // Rejected for good: later orders open cancelled commissions.
    const later = await completedOrder(buyer.token);
    expect((await commissions(later)).map((c) => c.status)).toEqual(["cancelled", "cancelled", "cancelled"]);

    // The other way round: a referrer signs in from where its referral registered.
    const buyerIp = freshIp();
    const other = await fundedUser(w, "0", { referral_code: l1.user.referral_code, ip: buyerIp });
    expect(await flagOf(other.user.id)).toBeUndefined();
    const back = await w.p.request("/api/login", { method: "POST", ip: buyerIp, json: { login: l1.user.email, password: l1.password } });
    expect(back.status).toBe(200);
    expect(await flagOf(other.user.id)).toMatchObject({ referrer_id: l1.user.id, reason: "login_address", status: "flagged" });
    expect(await notices(other.user.id)).toHaveLength(1);
  });

  it("loopback addresses flag nobody, and the review endpoints answer 404 for a flag that does not exist", async () => {
    const { buyer } = await chain({ l1: "127.0.0.1", buyer: "127.0.0.1" });
    expect(await flagOf(buyer.user.id)).toBeUndefined();
    expect((await adminPost("/flags/987654321/approve")).status).toBe(404);
    expect((await adminPost("/flags/987654321/reject")).status).toBe(404);
    expect((await w.p.request("/api/admin/referrals/flags?status=nope", { token: admin.token })).status).toBe(422);
  });

  it("refuses level rates over 50% in all, naming the field, and never pays more than half an order even from a stored bad value", async () => {
    const put = (key: string, value: string) => w.p.request(`/api/admin/settings/${key}`, { method: "PUT", token: admin.token, json: { value } });
    const over = await put("referral_level_1_bp", "45%");
    expect(over.status).toBe(422);
    expect((await body(over)).error.details.value[0]).toMatch(/50%.*52%/);
    expect((await put("referral_level_1_bp", "4300")).status).toBe(200);
    expect((await put("referral_level_3_bp", "201")).status).toBe(422);
    const stored = await w.p.services.db.selectFrom("platform_settings").select("value").where("key", "=", "referral_level_1_bp").executeTakeFirstOrThrow();
    expect(stored.value).toBe("4300");
    expect((await put("referral_level_1_bp", "1000")).status).toBe(200);

    // A value written past the check (by hand, an old import): paid at most 50% in all, the upper levels first.
    await putSetting(w.p.ctx(), "referral_level_1_bp", "9000");
    await putSetting(w.p.ctx(), "referral_level_2_bp", "500");
    try {
      const { l1, buyer } = await chain();
      const id = await completedOrder(buyer.token);
      expect((await commissions(id)).map((c) => [c.level, c.rate_bp, Number(c.amount)])).toEqual([[1, 5000, money("500")]]);
      expect((await stats(l1.token)).levels.map((l: { rate_bp: number }) => l.rate_bp)).toEqual([5000, 0, 0]);
      w.clock.advance(7 * DAY);
      await release();
      expect(await paid(l1.user.id)).toEqual([money("500")]);
    } finally {
      await putSetting(w.p.ctx(), "referral_level_1_bp", "1000");
    }
  });
});
