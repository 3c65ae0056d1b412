import { z } from "zod";
import type { Ctx } from "../context.ts";
import { Validation } from "../core/errors.ts";
import { writeAudit } from "../audit/audit.ts";
import { toIso } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { csvLine, UTF8_BOM } from "./csv.ts";

export const EXPORT_KINDS = ["orders", "users", "transactions", "deposits", "commissions"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** The statuses each export may be filtered by (users: active or banned). */
export const EXPORT_STATUSES: Record<ExportKind, readonly string[]> = {
  orders: ["pending", "processing", "in_progress", "completed", "partial", "canceled", "refunded", "failed"],
  users: ["active", "banned"],
  transactions: ["pending", "completed", "failed", "canceled"],
  deposits: ["pending", "completed", "failed", "canceled"],
  commissions: ["pending", "awaiting_approval", "credited", "reversed", "reversal_pending", "cancelled"],
};

/** Rows read per query: a million rows stream through in bounded memory, one chunk at a time. */
const EXPORT_CHUNK = 1000;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD");
/** The filters every export takes (the lists' own): a date range on creation, and a status where the rows have one. */
export const exportFilters = z
  .object({
    from: day.optional(),
    to: day.optional(),
    status: z
      .string()
      .regex(/^[a-z_]{1,30}$/, "A status such as completed")
      .optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "Must not be before the start date" });
export type ExportFilters = z.infer<typeof exportFilters>;

type Cell = string | number | null;
interface ExportSpec {
  header: string[];
  /** The rows after `afterId` (ascending ids): each row's id, for the next chunk, and its cells. */
  chunk(ctx: Ctx, afterId: number, f: ExportFilters): Promise<{ id: number; cells: Cell[] }[]>;
}

const money = (m: unknown) => formatMoney(Number(m ?? 0));
const iso = (t: unknown) => (t == null ? null : toIso(String(t)));
const n = (v: unknown) => Number(v ?? 0);
/** The range's bounds in stored time: the whole of the last day is inside. */
const since = (f: ExportFilters) => (f.from ? `${f.from} 00:00:00.000` : null);
const until = (f: ExportFilters) => (f.to ? `${f.to} 23:59:59.999` : null);

/** Each export's columns. Nothing secret leaves: no password hash, no key, no session, no provider key. */
const SPECS: Record<ExportKind, ExportSpec> = {
  orders: {
    header: [
      "order",
      "created_at",
      "user",
      "email",
      "service_id",
      "service",
      "link",
      "quantity",
      "charge",
      "refunded",
      "provider_cost",
      "currency",
      "status",
      "provider_order",
      "source",
      "completed_at",
    ],
    async chunk(ctx, afterId, f) {
      let q = inTenant(ctx)
        .selectFrom("orders")
        .innerJoin("users", "users.id", "orders.user_id")
        .innerJoin("services", "services.id", "orders.service_id")
        .select([
          "orders.id",
          "orders.uuid",
          "orders.created_at",
          "users.username",
          "users.email",
          "orders.service_id",
          "services.name as service",
          "orders.link",
          "orders.quantity",
          "orders.charge",
          "orders.refunded",
          "orders.provider_cost",
          "orders.currency",
          "orders.status",
          "orders.provider_order_id",
          "orders.source",
          "orders.completed_at",
        ])
        .where("orders.id", ">", afterId);
      if (since(f)) q = q.where("orders.created_at", ">=", since(f)!);
      if (until(f)) q = q.where("orders.created_at", "<=", until(f)!);
      if (f.status) q = q.where("orders.status", "=", f.status as never);
      const rows = await q.orderBy("orders.id").limit(EXPORT_CHUNK).execute();
      return rows.map((r) => ({
        id: n(r.id),
        cells: [
          r.uuid,
          iso(r.created_at),
          r.username,
          r.email,
          n(r.service_id),
          r.service,
          r.link,
          n(r.quantity),
          money(r.charge),
          money(r.refunded),
          money(r.provider_cost),
          r.currency,
          r.status,
          r.provider_order_id,
          r.source,
          iso(r.completed_at),
        ],
      }));
    },
  },
  users: {
    header: [
      "user",
      "created_at",
      "username",
      "email",
      "full_name",
      "phone",
      "role",
      "language",
      "balance",
      "banned",
      "ban_reason",
      "email_verified_at",
      "last_login_at",
      "referral_code",
    ],
    async chunk(ctx, afterId, f) {
      let q = inTenant(ctx)
        .selectFrom("users")
        .select([
          "id",
          "uuid",
          "created_at",
          "username",
          "email",
          "full_name",
          "phone",
          "role",
          "language",
          "balance",
          "is_banned",
          "ban_reason",
          "email_verified_at",
          "last_login_at",
          "referral_code",
        ])
        .where("id", ">", afterId)
        .where("deleted_at", "is", null);
      if (since(f)) q = q.where("created_at", ">=", since(f)!);
      if (until(f)) q = q.where("created_at", "<=", until(f)!);
      if (f.status === "banned") q = q.where("is_banned", "=", 1);
      else if (f.status === "active") q = q.where("is_banned", "=", 0);
      const rows = await q.orderBy("id").limit(EXPORT_CHUNK).execute();
      return rows.map((r) => ({
        id: n(r.id),
        cells: [
          r.uuid,
          iso(r.created_at),
          r.username,
          r.email,
          r.full_name,
          r.phone,
          r.role,
          r.language,
          money(r.balance),
          n(r.is_banned) === 1 ? "yes" : "no",
          r.ban_reason,
          iso(r.email_verified_at),
          iso(r.last_login_at),
          r.referral_code,
        ],
      }));
    },
  },
  transactions: {
    header: ["transaction", "created_at", "user", "type", "amount", "fee", "balance_after", "status", "description", "reference"],
    chunk: (ctx, afterId, f) => ledgerChunk(ctx, afterId, f, false),
  },
  deposits: {
    header: ["deposit", "created_at", "user", "amount", "fee", "status", "method", "reference", "verified_at"],
    chunk: (ctx, afterId, f) => ledgerChunk(ctx, afterId, f, true),
  },
  commissions: {
    header: [
      "commission",
      "created_at",
      "referrer",
      "referred_user",
      "order",
      "level",
      "rate_percent",
      "amount",
      "cancelled_amount",
      "reversed_amount",
      "status",
      "available_at",
    ],
    async chunk(ctx, afterId, f) {
      // A commission belongs to the tenant of its referrer.
      let q = inTenant(ctx)
        .selectFrom("users")
        .innerJoin("referral_commissions as rc", "rc.referrer_id", "users.id")
        .innerJoin("users as referred", "referred.id", "rc.referred_user_id")
        .innerJoin("orders", "orders.id", "rc.order_id")
        .select([
          "rc.id",
          "rc.created_at",
          "users.username as referrer",
          "referred.username as referred",
          "orders.uuid as order_uuid",
          "rc.level",
          "rc.rate_bp",
          "rc.amount",
          "rc.cancelled_amount",
          "rc.reversed_amount",
          "rc.status",
          "rc.available_at",
        ])
        .where("rc.id", ">", afterId);
      if (since(f)) q = q.where("rc.created_at", ">=", since(f)!);
      if (until(f)) q = q.where("rc.created_at", "<=", until(f)!);
      if (f.status) q = q.where("rc.status", "=", f.status as never);
      const rows = await q.orderBy("rc.id").limit(EXPORT_CHUNK).execute();
      return rows.map((r) => ({
        id: n(r.id),
        cells: [
          n(r.id),
          iso(r.created_at),
          r.referrer,
          r.referred,
          r.order_uuid,
          n(r.level),
          (n(r.rate_bp) / 100).toFixed(2),
          money(r.amount),
          money(r.cancelled_amount),
          money(r.reversed_amount),
          r.status,
          iso(r.available_at),
        ],
      }));
    },
  },
};

/** The ledger's rows, or only its deposits (with their method and verification). */
async function ledgerChunk(ctx: Ctx, afterId: number, f: ExportFilters, depositsOnly: boolean) {
  let q = inTenant(ctx)
    .selectFrom("transactions")
    .innerJoin("users", "users.id", "transactions.user_id")
    .leftJoin("payment_methods", "payment_methods.id", "transactions.payment_method_id")
    .select([
      "transactions.id",
      "transactions.uuid",
      "transactions.created_at",
      "users.username",
      "transactions.type",
      "transactions.amount",
      "transactions.fee",
      "transactions.balance_after",
      "transactions.status",
      "transactions.description",
      "transactions.reference",
      "payment_methods.name as method",
      "transactions.verified_at",
    ])
    .where("transactions.id", ">", afterId);
  if (depositsOnly) q = q.where("transactions.type", "=", "deposit");
  if (since(f)) q = q.where("transactions.created_at", ">=", since(f)!);
  if (until(f)) q = q.where("transactions.created_at", "<=", until(f)!);
  if (f.status) q = q.where("transactions.status", "=", f.status as never);
  const rows = await q.orderBy("transactions.id").limit(EXPORT_CHUNK).execute();
  return rows.map((r) => ({
    id: n(r.id),
    cells: depositsOnly
      ? [r.uuid, iso(r.created_at), r.username, money(r.amount), money(r.fee), r.status, r.method, r.reference, iso(r.verified_at)]
      : [
          r.uuid,
          iso(r.created_at),
          r.username,
          r.type,
          money(r.amount),
          money(r.fee),
          r.balance_after == null ? null : money(r.balance_after),
          r.status,
          r.description,
          r.reference,
        ],
  }));
}

/** The file's name: what it holds and when it was taken. */
export function exportFileName(ctx: Ctx, kind: ExportKind): string {
  return `${kind}-${ctx.clock.now().toISOString().slice(0, 10)}.csv`;
}

/**
 * The export as a stream of CSV (UTF-8 with BOM, money as decimal strings): each pull reads the next
 * chunk by keyset (`id > last`), so the reader's pace bounds memory, whatever the table's size.
 * Audited when it starts.
 */
export async function exportCsv(ctx: Ctx, kind: ExportKind, filters: ExportFilters): Promise<ReadableStream<Uint8Array>> {
  const spec = SPECS[kind];
  if (filters.status && !EXPORT_STATUSES[kind].includes(filters.status)) throw new Validation({ status: [`One of ${EXPORT_STATUSES[kind].join(", ")}`] });
  await writeAudit(ctx, { action: "export.download", targetType: "export", targetId: kind, data: filters });
  const encoder = new TextEncoder();
  let afterId = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(UTF8_BOM + csvLine(spec.header)));
          return;
        }
        const rows = await spec.chunk(ctx, afterId, filters);
        if (rows.length > 0) {
          afterId = rows[rows.length - 1]!.id;
          controller.enqueue(encoder.encode(rows.map((r) => csvLine(r.cells)).join("")));
        }
        if (rows.length < EXPORT_CHUNK) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
