import { createHash } from "node:crypto";
import type { Ctx } from "../context.ts";
import type { Selectable } from "kysely";
import type { EmailTokensTable, PasswordResetTokensTable, User } from "../db/schema.ts";
import { fromDbTime } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";

/**
 * The links sent by e-mail (address verification, password reset) and the two-factor challenge are
 * single-use secrets: only their SHA-256 is stored, a use claims the row by deleting it, and the
 * account they name must still be live. One place for those steps.
 */
export const tokenIdOf = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

interface TokenRows {
  email_tokens: Selectable<EmailTokensTable>;
  password_reset_tokens: Selectable<PasswordResetTokensTable>;
}

/**
 * Claims the row of a link, once, inside `tx`: deleted first, so of two requests racing with one
 * link only one gets it; null when it is unknown, already used, another tenant's or expired.
 */
export async function claimToken<T extends keyof TokenRows>(tx: Ctx, table: T, id: string): Promise<TokenRows[T] | null> {
  const scoped = inTenant(tx);
  // Both tables key a row by `id` and end it at `expires_at`: the steps read only those.
  const name = table as "email_tokens";
  const row = await scoped.selectFrom(name).selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const deleted = await scoped.deleteFrom(name).where("id", "=", id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  return tx.clock.now().getTime() < fromDbTime(row.expires_at).getTime() ? (row as TokenRows[T]) : null;
}

/** The account a claimed secret names, if it is still live on this tenant (not deleted, not banned). */
export async function liveAccount(ctx: Ctx, userId: number): Promise<User | undefined> {
  return inTenant(ctx).selectFrom("users").selectAll().where("id", "=", userId).where("deleted_at", "is", null).where("is_banned", "=", 0).executeTakeFirst();
}
