import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { AppError, NotFound, Validation } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";
import { bookingCurrency } from "../settings/service.ts";
import { deleteUser } from "../staff/users/service.ts";
import { writeAudit } from "../audit/audit.ts";
import { forTenant } from "../tenancy/scoped.ts";
import { noticeToOwner } from "./notices.ts";

/** What keeps a site from being deleted: its customers' money and work in progress. All zero: it may go. */
interface DeletionBlockers {
  customers_with_balance: number;
  /** Sum of those balances, micro-units of the site's booking currency. */
  balance_total: number;
  pending_deposits: number;
  pending_total: number;
  active_orders: number;
}

export async function deletionBlockers(ctx: Ctx, site: Site): Promise<DeletionBlockers> {
  const scoped = forTenant(ctx.db, site.id);
  const balances = await scoped
    .selectFrom("users")
    .select([sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(balance), 0)`.as("total")])
    .where("balance", "!=", 0)
    .executeTakeFirstOrThrow();
  const deposits = await scoped
    .selectFrom("transactions")
    .select([sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(amount), 0)`.as("total")])
    .where("type", "=", "deposit")
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  const orders = await scoped
    .selectFrom("orders")
    .select(sql<number>`count(*)`.as("n"))
    .where("status", "in", [...ACTIVE_STATUSES])
    .executeTakeFirstOrThrow();
  return {
    customers_with_balance: Number(balances.n),
    balance_total: Number(balances.total),
    pending_deposits: Number(deposits.n),
    pending_total: Number(deposits.total),
    active_orders: Number(orders.n),
  };
}

export const isBlocked = (b: DeletionBlockers) => b.customers_with_balance > 0 || b.pending_deposits > 0 || b.active_orders > 0;

/**
 * Deletes a site at its owner's request (docs/white-label.md, "Deleting a site"), after the site's
 * slug was typed again. Refused (409 `site_holds_money`, with the counts and amounts) while a
 * customer has a balance, a deposit awaits verification or an order is in progress: no money is
 * ever lost. Otherwise, in one transaction: the site is disabled for good, its domain released,
 * its subscription canceled (nothing refunded), its customers anonymised like a deleted account
 * (ledger kept), its payment methods switched off; audited, and the owner told.
 */
export async function deleteSite(ctx: Ctx, site: Site, confirmSlug: string): Promise<void> {
  if (confirmSlug.trim().toLowerCase() !== site.slug) throw new Validation({ confirm_slug: ["Type the site's address exactly: " + site.slug] });
  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    // Disabled first, in the same transaction as the checks: no new order or deposit lands meanwhile.
    const r = await tx.db
      .updateTable("white_label_sites")
      .set({ status: "disabled", deleted_at: now, custom_domain: null, domain_verified_at: null, domain_claimed_at: null, updated_at: now })
      .where("id", "=", site.id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new NotFound("Site not found");
    const blockers = await deletionBlockers(tx, site);
    if (isBlocked(blockers)) {
      throw new AppError(
        409,
        "site_holds_money",
        `The site cannot be deleted yet: ${blockers.customers_with_balance} customers hold a balance, ${blockers.pending_deposits} deposits await verification, ${blockers.active_orders} orders are in progress`,
        blockers,
      );
    }
    await forTenant(tx.db, site.id)
      .updateTable("subscriptions")
      .set({ status: "canceled", canceled_at: now, cancel_requested_at: null, pending_plan_id: null, pending_billing_cycle: null, updated_at: now })
      .where("status", "!=", "canceled")
      .execute();
    const siteCtx: Ctx = { ...tx, tenant: { kind: "site", siteId: site.id, site } };
    const customers = await forTenant(tx.db, site.id).selectFrom("users").select("id").where("deleted_at", "is", null).execute();
    for (const c of customers) await deleteUser(siteCtx, c.id);
    await forTenant(tx.db, site.id).updateTable("payment_methods").set({ is_active: 0, updated_at: now }).execute();
    await writeAudit(tx, {
      action: "white_label.site.delete",
      targetType: "white_label_site",
      targetId: site.id,
      data: { slug: site.slug, custom_domain: site.custom_domain, customers: customers.length },
    });
    await noticeToOwner(tx, site.owner_id, "deleted", { site: site.name, amount: 0, currency: await bookingCurrency(tx), siteUuid: site.uuid });
  });
  ctx.events.siteChanged(site.id);
}
