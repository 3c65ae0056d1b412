import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** Records an admin (or reseller) action in audit_logs: who, on what, with which data, from where. */
export async function writeAudit(ctx: Ctx, entry: { action: string; targetType?: string; targetId?: string | number; data?: unknown }): Promise<void> {
  await inTenant(ctx)
    .insertInto("audit_logs", {
      actor_id: ctx.user?.id ?? null,
      action: entry.action.slice(0, 100),
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
      ip: ctx.ip ?? null,
      created_at: dbNow(ctx.clock),
    })
    .execute();
}
