import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import type { Ctx } from "../context.ts";
import type { OrderStatus } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound, Unavailable, Validation } from "../core/errors.ts";
import type { Lang } from "../i18n/lang.ts";
import {
  TICKET_CATEGORIES,
  accountPageData,
  apiAccessData,
  depositRow,
  orderDetail,
  orderLabel,
  orderRow,
  paymentMethodView,
  ticketRow,
  type Fmt,
} from "./account-view.ts";
import { categoryLabel, serviceCard, tenantServices } from "./catalog-view.ts";
import { requireCsrf } from "./csrf.ts";
import { displayDate, displayMoney } from "./format.ts";
import { pageRequest, render, type PageRequest, type Storefront } from "./respond.ts";
import { FORM_ACTIONS, type Paged } from "./account-sources.ts";
import type { FormState, FundsData, OrderNewData, OrdersData, PageId, PaginationView, TicketData, TicketNewData, TicketsData } from "./view-models.ts";
import { paginationView } from "./view.ts";
import { hiddenFields, type ConfirmStepView } from "./confirm-step.ts";
import { UUID, UUID_SEGMENT } from "../lib/uuid.ts";
import { putFlash, takeFlash } from "../auth/flash.ts";
import { OPTIONAL_ORDER_FIELDS, ORDER_FORM_FIELDS, SUBSCRIPTION_DELAYS, UNLIMITED_POSTS, orderFormFields, typesShowing } from "../providers/service-types.ts";

/**
 * Form actions of the account pages, passed by the features that own them. Each runs with the
 * request's Ctx (tenant and user set) and the posted fields; it throws the usual domain errors
 * (Validation, InsufficientBalance…), which re-render the form with translated messages.
 */
export interface AccountActions {
  /** `idempotencyKey` (orders, deposits): the Idempotency-Key header, else the form's hidden `idempotency_key`. */
  /** `lang`: the page's language, in which a refusal's field messages come back (Validation.lang). */
  placeOrder?(ctx: Ctx, form: Record<string, string>, meta: { idempotencyKey?: string; lang: Lang }): Promise<{ uuid: string }>;
  /** What an order comes to (micro-units), checked like `placeOrder` but placed nowhere: the confirmation step. */
  previewOrder?(
    ctx: Ctx,
    form: Record<string, string>,
    meta: { lang: Lang },
  ): Promise<{ serviceId: number; service: string; quantity: number; charge: number; balance: number; currency: string }>;
  deposit?(ctx: Ctx, form: Record<string, string>, meta: { idempotencyKey?: string }): Promise<{ uuid: string }>;
  /** What a declared deposit comes to (micro-units), checked like `deposit` but recorded nowhere: the confirmation step. */
  previewDeposit?(ctx: Ctx, form: Record<string, string>): Promise<{ method: string; amount: number; fee: number; credited: number }>;
  openTicket?(ctx: Ctx, form: Record<string, string>): Promise<{ uuid: string }>;
  replyTicket?(ctx: Ctx, uuid: string, form: Record<string, string>): Promise<void>;
  closeTicket?(ctx: Ctx, uuid: string): Promise<void>;
  createApiKey?(ctx: Ctx): Promise<{ key: string }>;
  revokeApiKey?(ctx: Ctx): Promise<void>;
  cancelOrder?(ctx: Ctx, uuid: string): Promise<{ awaitingProvider: boolean }>;
  refillOrder?(ctx: Ctx, uuid: string): Promise<void>;
}

/** Refusals of a form action that have their own translated message (form.error.<code>). */
const CODE_MESSAGES = new Set([
  "insufficient_balance",
  "service_unavailable",
  "maintenance",
  "email_unverified",
  "idempotency_in_flight",
  "idempotency_key_reused",
  "idempotency_answer_lost",
]);

const ORDER_FILTERS: OrderStatus[] = ["pending", "in_progress", "completed", "partial", "canceled"];
function pagination<T>(p: Paged<T>, path: string, query: URLSearchParams): PaginationView | null {
  return paginationView(p.page, Math.max(1, Math.ceil(p.total / Math.max(1, p.perPage))), path, query);
}

function pageNumber(c: Context<AppEnv>): number {
  const n = Number(c.req.query("page"));
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string" && k !== "_csrf") out[k] = v.slice(0, 5000);
  return out;
}

/** The order's confirmation step: service, link, quantity, price, balance before and after; posts the same form under its key. */
function orderConfirmStep(
  q: { serviceId: number; service: string; quantity: number; charge: number; balance: number; currency: string },
  form: Record<string, string>,
  f: Fmt,
): ConfirmStepView {
  const money = (m: number) => displayMoney(m, q.currency, f.lang);
  return {
    title: f.t("confirm.order_title"),
    rows: [
      { label: f.t("confirm.service"), value: `${q.serviceId} · ${q.service}` },
      ...(form.link ? [{ label: f.t("order_new.link_label"), value: form.link }] : []),
      { label: f.t("order_new.quantity_label"), value: new Intl.NumberFormat(f.lang).format(q.quantity) },
      { label: f.t("confirm.charged"), value: money(q.charge), strong: true },
      { label: f.t("confirm.balance_before"), value: money(q.balance) },
      { label: f.t("confirm.balance_after"), value: money(q.balance - q.charge) },
    ],
    action: FORM_ACTIONS.newOrder,
    hidden: hiddenFields(form),
    confirmLabel: f.t("confirm.order_submit", { amount: money(q.charge) }),
    backLabel: f.t("confirm.back"),
  };
}

/** A domain error of a form action → translated form errors; anything else is rethrown. */
function actionErrors(err: unknown, req: PageRequest): FormState["errors"] {
  if (!(err instanceof AppError) || ![403, 409, 422, 503].includes(err.status)) throw err;
  const { t } = req;
  if (CODE_MESSAGES.has(err.code)) return { _: [t(`form.error.${err.code}`)] };
  const details = err.code === "validation_failed" && err.details && typeof err.details === "object" ? (err.details as Record<string, string[]>) : {};
  // Messages written in the page's language are shown as they are; others (English) become a generic hint.
  const own = err instanceof Validation && err.lang === req.visit.lang;
  const out: FormState["errors"] = { _: [t("form.error.check_fields")] };
  for (const [field, messages] of Object.entries(details)) if (field !== "_") out[field] = own ? messages : [t("form.error.field_invalid")];
  return out;
}

/** The signed-in visitor's pages of this tenant (signedIn is applied where the storefront mounts them). */
export function accountPages(sf: Storefront, actions: AccountActions = {}) {
  const app = new Hono<AppEnv>();

  const fmt = (req: PageRequest): Fmt => ({ lang: req.visit.lang, currency: req.look.currency, t: req.t });
  const page = async <D>(
    c: Context<AppEnv>,
    id: PageId,
    build: (req: PageRequest, f: Fmt) => Promise<D>,
    opts: { status?: number; title?: string; heading?: (t: PageRequest["t"]) => string } = {},
  ) => {
    const req = await pageRequest(c, sf);
    return render(c, req, { id, status: opts.status, title: opts.title, heading: opts.heading?.(req.t) }, await build(req, fmt(req)));
  };

  app.get("/account", (c) => page(c, "account", async (_req, f) => accountPageData(await sf.data.summary(ctxOf(c)), pageBalance(c, f), f)));

  type OrderPreview = Awaited<ReturnType<NonNullable<AccountActions["previewOrder"]>>>;
  const orderForm = (c: Context<AppEnv>, state: Partial<FormState> & { preview?: OrderPreview }, status = 200) =>
    page<OrderNewData>(
      c,
      "order-new",
      async (_req, f) => {
        const services = await tenantServices(ctxOf(c), sf.cache);
        const wanted = Number(state.values?.service ?? c.req.query("service"));
        const groups: OrderNewData["groups"] = [];
        for (const s of services) {
          let g = groups.at(-1);
          if (!g || g.category !== categoryLabel(s, f.lang)) {
            g = { category: categoryLabel(s, f.lang), services: [] };
            groups.push(g);
          }
          const card = serviceCard(s, f.currency, f.lang);
          g.services.push({
            id: s.id,
            label: `${s.id} · ${card.name} — ${card.price}`,
            rateDecimal: card.rateDecimal,
            price: card.price,
            min: s.min,
            max: s.max,
            type: s.type,
            dripfeed: s.dripfeed,
            selected: s.id === wanted,
          });
        }
        const selected = services.find((s) => s.id === wanted);
        const values = { ...state.values };
        delete values.idempotency_key;
        return {
          values,
          errors: state.errors ?? {},
          action: FORM_ACTIONS.newOrder,
          groups,
          selected: selected ? serviceCard(selected, f.currency, f.lang) : null,
          fields: orderFieldStates(selected ?? null),
          delays: SUBSCRIPTION_DELAYS.map((d) => ({ value: d, label: d === 0 ? f.t("order_new.delay_none") : f.t("order_new.delay_minutes", { minutes: d }) })),
          unlimitedPosts: UNLIMITED_POSTS,
          balance: pageBalance(c, f),
          currency: f.currency,
          idempotencyKey: randomUUID(),
          confirmStep: state.preview ? orderConfirmStep(state.preview, state.values ?? {}, f) : null,
        };
      },
      { status },
    );

  app.get("/orders/new", (c) => orderForm(c, {}));

  app.get("/orders", (c) =>
    page<OrdersData>(c, "orders", async (req, f) => {
      const wanted = c.req.query("status") as OrderStatus | undefined;
      const status = wanted && ORDER_FILTERS.includes(wanted) ? wanted : undefined;
      const result = await sf.data.orders(ctxOf(c), { page: pageNumber(c), status });
      const filters = [
        { href: "/orders", label: f.t("orders.filter_all"), active: !status },
        ...ORDER_FILTERS.map((s) => ({ href: `/orders?status=${s}`, label: f.t(`status.order.${s}`), active: s === status })),
      ];
      return { orders: result.items.map((o) => orderRow(o, f)), filters, pagination: pagination(result, req.visit.path, req.visit.query) };
    }),
  );

  // The order's page; `confirmCancel` is its cancellation step (GET …/cancel), which works without JS.
  const orderPage = async (c: Context<AppEnv>, uuid: string, confirmCancel: boolean) => {
    const order = await sf.data.order(ctxOf(c), uuid);
    if (!order) throw new NotFound("Order not found");
    const ref = orderLabel(order);
    return page(c, "order", async (_req, f) => ({ order: { ...orderDetail(order, f), confirmCancel } }), {
      title: ref,
      heading: (t) => t("order.heading", { ref }),
    });
  };
  app.get(`/orders/:uuid{${UUID_SEGMENT}}`, (c) => orderPage(c, c.req.param("uuid"), false));
  app.get(`/orders/:uuid{${UUID_SEGMENT}}/cancel`, (c) => orderPage(c, c.req.param("uuid"), true));

  type DepositPreview = Awaited<ReturnType<NonNullable<AccountActions["previewDeposit"]>>>;
  const fundsPage = (c: Context<AppEnv>, state: Partial<FormState> & { preview?: DepositPreview }, status = 200) =>
    page<FundsData>(
      c,
      "funds",
      async (_req, f) => {
        const src = await sf.data.funds(ctxOf(c));
        const wanted = state.values?.method ?? c.req.query("method") ?? src.methods[0]?.code;
        const values = { ...state.values };
        // The confirmation step posts the same declaration again, under the key of the form it came from.
        const key = state.preview ? values.idempotency_key : undefined;
        delete values.idempotency_key;
        delete values.confirm;
        const money = (m: number) => displayMoney(m, f.currency, f.lang);
        return {
          values,
          errors: state.errors ?? {},
          action: FORM_ACTIONS.deposit,
          balance: pageBalance(c, f),
          currency: f.currency,
          methods: src.methods.map((m) => paymentMethodView(m, m.code === wanted, f)),
          gateways: src.gateways.map((m, i) => paymentMethodView(m, i === 0, f)),
          gatewayAction: FORM_ACTIONS.gatewayDeposit,
          deposits: src.deposits.map((d) => depositRow(d, f)),
          preview: state.preview && {
            method: state.preview.method,
            amount: money(state.preview.amount),
            fee: money(state.preview.fee),
            credited: money(state.preview.credited),
          },
          idempotencyKey: key || randomUUID(),
        };
      },
      { status },
    );
  app.get("/funds", (c) => fundsPage(c, {}));

  app.get("/tickets", (c) =>
    page<TicketsData>(c, "tickets", async (req, f) => {
      const result = await sf.data.tickets(ctxOf(c), { page: pageNumber(c) });
      return { tickets: result.items.map((tk) => ticketRow(tk, f)), pagination: pagination(result, req.visit.path, req.visit.query) };
    }),
  );

  const ticketForm = (c: Context<AppEnv>, state: Partial<FormState> & { aboutOrder?: string }, status = 200) =>
    page<TicketNewData>(
      c,
      "ticket-new",
      async (_req, f) => {
        // Opened from an order's page: that order, a subject naming it, the "order" category.
        const about = state.aboutOrder;
        const values = about ? { order: about, subject: f.t("tickets.order_subject", { ref: about }), category: "order" } : (state.values ?? {});
        const chosen = values.category ?? "general";
        return {
          values,
          errors: state.errors ?? {},
          action: FORM_ACTIONS.newTicket,
          categories: TICKET_CATEGORIES.map((v) => ({ value: v, label: f.t(`ticket.category.${v}`), selected: v === chosen })),
        };
      },
      { status },
    );
  app.get("/tickets/new", (c) => ticketForm(c, { aboutOrder: orderRefParam(c.req.query("order")) }));

  const ticketPage = async (c: Context<AppEnv>, uuid: string, state: Partial<FormState>, status = 200) => {
    const ticket = await sf.data.ticket(ctxOf(c), uuid);
    if (!ticket) throw new NotFound("Ticket not found");
    return page<TicketData>(
      c,
      "ticket",
      async (_req, f) => ({
        values: state.values ?? {},
        errors: state.errors ?? {},
        ticket: ticketRow(ticket, f),
        replyAction: FORM_ACTIONS.ticketReply(ticket.uuid),
        closed: ticket.status === "closed",
        closeAction: actions.closeTicket ? FORM_ACTIONS.ticketClose(ticket.uuid) : undefined,
        messages: ticket.messages.map((m) => ({
          fromStaff: m.fromStaff,
          author: m.author,
          message: m.message,
          createdAt: f.t("ticket.message_time", { time: displayDate(m.createdAt, f.lang) }),
        })),
      }),
      { status, title: ticket.subject, heading: () => ticket.subject },
    );
  };
  app.get(`/tickets/:uuid{${UUID_SEGMENT}}`, (c) => ticketPage(c, c.req.param("uuid"), {}));

  // A new key is shown once, on the page after the post's redirect: kept server-side with the session, never in the URL.
  const apiPage = (c: Context<AppEnv>, confirmReplace: boolean) =>
    page(c, "api-access", async (req, f) => {
      const ctx = ctxOf(c);
      const src = await sf.data.apiAccess(ctx);
      const session = c.get("session");
      const newKey = session && !confirmReplace ? await takeFlash(ctx, session.id, API_KEY_FLASH) : null;
      return {
        ...apiAccessData(`${req.look.baseUrl}/api/v2`, { ...src, newKey: newKey ?? src.newKey }, f),
        confirmReplace: confirmReplace && src.key !== null,
      };
    });
  app.get("/api-access", (c) => apiPage(c, false));
  app.get("/api-access/replace", (c) => apiPage(c, true));

  // Form posts: CSRF first, then the owning feature's action (503 until one is wired in).
  const post = async (
    c: Context<AppEnv>,
    run: (ctx: Ctx, form: Record<string, string>) => Promise<Response>,
    again: (form: Record<string, string>, errors: FormState["errors"]) => Promise<Response>,
  ) => {
    const form = await formFields(c);
    try {
      return await run(ctxOf(c), form);
    } catch (err) {
      return again(form, actionErrors(err, await pageRequest(c, sf)));
    }
  };
  const keyOf = (c: Context<AppEnv>, form: Record<string, string>) => c.req.header("idempotency-key") ?? form.idempotency_key;
  const missing = () => {
    throw new Unavailable("This action is not available yet");
  };

  // Placing an order takes two steps: the price and the balance after are shown, then confirmed.
  app.post("/orders", requireCsrf, (c) =>
    actions.placeOrder
      ? post(
          c,
          async (ctx, form) => {
            const { lang } = (await pageRequest(c, sf)).visit;
            if (form.confirm === "edit") return orderForm(c, { values: form });
            if (form.confirm !== "yes" && actions.previewOrder) {
              const values = { ...form, idempotency_key: keyOf(c, form) || randomUUID() };
              return orderForm(c, { values, preview: await actions.previewOrder(ctx, form, { lang }) });
            }
            return c.redirect(`/orders/${(await actions.placeOrder!(ctx, form, { idempotencyKey: keyOf(c, form), lang })).uuid}`, 303);
          },
          (values, errors) => orderForm(c, { values, errors }, 422),
        )
      : missing(),
  );
  // Declaring a deposit takes two steps: the fee and the amount to be credited are shown, then confirmed.
  app.post("/funds", requireCsrf, (c) =>
    actions.deposit
      ? post(
          c,
          async (ctx, form) => {
            if (form.confirm === "edit") return fundsPage(c, { values: form });
            if (form.confirm !== "yes" && actions.previewDeposit) return fundsPage(c, { values: form, preview: await actions.previewDeposit(ctx, form) });
            await actions.deposit!(ctx, form, { idempotencyKey: keyOf(c, form) });
            return c.redirect("/funds?flash=deposit_created", 303);
          },
          (values, errors) => fundsPage(c, { values, errors }, 422),
        )
      : missing(),
  );
  app.post("/tickets", requireCsrf, (c) =>
    actions.openTicket
      ? post(
          c,
          async (ctx, form) => c.redirect(`/tickets/${(await actions.openTicket!(ctx, form)).uuid}`, 303),
          (values, errors) => ticketForm(c, { values, errors }, 422),
        )
      : missing(),
  );
  app.post(`/tickets/:uuid{${UUID_SEGMENT}}/reply`, requireCsrf, (c) => {
    const uuid = c.req.param("uuid");
    return actions.replyTicket
      ? post(
          c,
          async (ctx, form) => {
            await actions.replyTicket!(ctx, uuid, form);
            return c.redirect(`/tickets/${uuid}`, 303);
          },
          (values, errors) => ticketPage(c, uuid, { values, errors }, 422),
        )
      : missing();
  });
  app.post("/api-access", requireCsrf, async (c) => {
    if (!actions.createApiKey) return missing();
    const ctx = ctxOf(c);
    const form = await formFields(c);
    // Replacing a key that programs may use asks first (GET /api-access/replace).
    if ((await sf.data.apiAccess(ctx)).key && form.confirm !== "yes") return c.redirect("/api-access/replace", 303);
    let key: string;
    try {
      ({ key } = await actions.createApiKey(ctx));
    } catch (err) {
      // The site's plan gives its customers no API: the page says so.
      if (err instanceof AppError && err.code === "api_not_in_plan") return c.redirect("/api-access", 303);
      throw err;
    }
    const session = c.get("session");
    if (!session) return apiPage(c, false);
    await putFlash(ctx, session.id, API_KEY_FLASH, key);
    return c.redirect("/api-access", 303);
  });

  // One-button actions: redirect back with a flash; a refusal (409/422/503) is a flash too, a stranger's resource a 404.
  const button = async (c: Context<AppEnv>, back: string, run: (() => Promise<string>) | undefined) => {
    if (!run) return missing();
    try {
      return c.redirect(`${back}?flash=${await run()}`, 303);
    } catch (err) {
      if (err instanceof AppError && [409, 422, 503].includes(err.status)) return c.redirect(`${back}?flash=order_action_refused`, 303);
      throw err;
    }
  };
  app.post(`/orders/:uuid{${UUID_SEGMENT}}/cancel`, requireCsrf, async (c) => {
    const uuid = c.req.param("uuid");
    // Only the confirmation step's form cancels; anything else is taken there first.
    if ((await formFields(c)).confirm !== "yes") {
      if (!(await sf.data.order(ctxOf(c), uuid))) throw new NotFound("Order not found");
      return c.redirect(`/orders/${uuid}/cancel`, 303);
    }
    const cancel = actions.cancelOrder;
    return button(
      c,
      `/orders/${uuid}`,
      cancel && (async () => ((await cancel(ctxOf(c), uuid)).awaitingProvider ? "order_cancel_requested" : "order_canceled")),
    );
  });
  app.post(`/orders/:uuid{${UUID_SEGMENT}}/refill`, requireCsrf, (c) => {
    const uuid = c.req.param("uuid");
    const refill = actions.refillOrder;
    return button(
      c,
      `/orders/${uuid}`,
      refill &&
        (async () => {
          await refill(ctxOf(c), uuid);
          return "order_refill_requested";
        }),
    );
  });
  app.post(`/tickets/:uuid{${UUID_SEGMENT}}/close`, requireCsrf, (c) => {
    const uuid = c.req.param("uuid");
    const close = actions.closeTicket;
    return button(
      c,
      `/tickets/${uuid}`,
      close &&
        (async () => {
          await close(ctxOf(c), uuid);
          return "ticket_closed";
        }),
    );
  });
  app.post("/api-access/revoke", requireCsrf, (c) => {
    const revoke = actions.revokeApiKey;
    return button(
      c,
      "/api-access",
      revoke &&
        (async () => {
          await revoke(ctxOf(c));
          return "api_key_revoked";
        }),
    );
  });

  return app;
}

/**
 * Which fields of the order form show: every one until a service is chosen (a page without script
 * then still offers them all; the server reads only the chosen type's), else the chosen type's.
 * The form's script does the same when the choice changes.
 */
export function orderFieldStates(selected: { type: string; dripfeed: boolean } | null): OrderNewData["fields"] {
  const shown = selected ? orderFormFields(selected.type, selected.dripfeed) : null;
  const states = {} as OrderNewData["fields"];
  for (const field of ORDER_FORM_FIELDS) {
    const visible = shown === null || shown.includes(field);
    states[field] = {
      types: typesShowing(field).join("|"),
      hidden: !visible,
      optional: OPTIONAL_ORDER_FIELDS.has(field),
      required: shown !== null && visible && !OPTIONAL_ORDER_FIELDS.has(field),
      dripfeedOnly: field === "runs" || field === "interval",
    };
  }
  return states;
}

const API_KEY_FLASH = "api_key";

/** `?order=` of a link to the ticket form: an order number (`1234`, `#1234`) shown as `#1234`, or a uuid; anything else is ignored. */
function orderRefParam(raw: string | undefined): string | undefined {
  const s = (raw ?? "").trim();
  const n = /^#?(\d{1,15})$/.exec(s);
  if (n) return `#${n[1]}`;
  return UUID.test(s) ? s.toLowerCase() : undefined;
}

function pageBalance(c: Context<AppEnv>, f: Fmt): string {
  const user = c.get("user");
  return user ? displayMoney(user.balance, f.currency, f.lang) : "";
}
