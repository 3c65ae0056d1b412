import type { Ctx, Tenant } from "../context.ts";
import type { JobDef } from "../jobs/scheduler.ts";
import { dbNow, MINUTE } from "../lib/time.ts";
import { PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { settleGatewayPayment, type SettleOutcome } from "./settle.ts";

/** A pending payment is read back once it is this old, so a lost notification never loses a deposit. */
const RECONCILE_AFTER_MS = 3 * MINUTE;
const BATCH = 200;

/**
 * Reads back every pending payment older than a few minutes, across tenants (least recently checked first),
 * each with its own tenant's ctx: credits the confirmed ones, fails the refused ones, expires the abandoned ones.
 */
async function reconcileGatewayPayments(ctx: Ctx): Promise<Partial<Record<SettleOutcome, number>>> {
  const rows = await ctx.db
    .selectFrom("gateway_payments")
    .select(["id", "site_id"])
    .where("status", "=", "pending")
    .where("created_at", "<=", dbNow(ctx.clock, -RECONCILE_AFTER_MS))
    .orderBy("last_checked_at")
    .orderBy("id")
    .limit(BATCH)
    .execute();
  const counts: Partial<Record<SettleOutcome, number>> = {};
  const tenants = new Map<number, Tenant | null>();
  for (const row of rows) {
    let tenant = tenants.get(row.site_id);
    if (tenant === undefined) {
      const site =
        row.site_id === PLATFORM_TENANT_ID ? null : await ctx.db.selectFrom("white_label_sites").selectAll().where("id", "=", row.site_id).executeTakeFirst();
      tenant = row.site_id === PLATFORM_TENANT_ID ? ctx.tenant : site ? { kind: "site", siteId: site.id, site } : null;
      tenants.set(row.site_id, tenant);
    }
    if (!tenant) continue;
    try {
      const outcome = await settleGatewayPayment({ ...ctx, tenant }, row.id);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    } catch (err) {
      ctx.logger.error("gateway payment reconciliation failed", { payment_id: row.id, error: String(err) });
    }
  }
  return counts;
}

export const reconcileGatewaysJob: JobDef = {
  name: "gateways:reconcile",
  description: "read back pending gateway payments older than a few minutes (credit, fail or expire them)",
  schedule: "* * * * *",
  run: async (ctx, progress) => {
    progress.start("gateway payments", 1);
    const counts = await reconcileGatewayPayments(ctx);
    progress.done(
      Object.entries(counts)
        .map(([k, n]) => `${k}: ${n}`)
        .join(", ") || "nothing pending",
    );
    return counts;
  },
};
