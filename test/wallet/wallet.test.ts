import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { deposit, expectLedgerHolds, makeMethod, newRef, signUpAdmin, verify } from "./helpers.ts";
import { credit, debit } from "../../src/wallet/ledger.ts";
import { parseMoney } from "../../src/money/money.ts";
import { putSetting } from "../../src/settings/service.ts";

describeEachDialect("wallet: balance, history, deposit methods", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  async function funded(amount: string) {
    const u = await signUp(p);
    const m = await makeMethod(p);
    const d = await deposit(p, u.token, { payment_method_id: m.id, amount, reference: newRef() });
    expect((await verify(p, admin.token, d.json.data.id, "approve")).status).toBe(200);
    return u;
  }

  it("shows the balance, what was deposited and what was spent net of refunds", async () => {
    const u = await funded("10000");
    const ctx = p.ctx();
    await debit(ctx, { userId: u.user.id, amount: parseMoney("3000")!, type: "order", description: "order A" });
    await debit(ctx, { userId: u.user.id, amount: parseMoney("1000")!, type: "order", description: "order B" });
    await credit(ctx, { userId: u.user.id, amount: parseMoney("250.5")!, type: "refund", description: "partial B" });
    await credit(ctx, { userId: u.user.id, amount: parseMoney("100")!, type: "bonus", description: "bonus" });
    const w = (await body(await p.request("/api/wallet", { token: u.token }))).data;
    expect(w).toEqual({
      balance: "6350.50",
      currency: "XOF",
      pending_deposits: "0.00",
      pending_deposits_count: 0,
      total_deposited: "10000.00",
      total_spent: "3749.50",
    });
    await expectLedgerHolds(p);
  });

  it("lists only the caller's ledger rows, newest first, paginated and filtered", async () => {
    const u = await funded("5000");
    const other = await funded("7000");
    const ctx = p.ctx();
    for (let i = 1; i <= 4; i++) await debit(ctx, { userId: u.user.id, amount: parseMoney(String(i * 10))!, type: "order", description: `order ${i}` });
    const m = await makeMethod(p);
    await deposit(p, u.token, { payment_method_id: m.id, amount: "800", reference: newRef() });

    const all = await body(await p.request("/api/wallet/transactions?per_page=2", { token: u.token }));
    expect(all.meta).toEqual({ page: 1, per_page: 2, total: 6 });
    expect(all.data).toHaveLength(2);
    expect(all.data[0]).toMatchObject({ type: "deposit", status: "pending" });
    expect(all.data[1]).toMatchObject({ type: "order", amount: "-40.00", description: "order 4", balance_after: "4900.00" });
    const page3 = await body(await p.request("/api/wallet/transactions?per_page=2&page=3", { token: u.token }));
    expect(page3.data.map((t: { type: string }) => t.type)).toEqual(["order", "deposit"]);
    expect(page3.data[1]).toMatchObject({ status: "completed", amount: "5000.00" });
    const beyond = await body(await p.request("/api/wallet/transactions?per_page=2&page=9", { token: u.token }));
    expect(beyond).toEqual({ data: [], meta: { page: 9, per_page: 2, total: 6 } });

    const orders = await body(await p.request("/api/wallet/transactions?type=order", { token: u.token }));
    expect(orders.meta.total).toBe(4);
    const pending = await body(await p.request("/api/wallet/transactions?type=deposit&status=pending", { token: u.token }));
    expect(pending.meta.total).toBe(1);

    const otherRows = (await body(await p.request("/api/wallet/transactions?per_page=100", { token: other.token }))).data;
    const mine = new Set(all.data.map((t: { uuid: string }) => t.uuid));
    expect(otherRows.some((t: { uuid: string }) => mine.has(t.uuid))).toBe(false);
    expect(otherRows).toHaveLength(1);
  });

  it("refuses bad list parameters with 422", async () => {
    const u = await signUp(p);
    for (const q of ["per_page=101", "per_page=0", "page=0", "page=abc", "type=gift", "status=done"]) {
      const res = await p.request(`/api/wallet/transactions?${q}`, { token: u.token });
      expect(res.status, q).toBe(422);
    }
  });

  it("lists the active deposit methods with both languages' instructions, limits and fee rule", async () => {
    const u = await signUp(p);
    const inactive = await makeMethod(p, { active: false });
    const custom = await makeMethod(p, { percentBp: 150, fixed: "25", min: "100", max: "20000" });
    const methods = (await body(await p.request("/api/wallet/deposit-methods", { token: u.token }))).data as any[];
    expect(methods.map((m) => m.id)).not.toContain(inactive.id);
    const om = methods.find((m) => m.code === "orange_money");
    expect(om).toMatchObject({
      name: "Orange Money",
      currency: "XOF",
      account_number: "+225 07 00 00 00 00",
      min_amount: "500.00",
      max_amount: "5000000.00",
      fee: { percent: "1", percent_bp: 100, fixed: "0.00" },
    });
    expect(om.instructions.fr).toContain("Orange Money");
    expect(om.instructions.en).toContain("Orange Money");
    // The platform's min_deposit setting (500) is stricter than this method's own minimum (100).
    expect(methods.find((m) => m.id === custom.id)).toMatchObject({
      min_amount: "500.00",
      max_amount: "20000.00",
      fee: { percent: "1.5", fixed: "25.00", min: "0.00", max: null },
    });
  });

  it("follows the min_deposit and max_deposit settings", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p, { max: null });
    await putSetting(p.ctx(), "min_deposit", "2000");
    await putSetting(p.ctx(), "max_deposit", "3000");
    try {
      expect((await deposit(p, u.token, { payment_method_id: m.id, amount: "1999", reference: newRef() })).status).toBe(422);
      expect((await deposit(p, u.token, { payment_method_id: m.id, amount: "3001", reference: newRef() })).status).toBe(422);
      expect((await deposit(p, u.token, { payment_method_id: m.id, amount: "2500", reference: newRef() })).status).toBe(201);
    } finally {
      await putSetting(p.ctx(), "min_deposit", "500");
      await putSetting(p.ctx(), "max_deposit", "5000000");
    }
  });

  it("needs a session", async () => {
    for (const path of ["/api/wallet", "/api/wallet/transactions", "/api/wallet/deposit-methods"]) expect((await p.request(path)).status).toBe(401);
    expect((await p.request("/api/wallet/deposit", { method: "POST", json: {} })).status).toBe(401);
  });
});
