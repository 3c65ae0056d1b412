import { expect } from "vitest";
import type { Ctx } from "../../src/context.ts";
import { parseMoney } from "../../src/money/money.ts";
import { credit, ledgerViolations } from "../../src/wallet/ledger.ts";
import type { TestPlatform } from "./platform.ts";

/** Credits `amount` (a decimal string) to a user as an adjustment, through the ledger. */
export async function fund(p: TestPlatform, userId: number, amount: string, ctx: Ctx = p.ctx()): Promise<void> {
  await credit(ctx, { userId, amount: parseMoney(amount)!, type: "adjustment", description: "test funds" });
}

export async function balanceOf(p: TestPlatform, userId: number): Promise<number> {
  const r = await p.services.db.selectFrom("users").select("balance").where("id", "=", userId).executeTakeFirstOrThrow();
  return Number(r.balance);
}

/** Every balance equals the sum of its completed ledger rows. */
export async function expectLedgerHolds(p: TestPlatform): Promise<void> {
  expect(await ledgerViolations(p.ctx())).toEqual([]);
}

/** Text with Intl's no-break spaces (U+00A0, U+202F: "1 500 F CFA" in French) as plain spaces, to compare with what a test writes. */
export function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, " ");
}
