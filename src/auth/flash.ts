import type { Ctx } from "../context.ts";
import { MINUTE, dbNow, fromDbTime } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";

/**
 * One-time flashes kept server-side with the session (post, redirect, get): the page after a
 * redirect shows what the post produced (a new API key) once, and a reload no longer shows it nor
 * repeats the post. Never in the URL. A flash nobody read goes after FLASH_TTL, or with its session.
 */

const FLASH_TTL = 10 * MINUTE;

interface StoredFlash {
  kind: string;
  value: string;
  at: string;
}

/** Keeps `value` for the next page of this session that asks for `kind` (replacing any flash not read yet). */
export async function putFlash(ctx: Ctx, sessionId: string, kind: string, value: string): Promise<void> {
  const flash: StoredFlash = { kind, value, at: dbNow(ctx.clock) };
  await inTenant(ctx)
    .updateTable("sessions")
    .set({ flash: JSON.stringify(flash) })
    .where("id", "=", sessionId)
    .execute();
}

/** The session's flash of `kind`, once: the conditional clear decides, so two concurrent pages cannot both show it. */
export async function takeFlash(ctx: Ctx, sessionId: string, kind: string): Promise<string | null> {
  const row = await inTenant(ctx).selectFrom("sessions").select("flash").where("id", "=", sessionId).executeTakeFirst();
  if (!row?.flash) return null;
  let flash: StoredFlash;
  try {
    flash = JSON.parse(row.flash) as StoredFlash;
  } catch {
    flash = { kind: "", value: "", at: dbNow(ctx.clock, -FLASH_TTL * 2) };
  }
  if (flash.kind !== kind && flash.kind !== "") return null;
  const cleared = await inTenant(ctx)
    .updateTable("sessions")
    .set({ flash: null })
    .where("id", "=", sessionId)
    .where("flash", "=", row.flash)
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) !== 1) return null;
  const fresh = ctx.clock.now().getTime() - fromDbTime(flash.at).getTime() <= FLASH_TTL;
  return fresh && flash.kind === kind ? flash.value : null;
}
