import { body, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";

export { signUpAdmin } from "../harness/platform.ts";
export { balanceOf, expectLedgerHolds } from "../harness/money.ts";

/** A seeded platform payment method by code. */
export async function methodByCode(p: TestPlatform, code: string, siteId = 0) {
  return p.services.db.selectFrom("payment_methods").selectAll().where("site_id", "=", siteId).where("code", "=", code).executeTakeFirstOrThrow();
}

/** A fresh platform payment method with its own fee rule, so that tests do not depend on the seed's fees. */
export async function makeMethod(
  p: TestPlatform,
  opts: {
    siteId?: number;
    percentBp?: number;
    fixed?: string;
    feeMin?: string;
    feeMax?: string | null;
    min?: string;
    max?: string | null;
    active?: boolean;
  } = {},
) {
  const now = dbNow();
  const code = `m${Math.random().toString(36).slice(2, 10)}`;
  const res = await p.services.db
    .insertInto("payment_methods")
    .values({
      site_id: opts.siteId ?? 0,
      code,
      name: `Method ${code}`,
      type: "mobile_money",
      instructions_fr: "Envoyez l'argent",
      instructions_en: "Send the money",
      account_name: "IzyBoost",
      account_number: "+225 00",
      currency: "XOF",
      min_amount: parseMoney(opts.min ?? "0")!,
      max_amount: opts.max === null ? null : parseMoney(opts.max ?? "10000000")!,
      is_active: opts.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await p.services.db
    .insertInto("fee_structures")
    .values({
      payment_method_id: id,
      name: "fees",
      percent_bp: opts.percentBp ?? 0,
      fixed_amount: parseMoney(opts.fixed ?? "0")!,
      min_amount: parseMoney(opts.feeMin ?? "0")!,
      max_amount: opts.feeMax ? parseMoney(opts.feeMax)! : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, code };
}

let refSeq = 0;
export function newRef(): string {
  return `MP${Date.now().toString(36).toUpperCase()}.${(refSeq++).toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}

/** POST /api/wallet/deposit and its parsed answer. */
export async function deposit(p: TestPlatform, token: string, json: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await p.request("/api/wallet/deposit", { method: "POST", token, json, headers });
  return { res, status: res.status, json: await body(res) };
}

export async function verify(p: TestPlatform, adminToken: string, transactionId: number, action: "approve" | "reject", note?: string) {
  const res = await p.request(`/api/admin/finance/transactions/${transactionId}/verify`, { method: "POST", token: adminToken, json: { action, note } });
  return { status: res.status, json: await body(res) };
}

export async function countRows(p: TestPlatform, table: "transactions" | "audit_logs" | "notifications" | "orders", userId?: number) {
  let q = p.services.db.selectFrom(table).select((e) => e.fn.countAll<number>().as("n"));
  if (userId !== undefined) q = q.where(table === "audit_logs" ? "actor_id" : "user_id", "=", userId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
