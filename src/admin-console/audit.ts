import { Hono } from "hono";
import { Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { auditLogQuery, listAuditLogs } from "../audit/log.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { displayDate } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";

const FILTERS = ["actor", "action", "target_type", "target_id", "ip", "from", "to"] as const;

/** Data as readable text: JSON indented (the template escapes it). */
const readable = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** An entry's data: its before and after when it records a change, else the whole of it. */
function dataView(f: ConsoleFormat, data: unknown) {
  if (data === null || data === undefined) return [];
  if (typeof data === "object" && !Array.isArray(data) && ("before" in data || "after" in data)) {
    const { before, after, ...rest } = data as Record<string, unknown>;
    return [
      ...("before" in data ? [{ label: f.tx("admin.audit.before"), text: readable(before ?? null) }] : []),
      ...("after" in data ? [{ label: f.tx("admin.audit.after"), text: readable(after ?? null) }] : []),
      ...(Object.keys(rest).length ? [{ label: f.tx("admin.audit.data"), text: readable(rest) }] : []),
    ];
  }
  return [{ label: f.tx("admin.audit.data"), text: readable(data) }];
}

/** The Audit log section: the platform's audit_logs, filtered from the URL, newest first. */
export function auditConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/audit", async (c) => {
    const raw = c.req.query();
    const values = Object.fromEntries(FILTERS.map((k) => [k, (raw[k] ?? "").trim()]));
    const asked = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    let query: ReturnType<typeof parseInput<typeof auditLogQuery>>;
    let errors: Record<string, MessageKey> = {};
    try {
      query = parseInput(auditLogQuery, { ...asked, ...(raw.page ? { page: raw.page } : {}), per_page: "25" });
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      errors = Object.fromEntries(
        Object.keys(err.details ?? {}).map((k) => [k, k === "from" || k === "to" ? "admin.audit.error.date" : "admin.audit.error.invalid"]),
      );
      // The list still shows, without the filters that were refused.
      const kept = Object.fromEntries(Object.entries(asked).filter(([k]) => !(k in errors) && k !== "from" && k !== "to"));
      query = parseInput(auditLogQuery, { ...kept, per_page: "25" });
    }
    const status = Object.keys(errors).length ? 422 : 200;
    return consolePage(c, sf, { id: "admin-audit", section: "audit", heading: "admin.audit.title", status }, async (f) => {
      const page = await listAuditLogs(ctxOf(c), query);
      const keep = new URLSearchParams(Object.entries(asked).filter(([k]) => !(k in errors)));
      return {
        values,
        errors: Object.fromEntries(Object.entries(errors).map(([k, m]) => [k, f.tx(m)])),
        total: page.total,
        filtered: keep.size > 0,
        entries: page.rows.map((e) => ({
          id: e.id,
          at: displayDate(e.created_at, f.lang),
          who: e.actor ? `${e.actor.username ?? `#${e.actor.id}`}` : f.tx("admin.audit.system"),
          action: e.action,
          target: [e.target_type, e.target_id].filter(Boolean).join(" · "),
          ip: e.ip ?? "",
          data: dataView(f, e.data),
        })),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), "/admin/audit", keep),
      };
    });
  });

  return app;
}
