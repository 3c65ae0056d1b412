import { afterAll, beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, countRows, deposit, expectLedgerHolds, makeMethod, methodByCode, newRef, signUpAdmin, verify } from "./helpers.ts";
import { dbNow } from "../../src/lib/time.ts";
import { registerUser } from "../../src/auth/service.ts";
import { createDeposit, verifyDeposit } from "../../src/wallet/deposits.ts";
import type { Tenant } from "../../src/context.ts";
import { parseMoney } from "../../src/money/money.ts";
import { plainSpaces } from "../harness/money.ts";
import { putSetting } from "../../src/settings/service.ts";

describeEachDialect("deposits: initiate, verify, credit once", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  let noFee: { id: number };
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUpAdmin(p);
    noFee = await makeMethod(p);
  });
  afterAll(() => p.close());

  it("a deposit stays pending without touching the balance until an admin approves it, then credits it once", async () => {
    const u = await signUp(p);
    const ref = newRef();
    const d = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "2500", reference: ref, phone: "+225 07 12 34 56 78" });
    expect(d.status).toBe(201);
    expect(d.json.data).toMatchObject({
      type: "deposit",
      status: "pending",
      amount: "2500.00",
      fee: "0.00",
      reference: ref,
      balance_after: null,
      phone: "+225 07 12 34 56 78",
    });
    expect(await balanceOf(p, u.user.id)).toBe(0);

    const wallet = (await body(await p.request("/api/wallet", { token: u.token }))).data;
    expect(wallet).toMatchObject({ balance: "0.00", currency: "XOF", pending_deposits: "2500.00", pending_deposits_count: 1, total_deposited: "0.00" });

    const ok = await verify(p, admin.token, d.json.data.id, "approve", "seen on the statement");
    expect(ok.status).toBe(200);
    expect(ok.json.data).toMatchObject({ status: "completed", balance_after: "2500.00" });
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("2500"));

    const again = await verify(p, admin.token, d.json.data.id, "approve");
    expect(again.status).toBe(409);
    const rejectLate = await verify(p, admin.token, d.json.data.id, "reject");
    expect(rejectLate.status).toBe(409);
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("2500"));

    const after = (await body(await p.request("/api/wallet", { token: u.token }))).data;
    expect(after).toMatchObject({ balance: "2500.00", pending_deposits: "0.00", total_deposited: "2500.00" });
    const audit = await p.services.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "deposit.approve")
      .where("target_id", "=", String(d.json.data.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(admin.user.id);
    await expectLedgerHolds(p);
  });

  it("concurrent approvals of one deposit credit it exactly once; the others answer 409", async () => {
    const u = await signUp(p);
    const d = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "1000", reference: newRef() });
    expect(d.status).toBe(201);
    const results = await Promise.all(Array.from({ length: 6 }, () => verify(p, admin.token, d.json.data.id, "approve")));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("1000"));
    const completed = await p.services.db.selectFrom("transactions").select("id").where("user_id", "=", u.user.id).where("status", "=", "completed").execute();
    expect(completed).toHaveLength(1);
    await expectLedgerHolds(p);
  });

  it("concurrent approve and reject: exactly one wins, and the balance matches the winner", async () => {
    const u = await signUp(p);
    const d = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "700", reference: newRef() });
    const [a, r] = await Promise.all([verify(p, admin.token, d.json.data.id, "approve"), verify(p, admin.token, d.json.data.id, "reject")]);
    expect([a.status, r.status].sort()).toEqual([200, 409]);
    expect(await balanceOf(p, u.user.id)).toBe(a.status === 200 ? parseMoney("700") : 0);
    await expectLedgerHolds(p);
  });

  it("a rejected deposit is marked failed, credits nothing, tells the user why in their language, and frees its reference", async () => {
    const u = await signUp(p);
    await p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", u.user.id).execute();
    const ref = newRef();
    const d = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "3000", reference: ref });
    const r = await verify(p, admin.token, d.json.data.id, "reject", "No such payment received");
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ status: "failed", note: "No such payment received" });
    expect(await balanceOf(p, u.user.id)).toBe(0);
    expect((await verify(p, admin.token, d.json.data.id, "approve")).status).toBe(409);
    expect(await balanceOf(p, u.user.id)).toBe(0);

    const notes = (await body(await p.request("/api/notifications", { token: u.token }))).data;
    expect(notes[0]).toMatchObject({ type: "deposit_rejected", title: "Deposit rejected" });
    expect(notes[0].body).toContain("No such payment received");

    const retry = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "3000", reference: ref });
    expect(retry.status).toBe(201);
    await expectLedgerHolds(p);
  });

  it("notifies a French-speaking user in French when the deposit is approved", async () => {
    const u = await signUp(p);
    const d = await deposit(p, u.token, { payment_method_id: noFee.id, amount: "1500", reference: newRef() });
    await verify(p, admin.token, d.json.data.id, "approve");
    const notes = (await body(await p.request("/api/notifications", { token: u.token }))).data;
    expect(notes[0]).toMatchObject({ type: "deposit_approved", title: "Dépôt validé" });
    // Intl in the reader's language: "1 500 F CFA" in French.
    expect(plainSpaces(notes[0].body)).toContain("de 1 500 F CFA (réf.");
  });

  it("verifying something that is not a deposit of this tenant is a 404", async () => {
    const u = await signUp(p);
    const adj = await p.request(`/api/admin/users/${u.user.id}/adjust-balance`, {
      method: "POST",
      token: admin.token,
      json: { amount: "10", reason: "welcome gift" },
    });
    expect(adj.status).toBe(200);
    const tx = (await body(adj)).data.transaction_id;
    expect((await verify(p, admin.token, tx, "approve")).status).toBe(404);
    expect((await verify(p, admin.token, 99_999_999, "approve")).status).toBe(404);
    expect((await p.request("/api/admin/finance/transactions/abc/verify", { method: "POST", token: admin.token, json: { action: "approve" } })).status).toBe(
      404,
    );
    const bad = await p.request(`/api/admin/finance/transactions/${tx}/verify`, { method: "POST", token: admin.token, json: { action: "maybe" } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.action).toBeDefined();
    await expectLedgerHolds(p);
  });

  it("a reference already used by a pending or completed deposit of the same method is refused", async () => {
    const u = await signUp(p);
    const other = await signUp(p);
    const ref = newRef();
    expect((await deposit(p, u.token, { payment_method_id: noFee.id, amount: "1000", reference: ref })).status).toBe(201);
    // Same reference written differently, by someone else: still the same payment.
    const dup = await deposit(p, other.token, { payment_method_id: noFee.id, amount: "1000", reference: ` ${ref.toLowerCase()} ` });
    expect(dup.status).toBe(422);
    expect(dup.json.error.details.reference).toBeDefined();
    const otherMethod = await makeMethod(p);
    expect((await deposit(p, other.token, { payment_method_id: otherMethod.id, amount: "1000", reference: ref })).status).toBe(201);
  });
});

describeEachDialect("deposits: fees and validation", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("computes the fee as percent + fixed, bounded by the rule's min and max, and credits the rest", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p, { percentBp: 150, fixed: "50", feeMin: "100", feeMax: "1000" });
    const cases: [string | number, string, string][] = [
      ["10000", "200.00", "9800.00"], // 1.5% = 150, + 50
      [1000, "100.00", "900.00"], // 15 + 50 = 65, raised to the minimum of 100
      ["1000000", "1000.00", "999000.00"], // 15050, capped at 1000
      ["1234", "100.00", "1134.00"], // 18.51 + 50 = 68.51 → minimum
      ["20001", "351.00", "19650.00"], // 300.015 + 50 = 350.015, a charge: up to the franc
      ["10001", "201.00", "9800.00"], // 150.015 + 50 = 200.015 → 201: what is credited stays whole
    ];
    for (const [amount, fee, credited] of cases) {
      const d = await deposit(p, u.token, { payment_method_id: m.id, amount, reference: newRef() });
      expect(d.status, String(amount)).toBe(201);
      expect(d.json.data.fee, String(amount)).toBe(fee);
      expect(d.json.data.amount, String(amount)).toBe(credited);
      expect(parseMoney(d.json.data.gross_amount)).toBe(parseMoney(amount));
    }
  });

  it("a deposit of 10000.5 XOF is refused with 422 naming the amount; nothing is recorded", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p);
    const before = await countRows(p, "transactions");
    const d = await deposit(p, u.token, { payment_method_id: m.id, amount: "10000.5", reference: newRef() });
    expect(d.status).toBe(422);
    expect(d.json.error.details.amount).toEqual(["The amount must be a whole number of XOF, without decimals"]);
    expect(await countRows(p, "transactions")).toBe(before);
  });

  it("the seeded Orange Money method charges its 1% fee", async () => {
    const u = await signUp(p);
    const om = await methodByCode(p, "orange_money");
    const d = await deposit(p, u.token, { payment_method_id: om.id, amount: "5000", reference: newRef() });
    expect(d.status).toBe(201);
    expect(d.json.data).toMatchObject({ amount: "4950.00", fee: "50.00", gross_amount: "5000.00" });
  });

  it("refuses bad deposits with 422 and per-field details, and records nothing", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p, { min: "1000", max: "50000" });
    const inactive = await makeMethod(p, { active: false });
    const feeEatsAll = await makeMethod(p, { fixed: "600" });
    const om = await methodByCode(p, "orange_money");
    const taken = newRef();
    expect((await deposit(p, u.token, { payment_method_id: m.id, amount: "1000", reference: taken })).status).toBe(201);
    const before = await countRows(p, "transactions");

    const cases: [Record<string, unknown>, string][] = [
      [{ payment_method_id: m.id, amount: "12.3456789", reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "10000.5", reference: newRef() }, "amount"], // XOF has no subunit
      [{ payment_method_id: m.id, amount: 10000.5, reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "-5000", reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "0", reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "1e4", reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: ["1000"], reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "999.99", reference: newRef() }, "amount"],
      [{ payment_method_id: m.id, amount: "50000.01", reference: newRef() }, "amount"],
      [{ payment_method_id: om.id, amount: "499", reference: newRef() }, "amount"], // the min_deposit setting (500)
      [{ payment_method_id: feeEatsAll.id, amount: "600", reference: newRef() }, "amount"],
      [{ payment_method_id: 99_999_999, amount: "5000", reference: newRef() }, "payment_method_id"],
      [{ payment_method_id: inactive.id, amount: "5000", reference: newRef() }, "payment_method_id"],
      [{ payment_method_id: "abc", amount: "5000", reference: newRef() }, "payment_method_id"],
      [{ amount: "5000", reference: newRef() }, "payment_method_id"],
      [{ payment_method_id: m.id, amount: "5000" }, "reference"],
      [{ payment_method_id: m.id, amount: "5000", reference: "  " }, "reference"],
      [{ payment_method_id: m.id, amount: "5000", reference: "<script>" }, "reference"],
      [{ payment_method_id: m.id, amount: "5000", reference: taken }, "reference"],
      [{ payment_method_id: m.id, amount: "5000", reference: newRef(), phone: "call me" }, "phone"],
    ];
    for (const [json, field] of cases) {
      const d = await deposit(p, u.token, json);
      expect(d.status, JSON.stringify(json)).toBe(422);
      expect(d.json.error.details[field], JSON.stringify(json)).toBeDefined();
    }
    expect(await countRows(p, "transactions")).toBe(before);
    const malformed = await p.request("/api/wallet/deposit", {
      method: "POST",
      token: u.token,
      body: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(await countRows(p, "transactions")).toBe(before);
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a method of a white-label site is unknown to a platform user", async () => {
    const u = await signUp(p);
    const site = await makeSite(p);
    const foreign = await makeMethod(p, { siteId: site.id });
    const d = await deposit(p, u.token, { payment_method_id: foreign.id, amount: "5000", reference: newRef() });
    expect(d.status).toBe(422);
    expect(d.json.error.details.payment_method_id).toBeDefined();
    const methods = (await body(await p.request("/api/wallet/deposit-methods", { token: u.token }))).data;
    expect(methods.map((x: { id: number }) => x.id)).not.toContain(foreign.id);
  });

  it("a site's customer deposits with the reseller's methods and the reseller verifies; platform admins cannot see it", async () => {
    const site = await makeSite(p);
    const tenant: Tenant = { kind: "site", siteId: site.id, site };
    const customer = await registerUser(p.ctx(tenant), {
      username: `c${Date.now().toString(36)}`,
      email: `c${Date.now()}@example.com`,
      password: "long-enough-1",
      welcome: false,
    });
    const resellerMethod = await makeMethod(p, { siteId: site.id, percentBp: 200 });
    const platformMethod = await methodByCode(p, "wave");
    const customerCtx = { ...p.ctx(tenant), user: customer };

    await expect(createDeposit(customerCtx, { payment_method_id: platformMethod.id, amount: parseMoney("5000")!, reference: newRef() })).rejects.toMatchObject({
      status: 422,
    });
    const d = await createDeposit(customerCtx, { payment_method_id: resellerMethod.id, amount: parseMoney("5000")!, reference: newRef() });
    expect(d).toMatchObject({ site_id: site.id, status: "pending", amount: parseMoney("4900"), fee: parseMoney("100") });

    const admin = await signUpAdmin(p);
    expect((await verify(p, admin.token, d.id, "approve")).status).toBe(404);
    const list = (await body(await p.request(`/api/admin/finance/transactions?user_id=${customer.id}`, { token: admin.token }))).data;
    expect(list).toEqual([]);

    const reseller = await p.services.db.selectFrom("users").selectAll().where("id", "=", site.owner_id).executeTakeFirstOrThrow();
    const done = await verifyDeposit({ ...p.ctx(tenant), user: reseller }, d.id, { action: "approve" });
    expect(done.status).toBe("completed");
    expect(await balanceOf(p, customer.id)).toBe(parseMoney("4900"));
    await expectLedgerHolds(p);
  });
});

async function makeSite(p: TestPlatform) {
  const owner = await signUp(p);
  const now = dbNow();
  const slug = `s${randomUUID().slice(0, 8)}`;
  await p.services.db
    .insertInto("white_label_sites")
    .values({ uuid: randomUUID(), owner_id: owner.user.id, plan_id: 1, template_id: 1, name: `Shop ${slug}`, slug, created_at: now, updated_at: now })
    .execute();
  return p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
}

describeEachDialect("deposits booked in a currency with cents", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    await putSetting(p.ctx(), "currency", "EUR");
  });
  afterAll(() => p.close());

  it("accepts whole cents, refuses a third decimal, and rounds the fee up to the cent", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p, { percentBp: 150 });
    const ok = await deposit(p, u.token, { payment_method_id: m.id, amount: "1000.01", reference: newRef() });
    expect(ok.status).toBe(201);
    // 1.5% of 1000.01 = 15.00015 → 15.01 (up to the cent); credited 985.
    expect(ok.json.data).toMatchObject({ fee: "15.01", amount: "985.00" });
    const third = await deposit(p, u.token, { payment_method_id: m.id, amount: "1000.005", reference: newRef() });
    expect(third.status).toBe(422);
    expect(third.json.error.details.amount).toEqual(["The amount may have at most 2 decimals in EUR"]);
    await expectLedgerHolds(p);
  });
});
