import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { AppError, InsufficientBalance, Validation, fieldError, type FieldErrors } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { closeAsCustomer, openTicket, replyAsCustomer } from "../tickets/service.ts";
import { openTicketBody, replyBody } from "../tickets/schema.ts";
import { createDeposit, quoteDeposit } from "../wallet/deposits.ts";
import { depositBody } from "../wallet/schema.ts";
import type { AccountActions } from "../storefront/account-pages.ts";
import { cancelTenantOrder, refillTenantOrder } from "../order-chain/actions.ts";
import { regenerateStorefrontKey, revokeStorefrontKey } from "./api-access.ts";
import { placeTenantOrder } from "../order-chain/chain.ts";
import { quoteOrder } from "../orders/place.ts";
import { orderFieldMessage } from "../orders/fields.ts";
import type { Lang } from "../i18n/lang.ts";
import { inTenant } from "../tenancy/scoped.ts";

/**
 * What the account pages' forms do, for every tenant, through the owning features' verbs. Form
 * field names differ from the API's (`service`, `method`, `order`): errors are renamed back to the
 * form's fields so that the re-rendered form marks the right input.
 */

/** Runs `fn`, renaming the fields of a validation error (API name → form name). */
async function asForm<T>(names: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "validation_failed" || !err.details || typeof err.details !== "object") throw err;
    const renamed: FieldErrors = {};
    for (const [field, messages] of Object.entries(err.details as FieldErrors)) {
      const name = names[field] ?? field;
      renamed[name] = [...(renamed[name] ?? []), ...messages];
    }
    throw new Validation(renamed, err.message, err instanceof Validation ? err.lang : undefined);
  }
}

async function placeOrderFromForm(ctx: Ctx, form: Record<string, string>, meta: { idempotencyKey?: string; lang: Lang }) {
  const { service, idempotency_key: _key, confirm: _confirm, ...fields } = form;
  void _key;
  void _confirm;
  if (!service?.trim()) throw new Validation({ service: [orderFieldMessage(meta.lang, "service", "required")] }, undefined, meta.lang);
  return asForm({ service_id: "service" }, async () => {
    const { order } = await placeTenantOrder(
      ctx,
      { ...fields, service_id: service },
      { source: "storefront", idempotencyKey: meta.idempotencyKey || undefined, lang: meta.lang },
    );
    return { uuid: order.uuid };
  });
}

/** What the order comes to at this tenant's price, checked like `placeOrder` but placed nowhere: the confirmation step. */
async function previewOrderFromForm(ctx: Ctx, form: Record<string, string>, meta: { lang: Lang }) {
  const { service, idempotency_key: _key, confirm: _confirm, ...fields } = form;
  void _key;
  void _confirm;
  if (!service?.trim()) throw new Validation({ service: [orderFieldMessage(meta.lang, "service", "required")] }, undefined, meta.lang);
  return asForm({ service_id: "service" }, async () => {
    const quote = await quoteOrder(ctx, { ...fields, service_id: service }, meta.lang);
    const balance = Number(requireUser(ctx).balance);
    if (quote.charge > balance) throw new InsufficientBalance();
    return {
      serviceId: quote.service.id,
      service: quote.service.name,
      quantity: quote.fields.quantity,
      charge: quote.charge,
      balance,
      currency: quote.currency,
    };
  });
}

/** The deposit the form describes, in the API's terms: the method by its code among this tenant's active ones. */
async function depositInput(ctx: Ctx, fields: Record<string, string>) {
  const method = fields.method
    ? await inTenant(ctx)
        .selectFrom("payment_methods")
        .select("id")
        .where("code", "=", fields.method.slice(0, 50))
        .where("is_active", "=", 1)
        .executeTakeFirst()
    : undefined;
  if (!method) throw fieldError("payment_method_id", "Choose one of the payment methods");
  return parseInput(depositBody, { payment_method_id: method.id, amount: fields.amount, reference: fields.reference, phone: fields.phone });
}

/** What the declaration comes to (fee, credited amount), shown for confirmation before anything is recorded. */
async function previewDepositFromForm(ctx: Ctx, form: Record<string, string>) {
  const { idempotency_key: _key, confirm: _confirm, ...fields } = form;
  void _key;
  void _confirm;
  return asForm({ payment_method_id: "method" }, async () => {
    const quote = await quoteDeposit(ctx, await depositInput(ctx, fields));
    return { method: quote.method.name, amount: quote.amount, fee: quote.fee, credited: quote.credited };
  });
}

async function depositFromForm(ctx: Ctx, form: Record<string, string>, meta: { idempotencyKey?: string }) {
  const { idempotency_key: _key, confirm: _confirm, ...fields } = form;
  void _key;
  void _confirm;
  const keyed = { scope: `u:${requireUser(ctx).id}`, key: meta.idempotencyKey || undefined, operation: "storefront-deposit", body: fields };
  return asForm({ payment_method_id: "method" }, async () => {
    const done = await runOnceForValue(ctx, keyed, async () => (await createDeposit(ctx, await depositInput(ctx, fields))).uuid);
    return { uuid: done.value };
  });
}

async function openTicketFromForm(ctx: Ctx, form: Record<string, string>) {
  return asForm({ order_uuid: "order" }, async () => {
    // The order as the customer typed it: its number (`#1234`, `1234`) or, from older links, its uuid.
    const input = parseInput(openTicketBody, {
      subject: form.subject,
      message: form.message,
      category: form.category || undefined,
      order: form.order ?? "",
    });
    return { uuid: (await openTicket(ctx, input)).uuid };
  });
}

export const storefrontAccountActions: AccountActions = {
  placeOrder: placeOrderFromForm,
  previewOrder: previewOrderFromForm,
  deposit: depositFromForm,
  previewDeposit: previewDepositFromForm,
  openTicket: openTicketFromForm,
  async replyTicket(ctx, uuid, form) {
    await replyAsCustomer(ctx, uuid, parseInput(replyBody, { message: form.message }).message);
  },
  async closeTicket(ctx, uuid) {
    await closeAsCustomer(ctx, uuid);
  },
  async createApiKey(ctx) {
    return { key: await regenerateStorefrontKey(ctx) };
  },
  async revokeApiKey(ctx) {
    await revokeStorefrontKey(ctx);
  },
  async cancelOrder(ctx, uuid) {
    return { awaitingProvider: (await cancelTenantOrder(ctx, uuid)).awaitingProvider };
  },
  async refillOrder(ctx, uuid) {
    await refillTenantOrder(ctx, uuid);
  },
};
