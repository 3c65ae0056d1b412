import { z } from "zod";
import type { Ctx } from "../context.ts";
import { offsetOf, pageOf, pageQuery } from "../core/pagination.ts";
import { toIso } from "../lib/time.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { inTenant } from "../tenancy/scoped.ts";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD");
const text = (max: number) => z.string().trim().min(1).max(max, `At most ${max} characters`);

/** The audit log's filters: who (username, e-mail or id), action (or its prefix, "settings."), target, dates, address. */
export const auditLogQuery = z
  .object({
    actor: text(190).optional(),
    action: text(100).optional(),
    target_type: text(50).optional(),
    target_id: text(100).optional(),
    ip: text(45).optional(),
    from: day.optional(),
    to: day.optional(),
    ...pageQuery,
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "Must not be before the start date" });
type AuditLogQuery = z.infer<typeof auditLogQuery>;

/** The stored data as it was written (JSON), or the raw text if it is not JSON. */
function dataOf(raw: string | null): unknown {
  if (raw == null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The tenant's audit log, newest first, filtered; each entry with its actor and its data parsed. */
export async function listAuditLogs(ctx: Ctx, q: AuditLogQuery) {
  let base = inTenant(ctx).selectFrom("audit_logs").leftJoin("users", "users.id", "audit_logs.actor_id");
  if (q.actor) {
    const id = /^\d{1,12}$/.test(q.actor) ? Number(q.actor) : null;
    const like = likeContaining(q.actor);
    base = base.where((e) => e.or([like("users.username"), like("users.email"), ...(id ? [e("audit_logs.actor_id", "=", id)] : [])]));
  }
  if (q.action) base = q.action.endsWith(".") ? base.where(likeContaining(q.action)("audit_logs.action")) : base.where("audit_logs.action", "=", q.action);
  if (q.target_type) base = base.where("audit_logs.target_type", "=", q.target_type);
  if (q.target_id) base = base.where("audit_logs.target_id", "=", q.target_id);
  if (q.ip) base = base.where("audit_logs.ip", "=", q.ip);
  if (q.from) base = base.where("audit_logs.created_at", ">=", `${q.from} 00:00:00.000`);
  if (q.to) base = base.where("audit_logs.created_at", "<=", `${q.to} 23:59:59.999`);
  const [rows, count] = await Promise.all([
    base
      .select([
        "audit_logs.id",
        "audit_logs.actor_id",
        "users.username as actor_username",
        "users.role as actor_role",
        "audit_logs.action",
        "audit_logs.target_type",
        "audit_logs.target_id",
        "audit_logs.data",
        "audit_logs.ip",
        "audit_logs.created_at",
      ])
      .orderBy("audit_logs.id", "desc")
      .limit(q.per_page)
      .offset(offsetOf(q))
      .execute(),
    base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return pageOf(
    rows.map((r) => ({
      id: Number(r.id),
      actor: r.actor_id == null ? null : { id: Number(r.actor_id), username: r.actor_username ?? null, role: r.actor_role ?? null },
      action: r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      data: dataOf(r.data),
      ip: r.ip,
      created_at: toIso(String(r.created_at)),
    })),
    count.n,
    q,
  );
}
