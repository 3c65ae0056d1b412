import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { deposit, expectLedgerHolds, makeMethod, methodByCode, newRef, signUpAdmin, verify } from "../wallet/helpers.ts";
import { manualClock } from "../harness/clock.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { DAY, dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";

describeEachDialect("admin finance", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  const clock = manualClock(new Date("2026-11-24T10:00:00Z"));
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  it("stats count pending and completed deposits, today and this month, and order revenue, cost and profit", async () => {
    const before = (await body(await p.request("/api/admin/finance/stats", { token: admin.token }))).data;
    const u = await signUp(p);
    const m = await makeMethod(p, { fixed: "100" });
    const old = await deposit(p, u.token, { payment_method_id: m.id, amount: "1100", reference: newRef() });
    clock.advance(-40 * DAY);
    await verify(p, admin.token, old.json.data.id, "approve");
    clock.advance(40 * DAY);
    const today = await deposit(p, u.token, { payment_method_id: m.id, amount: "2100", reference: newRef() });
    await verify(p, admin.token, today.json.data.id, "approve");
    await deposit(p, u.token, { payment_method_id: m.id, amount: "600", reference: newRef() });
    await insertOrder(p, u.user.id, { charge: "1000", cost: "600", refunded: "0" });
    await insertOrder(p, u.user.id, { charge: "1000", cost: "600", refunded: "250" }); // partial: cost kept 450
    await insertOrder(p, u.user.id, { charge: "500", cost: "300", refunded: "500" }); // canceled: nothing

    const s = (await body(await p.request("/api/admin/finance/stats", { token: admin.token }))).data;
    const diff = (path: (x: any) => string) => parseMoney(path(s))! - parseMoney(path(before))!;
    expect(s.currency).toBe("XOF");
    expect(s.deposits.pending.count - before.deposits.pending.count).toBe(1);
    expect(diff((x) => x.deposits.pending.amount)).toBe(parseMoney("500"));
    expect(diff((x) => x.deposits.pending.fees)).toBe(parseMoney("100"));
    expect(s.deposits.completed.count - before.deposits.completed.count).toBe(2);
    expect(diff((x) => x.deposits.completed.amount)).toBe(parseMoney("3000"));
    expect(diff((x) => x.deposits.today.amount)).toBe(parseMoney("2000"));
    expect(diff((x) => x.deposits.this_month.amount)).toBe(parseMoney("2000"));
    expect(s.orders.all_time.count - before.orders.all_time.count).toBe(3);
    expect(diff((x) => x.orders.today.revenue)).toBe(parseMoney("1750"));
    expect(diff((x) => x.orders.today.cost)).toBe(parseMoney("1050"));
    expect(diff((x) => x.orders.this_month.profit)).toBe(parseMoney("700"));
    await expectLedgerHolds(p);
  });

  it("lists every platform user's ledger rows with filters and pagination", async () => {
    const a = await signUp(p);
    const b = await signUp(p);
    const m = await makeMethod(p);
    const ref = newRef();
    const da = await deposit(p, a.token, { payment_method_id: m.id, amount: "1000", reference: ref });
    await deposit(p, b.token, { payment_method_id: m.id, amount: "2000", reference: newRef() });
    await verify(p, admin.token, da.json.data.id, "approve");

    const byUser = await body(await p.request(`/api/admin/finance/transactions?user_id=${a.user.id}`, { token: admin.token }));
    expect(byUser.meta).toMatchObject({ page: 1, total: 1 });
    expect(byUser.data[0]).toMatchObject({
      status: "completed",
      amount: "1000.00",
      reference: ref,
      user: { id: a.user.id, username: a.user.username },
      verified_by: admin.user.id,
      payment_method: { id: m.id },
    });

    const pending = await body(await p.request(`/api/admin/finance/transactions?type=deposit&status=pending&per_page=100`, { token: admin.token }));
    expect(pending.data.every((t: any) => t.type === "deposit" && t.status === "pending")).toBe(true);
    expect(pending.data.some((t: any) => t.user.id === b.user.id)).toBe(true);

    const byRef = await body(await p.request(`/api/admin/finance/transactions?reference=${encodeURIComponent(ref)}`, { token: admin.token }));
    expect(byRef.data.map((t: any) => t.id)).toEqual([da.json.data.id]);

    const paged = await body(await p.request(`/api/admin/finance/transactions?per_page=1&page=2`, { token: admin.token }));
    expect(paged.meta.per_page).toBe(1);
    expect(paged.data).toHaveLength(1);

    const day = dbNow(clock).slice(0, 10);
    const inDay = await body(await p.request(`/api/admin/finance/transactions?from=${day}&to=${day}&user_id=${b.user.id}`, { token: admin.token }));
    expect(inDay.meta.total).toBe(1);
    const before = await body(await p.request(`/api/admin/finance/transactions?to=2020-01-01`, { token: admin.token }));
    expect(before.meta.total).toBe(0);
    for (const q of ["from=yesterday", "status=nope", "per_page=500", "user_id=x"]) {
      expect((await p.request(`/api/admin/finance/transactions?${q}`, { token: admin.token })).status, q).toBe(422);
    }
  });

  it("lists the platform's payment methods, inactive ones included, never a site's", async () => {
    const inactive = await makeMethod(p, { active: false });
    const siteMethod = await makeMethod(p, { siteId: 4242 });
    const list = (await body(await p.request("/api/admin/finance/payment-methods", { token: admin.token }))).data as any[];
    expect(list.map((m) => m.id)).toContain(inactive.id);
    expect(list.map((m) => m.id)).not.toContain(siteMethod.id);
    expect(list.find((m) => m.code === "wave")).toMatchObject({ name: "Wave", is_active: true, fee: { percent_bp: 0 } });
    expect(
      (await p.request(`/api/admin/finance/payment-methods/${siteMethod.id}`, { method: "PUT", token: admin.token, json: { name: "Mine now" } })).status,
    ).toBe(404);
  });

  it("updates a payment method and its fee rule, audit-logged, and depositors see the change", async () => {
    const m = await makeMethod(p, { percentBp: 100 });
    const res = await p.request(`/api/admin/finance/payment-methods/${m.id}`, {
      method: "PUT",
      token: admin.token,
      json: {
        name: "Orange Money CI",
        instructions_fr: "Composez #144#",
        instructions_en: "Dial #144#",
        account_number: "+225 07 99",
        min_amount: "1000",
        max_amount: "90000",
        fee_percent: "2.5",
        fee_fixed: 10,
        fee_max: "500",
      },
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({
      name: "Orange Money CI",
      instructions_fr: "Composez #144#",
      min_amount: "1000.00",
      max_amount: "90000.00",
      fee: { percent: "2.5", percent_bp: 250, fixed: "10.00", max: "500.00" },
    });

    const u = await signUp(p);
    const d = await deposit(p, u.token, { payment_method_id: m.id, amount: "10000", reference: newRef() });
    expect(d.json.data).toMatchObject({ fee: "260.00", amount: "9740.00" });
    const big = await deposit(p, u.token, { payment_method_id: m.id, amount: "80000", reference: newRef() });
    expect(big.json.data.fee).toBe("500.00");

    const off = await p.request(`/api/admin/finance/payment-methods/${m.id}`, { method: "PUT", token: admin.token, json: { is_active: false } });
    expect((await body(off)).data.is_active).toBe(false);
    const methods = (await body(await p.request("/api/wallet/deposit-methods", { token: u.token }))).data as any[];
    expect(methods.map((x) => x.id)).not.toContain(m.id);
    expect((await deposit(p, u.token, { payment_method_id: m.id, amount: "5000", reference: newRef() })).status).toBe(422);

    const audit = await p.services.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "payment_method.update")
      .where("target_id", "=", String(m.id))
      .orderBy("id")
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]!.actor_id).toBe(admin.user.id);
    expect(JSON.parse(audit[0]!.data!)).toMatchObject({ before: { fee_percent_bp: 100 }, after: { fee_percent_bp: 250, name: "Orange Money CI" } });
  });

  it("refuses inconsistent payment method changes with 422 and changes nothing", async () => {
    const om = await methodByCode(p, "moov_money");
    const cases: [unknown, string][] = [
      [{ min_amount: "9000000" }, "max_amount"],
      [{ max_amount: "10", min_amount: "100" }, "max_amount"],
      [{ fee_percent: "101" }, "fee_percent"],
      [{ fee_percent: "1.234" }, "fee_percent"],
      [{ fee_fixed: "-1" }, "fee_fixed"],
      [{ fee_min: "50", fee_max: "10" }, "fee_max"],
      [{ name: "" }, "name"],
      [{ is_active: "maybe" }, "is_active"],
      [{}, "_"],
    ];
    for (const [json, field] of cases) {
      const res = await p.request(`/api/admin/finance/payment-methods/${om.id}`, { method: "PUT", token: admin.token, json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect((await body(res)).error.details[field], JSON.stringify(json)).toBeDefined();
    }
    expect(await methodByCode(p, "moov_money")).toEqual(om);
  });

  it("every finance endpoint answers 403 to a non-admin and 401 without a session", async () => {
    const u = await signUp(p);
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/admin/finance/stats"],
      ["GET", "/api/admin/finance/transactions"],
      ["POST", "/api/admin/finance/transactions/1/verify", { action: "approve" }],
      ["GET", "/api/admin/finance/payment-methods"],
      ["PUT", "/api/admin/finance/payment-methods/1", { name: "x" }],
    ];
    for (const [method, path, json] of calls) {
      expect((await p.request(path, { method, token: u.token, json })).status, path).toBe(403);
      expect((await p.request(path, { method, json })).status, path).toBe(401);
    }
  });
});

async function insertOrder(p: TestPlatform, userId: number, o: { charge: string; cost: string; refunded: string }) {
  const charge = parseMoney(o.charge)!;
  await insertOrderRow(p, userId, {
    quantity: 1000,
    rate: charge,
    charge,
    provider_cost: parseMoney(o.cost)!,
    refunded: parseMoney(o.refunded)!,
    status: "completed",
  });
}
