import { Hono, type Context } from "hono";
import { AppError, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { idParam } from "../core/params.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, statusBadge } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { createSavedReply, deleteSavedReply, listSavedReplies, savedReply, savedReplyBody, updateSavedReply } from "../tickets/saved-replies.ts";
import { replyBody, staffTicketsQuery } from "../tickets/schema.ts";
import { assignTicket, closeAsStaff, listStaffTickets, replyAsStaff, staffMembers, staffTicket } from "../tickets/staff.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";

type Fields = Record<string, string>;
type Errors = Record<string, string[]>;

const STATUSES = ["open", "customer_reply", "answered", "closed"] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const PRIORITY_LABEL: Record<(typeof PRIORITIES)[number], MessageKey> = {
  low: "admin.support.priority.low",
  normal: "admin.support.priority.normal",
  high: "admin.support.priority.high",
  urgent: "admin.support.priority.urgent",
};
const priorityLabel = (f: ConsoleFormat, p: string) => (p in PRIORITY_LABEL ? f.tx(PRIORITY_LABEL[p as keyof typeof PRIORITY_LABEL]) : p);

async function form(c: Context<AppEnv>): Promise<Fields> {
  const out: Fields = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") out[k] = v.slice(0, 6000);
  return out;
}

/** A refused form's fields, each with the key of the console's words for what is wrong (translated by the page). */
function fieldErrors(err: unknown, words: Partial<Record<string, MessageKey>>): Errors {
  if (!(err instanceof Validation)) throw err;
  const out: Errors = {};
  for (const field of Object.keys(err.details ?? {})) out[field] = [words[field] ?? "admin.support.error.invalid"];
  return out;
}

const translated = (f: ConsoleFormat, errors: Errors | undefined): Errors =>
  Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, v.map((m) => f.tx(m as MessageKey))]));

/** The inbox's filters: what the query asks that the staff query accepts; anything else is dropped. */
function inboxQuery(raw: Record<string, string>) {
  const wanted = Object.fromEntries(Object.entries(raw).filter(([k, v]) => ["status", "priority", "assigned_to", "search", "page"].includes(k) && v !== ""));
  const parsed = staffTicketsQuery.safeParse({ ...wanted, per_page: "20" });
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return parseInput(staffTicketsQuery, { ...Object.fromEntries(Object.entries(wanted).filter(([k]) => !bad.has(k))), per_page: "20" });
}

/** The Support section: the inbox, a ticket with its conversation and actions, the saved replies. */
export function supportConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/support", (c) =>
    consolePage(c, sf, { id: "admin-support", section: "support", heading: "admin.support.title" }, async (f) => {
      const q = inboxQuery(c.req.query());
      const page = await listStaffTickets(ctxOf(c), q);
      const url = new URL(c.req.url);
      const keep = new URLSearchParams([...url.searchParams].filter(([k, v]) => ["status", "priority", "assigned_to", "search"].includes(k) && v));
      const chip = (label: string, params: Record<string, string>) => {
        const href = new URLSearchParams(params);
        const active = [...href].every(([k, v]) => keep.get(k) === v) && [...keep].every(([k]) => href.has(k) || k === "search");
        return { label, href: `/admin/support${href.size ? `?${href}` : ""}`, active };
      };
      return {
        chips: [
          chip(f.tx("admin.support.all"), {}),
          chip(f.tx("admin.support.waiting"), { status: "customer_reply" }),
          chip(f.tx("admin.support.open"), { status: "open" }),
          chip(f.tx("admin.support.mine"), { assigned_to: "me" }),
          chip(f.tx("admin.support.unassigned"), { assigned_to: "none" }),
          chip(f.tx("admin.support.closed"), { status: "closed" }),
        ],
        filters: {
          search: q.search ?? "",
          status: STATUSES.map((s) => ({ value: s, label: f.t(`status.ticket.${s}`), selected: q.status === s })),
          priority: PRIORITIES.map((p) => ({ value: p, label: priorityLabel(f, p), selected: q.priority === p })),
          assigned: String(q.assigned_to ?? ""),
        },
        total: page.total,
        tickets: page.rows.map((t) => ({
          href: `/admin/support/${t.uuid}`,
          subject: t.subject,
          customer: t.username ?? "—",
          status: statusBadge("ticket", t.status, f.t),
          priority: priorityLabel(f, t.priority),
          urgent: t.priority === "urgent" || t.priority === "high",
          assignee: t.assignee_username ?? f.tx("admin.support.nobody"),
          updated: displayDate(t.updated_at, f.lang),
        })),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), url.pathname, keep),
      };
    }),
  );

  const ticketPage = (c: Context<AppEnv>, uuid: string, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-ticket", section: "support", heading: "admin.support.ticket_title", status: state.status }, async (f) => {
      const ctx = ctxOf(c);
      const [t, staff, replies] = await Promise.all([staffTicket(ctx, uuid), staffMembers(ctx), listSavedReplies(ctx)]);
      const use = Number(c.req.query("use"));
      const chosen = Number.isInteger(use) && use > 0 ? replies.find((r) => r.id === use) : undefined;
      return {
        uuid: t.uuid,
        subject: t.subject,
        customer: t.username ?? "—",
        email: t.email ?? "",
        status: statusBadge("ticket", t.status, f.t),
        closed: t.status === "closed",
        priority: priorityLabel(f, t.priority),
        created: displayDate(t.created_at, f.lang),
        order: t.order_uuid,
        messages: t.messages.map((m) => ({
          staff: m.is_staff === 1,
          who: m.username ?? "—",
          at: displayDate(m.created_at, f.lang),
          text: m.message,
        })),
        staff: staff.map((s) => ({
          value: String(s.id),
          label: `${s.username} (${f.tx(s.role === "admin" ? "admin.role.admin" : "admin.role.support")})`,
          selected: s.id === t.assigned_to,
        })),
        replies: replies.map((r) => ({ title: r.title, href: `/admin/support/${t.uuid}?use=${r.id}#reply` })),
        reply: state.values?.message ?? chosen?.body ?? "",
        errors: translated(f, state.errors),
        done: c.req.query("done") ? f.tx(`admin.support.done.${c.req.query("done")}` as MessageKey) : null,
      };
    });

  const ticketPath = `/admin/support/:uuid{${UUID_SEGMENT}}`;
  app.get(ticketPath, (c) => ticketPage(c, c.req.param("uuid")));

  /** A ticket action: CSRF, the staff verb, back to the ticket with a notice, or the errors with what was typed. */
  const action = (suffix: string, run: (c: Context<AppEnv>, uuid: string, fields: Fields) => Promise<string>, words: Partial<Record<string, MessageKey>>) =>
    app.post(`${ticketPath}/${suffix}`, requireCsrf, async (c) => {
      const uuid = c.req.param("uuid");
      const fields = await form(c);
      try {
        const done = await run(c, uuid, fields);
        return c.redirect(`/admin/support/${uuid}?done=${done}`, 303);
      } catch (err) {
        return ticketPage(c, uuid, { values: fields, errors: fieldErrors(err, words), status: 422 });
      }
    });

  action(
    "reply",
    async (c, uuid, fields) => {
      await replyAsStaff(ctxOf(c), uuid, parseInput(replyBody, { message: fields.message ?? "" }).message);
      return "replied";
    },
    { message: "admin.support.error.message" },
  );
  action(
    "assign",
    async (c, uuid, fields) => {
      const id = fields.admin_id ? idParam(fields.admin_id, "Staff member") : null;
      await assignTicket(ctxOf(c), uuid, id);
      return "assigned";
    },
    { admin_id: "admin.support.error.assignee" },
  );
  action(
    "close",
    async (c, uuid) => {
      await closeAsStaff(ctxOf(c), uuid);
      return "closed";
    },
    {},
  );

  // ---- Saved replies ----
  const repliesPage = (c: Context<AppEnv>, state: { values?: Fields; errors?: Errors; editing?: number; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-saved-replies", section: "support", heading: "admin.support.replies_title", status: state.status }, async (f) => {
      const replies = await listSavedReplies(ctxOf(c));
      const editId = state.editing ?? Number(c.req.query("edit"));
      const editing = replies.find((r) => r.id === editId);
      return {
        replies: replies.map((r) => ({ id: r.id, title: r.title, body: r.body, editHref: `/admin/support/replies?edit=${r.id}#reply-form` })),
        form: {
          action: editing ? `/admin/support/replies/${editing.id}` : "/admin/support/replies",
          editing: Boolean(editing),
          title: state.values?.title ?? editing?.title ?? "",
          body: state.values?.body ?? editing?.body ?? "",
        },
        errors: translated(f, state.errors),
        done: c.req.query("done") ? f.tx(`admin.support.done.${c.req.query("done")}` as MessageKey) : null,
      };
    });
  const replyErrors = (err: unknown) => fieldErrors(err, { title: "admin.support.error.title", body: "admin.support.error.body" });

  app.get("/admin/support/replies", (c) => repliesPage(c));
  app.post("/admin/support/replies", requireCsrf, async (c) => {
    const fields = await form(c);
    try {
      await createSavedReply(ctxOf(c), parseInput(savedReplyBody, fields));
      return c.redirect("/admin/support/replies?done=reply_saved", 303);
    } catch (err) {
      return repliesPage(c, { values: fields, errors: replyErrors(err), status: 422 });
    }
  });
  app.post("/admin/support/replies/:id{[0-9]+}", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Saved reply");
    const fields = await form(c);
    try {
      await savedReply(ctxOf(c), id);
      await updateSavedReply(ctxOf(c), id, parseInput(savedReplyBody, fields));
      return c.redirect("/admin/support/replies?done=reply_saved", 303);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw err;
      return repliesPage(c, { values: fields, errors: replyErrors(err), editing: id, status: 422 });
    }
  });
  app.post("/admin/support/replies/:id{[0-9]+}/delete", requireCsrf, async (c) => {
    await deleteSavedReply(ctxOf(c), idParam(c.req.param("id"), "Saved reply"));
    return c.redirect("/admin/support/replies?done=reply_deleted", 303);
  });

  return app;
}
