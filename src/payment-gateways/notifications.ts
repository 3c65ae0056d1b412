import type { Ctx } from "../context.ts";
import type { GatewayKind } from "../db/schema.ts";
import { Forbidden, NotFound } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { gatewayFor } from "./accounts.ts";
import { cinetpayNotificationRef } from "./cinetpay.ts";
import { fedapayNotificationRef } from "./fedapay.ts";
import type { IncomingNotification } from "./gateway.ts";
import { settleGatewayPayment, type SettleOutcome } from "./settle.ts";

export const GATEWAY_KINDS: readonly GatewayKind[] = ["cinetpay", "fedapay"];

/** The headers kept with a notification (what the admins need to read it; never a cookie or an authorization). */
const KEPT_HEADERS = ["content-type", "user-agent", "x-token", "x-fedapay-signature"];
/** Body fields that would be secrets if a gateway ever echoed them. */
const SECRET_FIELDS = /^(apikey|api_key|secret|secret_key|password|token)$/i;

/**
 * Which of our payments a notification names, read without trusting it (the signature is checked next, with
 * that payment's account): our uuid, or else the gateway's own id of it (FedaPay's transaction id).
 */
function notificationRef(kind: GatewayKind, n: IncomingNotification): { uuid: string | null; providerRef: string | null } {
  if (kind === "cinetpay") {
    const uuid = cinetpayNotificationRef(n.rawBody);
    return { uuid: uuid && UUID.test(uuid) ? uuid : null, providerRef: null };
  }
  return fedapayNotificationRef(n.rawBody);
}

/** Any secret-named field at any depth of a JSON value, replaced. */
function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? "[redacted]" : redactJson(v)]));
}

/** The body as kept for the admins: a form (CinetPay) or a JSON document (FedaPay), secret-named fields redacted. */
function redactedBody(raw: string): string {
  if (/^\s*[{[]/.test(raw)) {
    try {
      return JSON.stringify(redactJson(JSON.parse(raw))).slice(0, 8000);
    } catch {
      return "[unreadable JSON]";
    }
  }
  const form = new URLSearchParams(raw);
  for (const key of [...form.keys()]) if (SECRET_FIELDS.test(key)) form.set(key, "[redacted]");
  return form.toString().slice(0, 8000);
}

/**
 * A gateway's notification on a tenant's host. It only says "look at this payment": the signature is
 * checked with the account's secret, the notification is recorded, and the status is read back from the
 * gateway (settleGatewayPayment) before anything is credited. Unknown payment → 404; bad signature →
 * recorded and 403, nothing done.
 */
export async function receiveGatewayNotification(ctx: Ctx, kind: GatewayKind, n: IncomingNotification): Promise<SettleOutcome> {
  const named = notificationRef(kind, n);
  if (!named.uuid && !named.providerRef) throw new NotFound("Unknown payment");
  let query = inTenant(ctx)
    .selectFrom("gateway_payments")
    .innerJoin("gateway_accounts", "gateway_accounts.id", "gateway_payments.gateway_account_id")
    .select(["gateway_payments.id", "gateway_payments.uuid", "gateway_accounts.id as account_id"])
    .where("gateway_accounts.kind", "=", kind);
  query = named.uuid ? query.where("gateway_payments.uuid", "=", named.uuid) : query.where("gateway_payments.provider_ref", "=", named.providerRef);
  const payment = await query.executeTakeFirst();
  if (!payment) throw new NotFound("Unknown payment");
  const account = await inTenant(ctx).selectFrom("gateway_accounts").selectAll().where("id", "=", payment.account_id).executeTakeFirstOrThrow();
  const verified = gatewayFor(ctx, account).verify(n);

  const headers = Object.fromEntries(KEPT_HEADERS.map((h) => [h, n.headers.get(h)?.slice(0, 300) ?? null]).filter(([, v]) => v !== null));
  const res = await inTenant(ctx)
    .insertInto("gateway_notifications", {
      gateway_payment_id: payment.id,
      kind,
      transaction_ref: named.uuid ?? named.providerRef,
      headers: JSON.stringify(headers),
      body: redactedBody(n.rawBody),
      signature_ok: verified.signatureOk ? 1 : 0,
      outcome: verified.signatureOk ? "received" : "forged",
      received_at: dbNow(ctx.clock),
    })
    .executeTakeFirstOrThrow();
  if (!verified.signatureOk) {
    ctx.logger.warn("gateway notification with a bad signature", { payment: payment.uuid, gateway: account.code });
    throw new Forbidden("The notification's signature does not match", "invalid_signature");
  }
  const outcome = await settleGatewayPayment(ctx, payment.id);
  await inTenant(ctx).updateTable("gateway_notifications").set({ outcome }).where("id", "=", Number(res.insertId)).execute();
  return outcome;
}
