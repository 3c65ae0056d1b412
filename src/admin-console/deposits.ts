import { Hono, type Context } from "hono";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { staffDeposit, listLedger, type StaffTransactionRow } from "../staff/finance/service.ts";
import { staffTransactionsQuery, verifyBody } from "../staff/finance/schema.ts";
import { tenantPaymentMethods } from "../wallet/service.ts";
import { verifyDeposit } from "../wallet/deposits.ts";
import { staffNoteOf, transactionView } from "../wallet/view.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, displayMoney, statusBadge } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { keptFilters, lenientQuery, options, readForm, refusalOf, translated, type Errors, type Fields } from "./action-forms.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";

const FILTERS = ["status", "payment_method_id", "user", "from", "to"] as const;
const STATUSES = ["pending", "completed", "failed", "canceled"] as const;

/** A deposit as the console lists it: who, how, what was sent, what is credited (after fees). */
function depositRow(f: ConsoleFormat, d: StaffTransactionRow) {
  const money = (v: number) => displayMoney(v, f.currency, f.lang);
  return {
    href: `/admin/deposits/${d.id}`,
    user: d.username ?? "—",
    method: d.payment_method_name ?? "—",
    reference: d.reference ?? "—",
    sent: money(d.amount + d.fee),
    credit: money(d.amount),
    status: statusBadge("deposit", d.status, f.t),
    created: displayDate(d.created_at, f.lang),
  };
}

const doneNotice = (f: ConsoleFormat, done: string | undefined) =>
  done && ["approved", "rejected"].includes(done) ? f.tx(`admin.deposits.done.${done}` as MessageKey) : null;

const VERIFY_WORDS: Partial<Record<string, MessageKey>> = { action: "admin.deposits.error.action", note: "admin.deposits.error.note" };
const VERIFY_CONFLICTS: Partial<Record<string, MessageKey>> = { already_verified: "admin.deposits.error.already_verified" };

/** The Deposits section: the verification queue and history, one deposit with its approve/reject steps, and the payment methods. */
export function depositConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/deposits", (c) =>
    consolePage(c, sf, { id: "admin-deposits", section: "deposits", heading: "admin.deposits.title" }, async (f) => {
      const ctx = ctxOf(c);
      const q = lenientQuery(staffTransactionsQuery, c.req.query(), [...FILTERS, "page"], { type: "deposit", per_page: "20" });
      const [queue, history, methods] = await Promise.all([
        listLedger(ctx, { type: "deposit", status: "pending", sort: "oldest", page: 1, per_page: 50 }),
        listLedger(ctx, q),
        tenantPaymentMethods(ctx),
      ]);
      const keep = keptFilters(c.req.url, FILTERS);
      return {
        done: doneNotice(f, c.req.query("done")),
        queue: queue.rows.map((d) => depositRow(f, d)),
        queueTotal: queue.total,
        queueAmount: displayMoney(
          queue.rows.reduce((s, d) => s + d.amount, 0),
          f.currency,
          f.lang,
        ),
        filters: {
          user: q.user ?? "",
          from: q.from ?? "",
          to: q.to ?? "",
          status: options(
            STATUSES.map((s) => ({ value: s, label: f.t(`status.deposit.${s}`) })),
            q.status,
          ),
          method: options(
            methods.map((m) => ({ value: String(m.id), label: m.name })),
            q.payment_method_id ? String(q.payment_method_id) : undefined,
          ),
        },
        total: history.total,
        history: history.rows.map((d) => depositRow(f, d)),
        pagination: paginationView(history.page, Math.max(1, Math.ceil(history.total / history.per_page)), "/admin/deposits", keep),
      };
    }),
  );

  const depositPage = (c: Context<AppEnv>, id: number, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-deposit", section: "deposits", heading: "admin.deposits.deposit_title", status: state.status }, async (f) => {
      const d = await staffDeposit(ctxOf(c), id);
      const money = (v: number) => displayMoney(v, f.currency, f.lang);
      return {
        id: d.id,
        pending: d.status === "pending",
        user: d.username ?? "—",
        email: d.email ?? "",
        userHref: `/admin/users/${d.user_id}`,
        method: d.payment_method_name ?? "—",
        reference: d.reference ?? "—",
        phone: transactionView(d).phone ?? "",
        sent: money(d.amount + d.fee),
        fee: money(d.fee),
        credit: money(d.amount),
        status: statusBadge("deposit", d.status, f.t),
        created: displayDate(d.created_at, f.lang),
        verified: d.verified_at ? displayDate(d.verified_at, f.lang) : null,
        note: staffNoteOf(d.meta),
        values: { note: state.values?.note ?? "" },
        errors: translated(f, state.errors),
      };
    });

  const depositPath = "/admin/deposits/:id{[0-9]+}";
  app.get(depositPath, (c) => depositPage(c, idParam(c.req.param("id"), "Deposit")));

  // Approve or reject: the first post shows what will happen (the amount credited after fees); the confirmed one does it.
  app.post(`${depositPath}/verify`, requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Deposit");
    const fields = await readForm(c);
    try {
      const input = parseInput(verifyBody, { action: fields.action, note: fields.note || undefined });
      if (fields.confirm !== "1") {
        return consolePage(c, sf, { id: "admin-confirm-step", section: "deposits", heading: "admin.deposits.confirm_title" }, async (f) => {
          const d = await staffDeposit(ctxOf(c), id);
          const money = (v: number) => displayMoney(v, f.currency, f.lang);
          const approve = input.action === "approve";
          return {
            title: f.tx(approve ? "admin.deposits.confirm_approve" : "admin.deposits.confirm_reject"),
            lines: [
              { label: f.tx("admin.deposits.col_user"), value: d.username ?? "—" },
              { label: f.tx("admin.deposits.col_method"), value: d.payment_method_name ?? "—" },
              { label: f.tx("admin.deposits.col_reference"), value: d.reference ?? "—" },
              { label: f.tx("admin.deposits.sent"), value: money(d.amount + d.fee) },
              { label: f.tx("admin.deposits.fee"), value: money(d.fee) },
              { label: f.tx("admin.deposits.credit"), value: money(d.amount), strong: approve },
              ...(input.note ? [{ label: f.tx("admin.deposits.note"), value: input.note }] : []),
            ],
            consequence: approve
              ? f.tx("admin.deposits.approve_consequence", { amount: money(d.amount), user: d.username ?? "—" })
              : f.tx("admin.deposits.reject_consequence", { amount: money(d.amount + d.fee), user: d.username ?? "—" }),
            action: `/admin/deposits/${id}/verify`,
            hidden: [
              { name: "action", value: input.action },
              { name: "note", value: input.note ?? "" },
              { name: "confirm", value: "1" },
            ],
            confirmLabel: f.tx(approve ? "admin.deposits.approve_confirm" : "admin.deposits.reject_confirm", { amount: money(d.amount) }),
            danger: !approve,
            cancelHref: `/admin/deposits/${id}`,
          };
        });
      }
      await verifyDeposit(ctxOf(c), id, input);
      return c.redirect(`/admin/deposits?done=${input.action === "approve" ? "approved" : "rejected"}`, 303);
    } catch (err) {
      return depositPage(c, id, { values: fields, errors: refusalOf(err, VERIFY_WORDS, VERIFY_CONFLICTS, "admin.deposits.error.invalid"), status: 422 });
    }
  });

  return app;
}
