import type { Ctx } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import type { GatewayNotificationsTable, Site } from "../db/schema.ts";
import type { Selectable } from "kysely";
import { likeContaining } from "../lib/sql-like.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant } from "../tenancy/scoped.ts";
import type { GatewayPayment } from "./payments.ts";
import type { GatewayPaymentsQuery } from "./schema.ts";

export type StaffGatewayPayment = GatewayPayment & { gateway_name: string; username: string | null };
type GatewayNotification = Selectable<GatewayNotificationsTable>;

const listed = (ctx: Ctx) =>
  inTenant(ctx)
    .selectFrom("gateway_payments")
    .innerJoin("gateway_accounts", "gateway_accounts.id", "gateway_payments.gateway_account_id")
    .leftJoin("users", "users.id", "gateway_payments.user_id");

/** The tenant's gateway payments, newest first: a status filter, a search by payment id (or its start) or customer. */
export async function listGatewayPayments(ctx: Ctx, q: GatewayPaymentsQuery): Promise<Page<StaffGatewayPayment>> {
  let query = listed(ctx);
  if (q.status) query = query.where("gateway_payments.status", "=", q.status);
  if (q.search) {
    const like = likeContaining(q.search);
    const uuidStart = /^[0-9a-f-]{4,36}$/i.test(q.search) ? `${q.search.toLowerCase()}%` : null;
    query = query.where((eb) => eb.or([...(uuidStart ? [eb("gateway_payments.uuid", "like", uuidStart)] : []), like("users.username"), like("users.email")]));
  }
  const [rows, total] = await Promise.all([
    query
      .selectAll("gateway_payments")
      .select(["gateway_accounts.name as gateway_name", "users.username as username"])
      .orderBy("gateway_payments.id", "desc")
      .limit(q.per_page)
      .offset(offsetOf(q))
      .execute(),
    query.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return pageOf(rows, total.n, q);
}

/** One of the tenant's payments with every notification received about it, oldest first (another tenant's: 404). */
export async function gatewayPaymentDetail(ctx: Ctx, uuid: string): Promise<StaffGatewayPayment & { notifications: GatewayNotification[] }> {
  if (!UUID.test(uuid)) throw new NotFound("Payment not found");
  const payment = await listed(ctx)
    .selectAll("gateway_payments")
    .select(["gateway_accounts.name as gateway_name", "users.username as username"])
    .where("gateway_payments.uuid", "=", uuid)
    .executeTakeFirst();
  if (!payment) throw new NotFound("Payment not found");
  const notifications = await inTenant(ctx)
    .selectFrom("gateway_notifications")
    .selectAll()
    .where("gateway_payment_id", "=", payment.id)
    .orderBy("id")
    .execute();
  return { ...payment, notifications };
}

/** The sites with a gateway account of their own, by name: whose payments an admin may choose to read. */
export async function sitesWithGatewayAccounts(ctx: Ctx): Promise<Pick<Site, "id" | "uuid" | "name" | "slug">[]> {
  return ctx.db
    .selectFrom("white_label_sites")
    .select(["id", "uuid", "name", "slug"])
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("gateway_accounts").select("gateway_accounts.id").whereRef("gateway_accounts.site_id", "=", "white_label_sites.id")),
    )
    .orderBy("name")
    .orderBy("id")
    .execute();
}

/**
 * An admin's ctx for one site's gateway payments (the platform's admins see every gateway payment):
 * the site as tenant, so the list and the detail read that site's rows only. An unknown site: 404.
 */
export async function siteGatewayScope(ctx: Ctx, siteUuid: string): Promise<Ctx> {
  const site = UUID.test(siteUuid) ? await ctx.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", siteUuid).executeTakeFirst() : undefined;
  if (!site) throw new NotFound("Site not found");
  return { ...ctx, tenant: { kind: "site", siteId: site.id, site } };
}
