import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { staffMay } from "../auth/roles.ts";
import { AppError, Validation } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { planAdminRefund, planStatusChange, reconcileOrder, refundOrderByAdmin, setOrderStatusByAdmin } from "../orders/admin.ts";
import { planReconcileMany, reconcileOrders } from "../orders/reconcile-many.ts";
import { adminRefundBody, adminStatusBody, reconcileBody, reconcileManyBody } from "../orders/schema.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayMoney, displayNumber } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";
import { orderStatusLabel } from "./labels.ts";
import { orderDetailPage, ordersListPage, type Errors, type Fields } from "./orders-view.ts";

/** A posted form: single fields as text, `order_ids` (the bulk form's checkboxes) as a list. */
async function form(c: Context<AppEnv>): Promise<{ fields: Fields; ids: string[] }> {
  const fields: Fields = {};
  let ids: string[] = [];
  for (const [k, v] of Object.entries(await c.req.parseBody({ all: true }))) {
    if (k === "order_ids") ids = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string").slice(0, 200);
    else if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 1000);
  }
  return { fields, ids };
}

/** Refusals the console explains in its own words rather than under a field. */
const CODES = [
  "order_closed",
  "order_not_sent",
  "order_changed",
  "nothing_to_refund",
  "not_reconcilable",
  "idempotency_in_flight",
  "idempotency_key_reused",
  "idempotency_answer_lost",
] as const;
const FIELDS = ["amount", "reason", "status", "remains", "note", "provider_order_id", "order_ids"] as const;

/** A refused action's errors, as keys of the console's words (translated by the page); a 404 or a 5xx stays an error page. */
function refusal(err: unknown): { errors: Errors; status: number } {
  if (!(err instanceof AppError) || err.status === 404 || err.status >= 500) throw err;
  if ((CODES as readonly string[]).includes(err.code)) return { errors: { _form: [`admin.orders.error.${err.code}`] }, status: err.status };
  if (err instanceof Validation) {
    const errors: Errors = {};
    for (const field of Object.keys(err.details ?? {}))
      errors[field] = [(FIELDS as readonly string[]).includes(field) ? `admin.orders.error.${field}` : "admin.orders.error.invalid"];
    return { errors, status: 422 };
  }
  return { errors: { _form: [`!${err.message}`] }, status: err.status };
}

const translated = (f: ConsoleFormat, errors: Errors | undefined): Errors =>
  Object.fromEntries(
    Object.entries(errors ?? {}).map(([k, v]) => [
      k,
      v.map((m) => (m.startsWith("!") ? f.tx("admin.orders.error.other", { message: m.slice(1) }) : f.tx(m as MessageKey))),
    ]),
  );

const DONE = ["refunded", "status", "reconciled"] as const;

/** What a confirmation page shows: the question with the amount, the consequence, what each order will do, and the form that runs it. */
interface Confirmation {
  question: string;
  consequence: string;
  lines: { label: string; value: string }[];
  total: string | null;
  action: string;
  hidden: { name: string; value: string }[];
  back: string;
}

/** The Orders section: the list and reconciliation queue, an order's detail, refunds, status changes, reconciliation (one or several). */
export function ordersConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const manages = (c: Context<AppEnv>) => staffMay(c.get("user")?.role ?? "user", "manage");
  const scope = (c: Context<AppEnv>) => `u:${c.get("user")!.id}`;

  const listPage = (c: Context<AppEnv>, url: URL, state: { errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-orders", section: "orders", heading: "admin.orders.title", status: state.status }, async (f) => {
      const done = c.req.query("done") === "bulk";
      return {
        ...(await ordersListPage(ctxOf(c), f, url, manages(c))),
        errors: translated(f, state.errors),
        done: done ? f.tx("admin.orders.done.bulk", { done: Number(c.req.query("settled")) || 0, skipped: Number(c.req.query("skipped")) || 0 }) : null,
      };
    });
  app.get("/admin/orders", (c) => listPage(c, new URL(c.req.url)));

  const detailPage = (c: Context<AppEnv>, id: number, state: { form?: string; values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-order", section: "orders", heading: "admin.orders.order_title", status: state.status }, async (f) => {
      const d = await orderDetailPage(ctxOf(c), f, id);
      const formState = (name: string) =>
        state.form === name ? { values: state.values ?? {}, errors: translated(f, state.errors) } : { values: {} as Fields, errors: {} as Errors };
      const done = c.req.query("done");
      return {
        ...d,
        manage: manages(c),
        // A fresh key per form and rendering, posted back as `idempotency_key`: a double submit acts once.
        keys: { mark: randomUUID(), resend: randomUUID(), refund: randomUUID(), status: randomUUID() },
        forms: { refund: formState("refund"), status: formState("status"), reconcile: formState("reconcile") },
        // A refusal about the order rather than a field (closed, changed meanwhile…), shown above everything.
        refused: translated(f, state.errors)._form?.join(" ") ?? null,
        done: done && (DONE as readonly string[]).includes(done) ? f.tx(`admin.orders.done.${done}` as MessageKey) : null,
      };
    });

  const confirmPage = (c: Context<AppEnv>, build: (f: ConsoleFormat) => Confirmation) =>
    consolePage(c, sf, { id: "admin-order-confirm", section: "orders", heading: "admin.orders.confirm_title" }, async (f) => build(f));

  /** The confirmed form posts back what was asked, with a fresh key: a double submit runs once. */
  const confirmed = (fields: Fields) => [
    ...Object.entries(fields)
      .filter(([k]) => k !== "confirm" && k !== "idempotency_key")
      .map(([name, value]) => ({ name, value })),
    { name: "confirm", value: "1" },
    { name: "idempotency_key", value: randomUUID() },
  ];

  const orderPath = "/admin/orders/:id{[0-9]+}";
  app.get(orderPath, (c) => detailPage(c, idParam(c.req.param("id"), "Order")));

  app.post(`${orderPath}/refund`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "Order");
    const { fields } = await form(c);
    try {
      const input = parseInput(adminRefundBody, { amount: fields.amount?.trim() || undefined, reason: fields.reason ?? "" });
      if (fields.confirm !== "1") {
        const plan = await planAdminRefund(ctx, id, input);
        return confirmPage(c, (f) => ({
          question: f.tx("admin.orders.confirm_refund", { amount: displayMoney(plan.amount, plan.order.currency, f.lang), id }),
          consequence: f.tx(plan.full ? "admin.orders.confirm_refund_full" : "admin.orders.confirm_refund_part"),
          lines: [{ label: f.tx("admin.orders.reason"), value: input.reason }],
          total: displayMoney(plan.amount, plan.order.currency, f.lang),
          action: `/admin/orders/${id}/refund`,
          hidden: confirmed(fields),
          back: `/admin/orders/${id}`,
        }));
      }
      const body = { id, amount: input.amount ?? null, reason: input.reason };
      await runOnceForValue(ctx, { scope: scope(c), key: fields.idempotency_key || undefined, operation: "console-order-refund", body }, async () => {
        await refundOrderByAdmin(ctx, id, input);
        return id;
      });
      return c.redirect(`/admin/orders/${id}?done=refunded`, 303);
    } catch (err) {
      return detailPage(c, id, { form: "refund", values: fields, ...refusal(err) });
    }
  });

  app.post(`${orderPath}/status`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "Order");
    const { fields } = await form(c);
    try {
      const input = parseInput(adminStatusBody, {
        status: fields.status ?? "",
        remains: fields.remains?.trim() || undefined,
        note: fields.note?.trim() || undefined,
      });
      const plan = await planStatusChange(ctx, id, input);
      if (plan.refund > 0 && fields.confirm !== "1")
        return confirmPage(c, (f) => {
          const amount = displayMoney(plan.refund, plan.order.currency, f.lang);
          return {
            question: f.tx("admin.orders.confirm_status", { id, status: orderStatusLabel(f, input.status), amount }),
            consequence: f.tx("admin.orders.confirm_status_hint"),
            lines: input.note ? [{ label: f.tx("admin.orders.note"), value: input.note }] : [],
            total: amount,
            action: `/admin/orders/${id}/status`,
            hidden: confirmed(fields),
            back: `/admin/orders/${id}`,
          };
        });
      const body = { id, ...input };
      await runOnceForValue(ctx, { scope: scope(c), key: fields.idempotency_key || undefined, operation: "console-order-status", body }, async () => {
        await setOrderStatusByAdmin(ctx, id, input);
        return id;
      });
      return c.redirect(`/admin/orders/${id}?done=status`, 303);
    } catch (err) {
      return detailPage(c, id, { form: "status", values: fields, ...refusal(err) });
    }
  });

  app.post(`${orderPath}/reconcile`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "Order");
    const { fields } = await form(c);
    try {
      const input = parseInput(reconcileBody, {
        action: fields.action ?? "",
        provider_order_id: fields.action === "mark_sent" ? (fields.provider_order_id ?? "") : undefined,
        note: fields.note?.trim() || undefined,
      });
      if (input.action === "refund" && fields.confirm !== "1") {
        const plan = await planReconcileMany(ctx, { order_ids: [id], action: "refund" });
        const order = plan.orders[0]!;
        if (!order.reconcilable) throw new AppError(409, "not_reconcilable", "Not reconcilable");
        return confirmPage(c, (f) => ({
          question: f.tx("admin.orders.confirm_refund", { amount: displayMoney(plan.refund, order.currency, f.lang), id }),
          consequence: f.tx("admin.orders.confirm_refund_full"),
          lines: [],
          total: displayMoney(plan.refund, order.currency, f.lang),
          action: `/admin/orders/${id}/reconcile`,
          hidden: confirmed(fields),
          back: `/admin/orders/${id}`,
        }));
      }
      // The verb settles an order once; the form's key makes a double submit replay the first answer rather than refuse.
      const body = { id, ...input };
      await runOnceForValue(ctx, { scope: scope(c), key: fields.idempotency_key || undefined, operation: "console-order-reconcile", body }, async () => {
        await reconcileOrder(ctx, id, input);
        return id;
      });
      return c.redirect(`/admin/orders/${id}?done=reconciled`, 303);
    } catch (err) {
      return detailPage(c, id, { form: "reconcile", values: fields, ...refusal(err) });
    }
  });

  app.post("/admin/orders/reconcile", requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const { fields, ids } = await form(c);
    // Back to the queue the form came from: orders whose dispatch is unknown, or held by their provider.
    const back = `/admin/orders?dispatch=${fields.queue === "held" ? "held" : "unknown"}`;
    const queue = new URL(back, c.req.url);
    try {
      const input = parseInput(reconcileManyBody, { order_ids: ids, action: fields.action ?? "", note: fields.note?.trim() || undefined });
      if (fields.confirm !== "1") {
        const plan = await planReconcileMany(ctx, input);
        const currency = plan.orders[0]?.currency ?? "XOF";
        const count = plan.orders.filter((o) => o.reconcilable).length;
        return confirmPage(c, (f) => ({
          question:
            input.action === "refund"
              ? f.tx("admin.orders.confirm_bulk_refund", { count: displayNumber(count, f.lang), amount: displayMoney(plan.refund, currency, f.lang) })
              : f.tx("admin.orders.confirm_bulk_resend", { count: displayNumber(count, f.lang) }),
          consequence: f.tx("admin.orders.confirm_bulk_hint"),
          lines: plan.orders.map((o) => ({
            label: `${f.tx("admin.orders.number", { id: o.id })} · ${o.username ?? "—"} · ${o.service_name ?? "—"}`,
            value: !o.reconcilable
              ? f.tx("admin.orders.will_skip")
              : input.action === "refund"
                ? f.tx("admin.orders.will_refund", { amount: displayMoney(o.refund, o.currency, f.lang) })
                : f.tx("admin.orders.will_resend"),
          })),
          total: input.action === "refund" ? displayMoney(plan.refund, currency, f.lang) : null,
          action: "/admin/orders/reconcile",
          hidden: [...confirmed(fields), ...input.order_ids.map((id) => ({ name: "order_ids", value: String(id) }))],
          back,
        }));
      }
      const body = { ...input };
      const { value: results } = await runOnceForValue(
        ctx,
        { scope: scope(c), key: fields.idempotency_key || undefined, operation: "console-orders-reconcile", body },
        () => reconcileOrders(ctx, input),
      );
      const settled = results.filter((r) => r.done).length;
      return c.redirect(`${back}&done=bulk&settled=${settled}&skipped=${results.length - settled}`, 303);
    } catch (err) {
      return listPage(c, queue, refusal(err));
    }
  });

  return app;
}
