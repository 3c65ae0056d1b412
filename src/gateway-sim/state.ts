import { randomBytes } from "node:crypto";
import { cinetpayToken } from "../payment-gateways/cinetpay.ts";
import { fedapaySignatureHeader } from "../payment-gateways/fedapay.ts";

/**
 * The simulated gateway's memory: its payments and the faults a test or a developer injects. It speaks
 * CinetPay's format (initialisation, checkout, notification with its x-token, verification) and FedaPay's
 * (transactions, payment link, webhook events with their X-FEDAPAY-SIGNATURE, read-back); the same faults
 * apply to both.
 */
export interface GatewayFaults {
  /** Notifications are held until `deliverHeld()` (they arrive late, after the reconciliation or the return page). */
  late: boolean;
  /** Each notification is sent this many times. */
  repeat: number;
  /** The final notification is sent before an earlier "waiting" one. */
  outOfOrder: boolean;
  /** Notifications are signed with a key that is not the merchant's. */
  forged: boolean;
  /** Notifications are never sent. */
  lost: boolean;
  /** The customer pays this amount (decimal text) instead of the one asked. */
  paidAmount: string | null;
  /** The payment is confirmed in this currency instead of the one asked. */
  paidCurrency: string | null;
  /** The next N verification calls answer HTTP 500. */
  statusFailures: number;
}

const NO_FAULTS: GatewayFaults = Object.freeze({
  late: false,
  repeat: 1,
  outOfOrder: false,
  forged: false,
  lost: false,
  paidAmount: null,
  paidCurrency: null,
  statusFailures: 0,
});

type SimPaymentStatus = "WAITING_FOR_CUSTOMER" | "ACCEPTED" | "REFUSED" | "REFUNDED";
type SimKind = "cinetpay" | "fedapay";

/** FedaPay's word for each state, as its API and its webhook events say it. */
const FEDAPAY_STATUS: Record<SimPaymentStatus, string> = {
  WAITING_FOR_CUSTOMER: "pending",
  ACCEPTED: "approved",
  REFUSED: "declined",
  REFUNDED: "refunded",
};

/** FedaPay names currencies by a numeric id in a transaction (GET /v1/currencies/{id} gives the ISO code). */
export const SIM_FEDAPAY_CURRENCIES: Record<string, number> = { XOF: 1, XAF: 2, GNF: 3, EUR: 4, USD: 5 };

export interface SimPayment {
  kind: SimKind;
  /** FedaPay's numeric transaction id and its "trx_…" reference (CinetPay payments have them too, unused). */
  providerId: number;
  reference: string;
  token: string;
  transactionId: string;
  amount: string;
  currency: string;
  description: string;
  notifyUrl: string;
  returnUrl: string;
  lang: string;
  metadata: string;
  status: SimPaymentStatus;
  paidAmount: string;
  paidCurrency: string;
  paidAt: string | null;
  createdAt: string;
}

export interface SentNotification {
  kind: SimKind;
  url: string;
  body: string;
  /** The signature header sent: CinetPay's x-token, or FedaPay's X-FEDAPAY-SIGNATURE. */
  signature: string;
  /** HTTP status the merchant answered, or null when it could not be reached. */
  answered: number | null;
}

export type Deliver = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string }) => Promise<{ status: number }>;

export interface GatewayCredentials {
  apikey: string;
  site_id: string;
  secret_key: string;
}

/** What a FedaPay account holds (the shape `fedapayCredentials` reads). */
export interface FedapaySimCredentials {
  secret_key: string;
  webhook_secret: string;
  environment: "sandbox";
}

export function createSimGatewayState(creds: GatewayCredentials, fedapay: FedapaySimCredentials, deliver: Deliver) {
  const payments = new Map<string, SimPayment>();
  const byTransaction = new Map<string, SimPayment>();
  const byProviderId = new Map<number, SimPayment>();
  let nextProviderId = 104_000;
  let fedapayWebhookUrl: string | null = null;
  let faults: GatewayFaults = { ...NO_FAULTS };
  const held: (() => Promise<void>)[] = [];
  const sent: SentNotification[] = [];

  const stamp = () => new Date().toISOString().slice(0, 19).replace("T", " ");

  function notificationBody(p: SimPayment, message: string): URLSearchParams {
    return new URLSearchParams({
      cpm_site_id: creds.site_id,
      cpm_trans_id: p.transactionId,
      cpm_trans_date: stamp(),
      cpm_amount: p.paidAmount,
      cpm_currency: p.paidCurrency,
      signature: randomBytes(16).toString("hex"),
      payment_method: "OM",
      cel_phone_num: "0700000000",
      cpm_phone_prefixe: "225",
      cpm_language: p.lang,
      cpm_version: "V4",
      cpm_payment_config: "SINGLE",
      cpm_page_action: "PAYMENT",
      cpm_custom: p.metadata,
      cpm_designation: p.description,
      cpm_error_message: message,
    });
  }

  /** A FedaPay transaction as its API shows it (in a webhook event's `entity`, in GET /v1/transactions/{id}). */
  function fedapayEntity(p: SimPayment, status: SimPaymentStatus = p.status) {
    const paid = status !== "WAITING_FOR_CUSTOMER" && status !== "REFUSED";
    return {
      klass: "v1/transaction",
      id: p.providerId,
      reference: p.reference,
      amount: Number(paid ? p.paidAmount : p.amount),
      description: p.description,
      callback_url: p.returnUrl,
      status: FEDAPAY_STATUS[status],
      currency_id: SIM_FEDAPAY_CURRENCIES[paid ? p.paidCurrency : p.currency] ?? 0,
      mode: paid ? "mtn_open" : null,
      merchant_reference: p.transactionId,
      custom_metadata: p.metadata ? { note: p.metadata } : null,
      last_error_code: status === "REFUSED" ? "declined_by_customer" : null,
      approved_at: status === "ACCEPTED" || status === "REFUNDED" ? p.paidAt : null,
      declined_at: status === "REFUSED" ? new Date().toISOString() : null,
      refunded_at: status === "REFUNDED" ? new Date().toISOString() : null,
      created_at: p.createdAt,
      updated_at: new Date().toISOString(),
    };
  }

  /** A CinetPay form with its x-token, or a FedaPay event (JSON) with its X-FEDAPAY-SIGNATURE; forged: signed with a key not the merchant's. */
  function signedNotification(p: SimPayment, message: string): { body: string; signature: string; headers: Record<string, string> } {
    const forgedKey = `forged-${randomBytes(8).toString("hex")}`;
    if (p.kind === "fedapay") {
      // A stale notification (out of order) is the "created" event of a payment still pending.
      const stale = message === "WAITING_CUSTOMER_PAYMENT";
      const status: SimPaymentStatus = stale ? "WAITING_FOR_CUSTOMER" : p.status;
      const body = JSON.stringify({
        name: stale ? "transaction.created" : `transaction.${FEDAPAY_STATUS[p.status]}`,
        object: "transaction",
        object_id: p.providerId,
        entity: fedapayEntity(p, status),
        created_at: new Date().toISOString(),
      });
      const signature = fedapaySignatureHeader(body, faults.forged ? forgedKey : fedapay.webhook_secret);
      return { body, signature, headers: { "content-type": "application/json", "x-fedapay-signature": signature } };
    }
    const form = notificationBody(p, message);
    const signature = cinetpayToken(form, faults.forged ? forgedKey : creds.secret_key);
    return { body: form.toString(), signature, headers: { "content-type": "application/x-www-form-urlencoded", "x-token": signature } };
  }

  async function send(p: SimPayment, message: string): Promise<void> {
    const { body, signature, headers } = signedNotification(p, message);
    const record: SentNotification = { kind: p.kind, url: p.notifyUrl, body, signature, answered: null };
    sent.push(record);
    try {
      const res = await deliver(p.notifyUrl, { method: "POST", headers, body });
      record.answered = res.status;
    } catch {
      record.answered = null;
    }
  }

  /** Sends what a status change announces, as the faults say: lost, late (held), repeated, out of order. */
  async function announce(p: SimPayment, final: string): Promise<void> {
    if (faults.lost) return;
    const messages = faults.outOfOrder ? [final, "WAITING_CUSTOMER_PAYMENT"] : [final];
    const run = async () => {
      for (const m of messages) for (let i = 0; i < Math.max(1, faults.repeat); i++) await send(p, m);
    };
    if (faults.late) held.push(run);
    else await run();
  }

  return {
    creds,
    fedapayCreds: fedapay,
    /**
     * Where FedaPay events go: a FedaPay merchant sets one webhook URL in its dashboard; by default the
     * simulator sends them to `/payments/fedapay/notify` on the host of the payment's callback URL.
     */
    fedapayWebhookFor(callbackUrl: string): string {
      return fedapayWebhookUrl ?? `${new URL(callbackUrl).origin}/payments/fedapay/notify`;
    },
    setFedapayWebhookUrl(url: string | null) {
      fedapayWebhookUrl = url;
    },
    get faults(): GatewayFaults {
      return { ...faults };
    },
    setFaults(f: Partial<GatewayFaults>) {
      faults = { ...faults, ...f };
    },
    resetFaults() {
      faults = { ...NO_FAULTS };
    },
    /** Every notification sent so far (tests read it). */
    sent,
    create(
      input: Omit<SimPayment, "kind" | "providerId" | "reference" | "token" | "status" | "paidAmount" | "paidCurrency" | "paidAt" | "createdAt"> & {
        kind?: SimKind;
      },
    ): SimPayment {
      const token = randomBytes(24).toString("hex");
      const providerId = nextProviderId++;
      const p: SimPayment = {
        ...input,
        kind: input.kind ?? "cinetpay",
        providerId,
        reference: `trx_${randomBytes(4).toString("hex")}_${providerId}`,
        token,
        status: "WAITING_FOR_CUSTOMER",
        paidAmount: input.amount,
        paidCurrency: input.currency,
        paidAt: null,
        createdAt: new Date().toISOString(),
      };
      payments.set(token, p);
      byTransaction.set(input.transactionId, p);
      byProviderId.set(providerId, p);
      return p;
    },
    byToken: (token: string) => payments.get(token),
    byTransaction: (id: string) => byTransaction.get(id),
    byProviderId: (id: number) => byProviderId.get(id),
    fedapayEntity,
    /** The customer pays on the checkout (the amount or currency as the faults say), then the gateway notifies. */
    async pay(p: SimPayment): Promise<void> {
      if (p.status !== "WAITING_FOR_CUSTOMER") return;
      p.status = "ACCEPTED";
      p.paidAmount = faults.paidAmount ?? p.amount;
      p.paidCurrency = faults.paidCurrency ?? p.currency;
      p.paidAt = stamp();
      await announce(p, "SUCCES");
    },
    async refuse(p: SimPayment): Promise<void> {
      if (p.status !== "WAITING_FOR_CUSTOMER") return;
      p.status = "REFUSED";
      await announce(p, "PAYMENT_FAILED");
    },
    /** A refund or chargeback after the payment was accepted. */
    async refund(p: SimPayment): Promise<void> {
      if (p.status !== "ACCEPTED") return;
      p.status = "REFUNDED";
      await announce(p, "REFUNDED");
    },
    /** Sends the notifications held by the `late` fault, in the order they were held. */
    async deliverHeld(): Promise<number> {
      const runs = held.splice(0);
      for (const run of runs) await run();
      return runs.length;
    },
    /** Whether the next verification call should fail (and counts it down). */
    takeStatusFailure(): boolean {
      if (faults.statusFailures <= 0) return false;
      faults.statusFailures--;
      return true;
    },
  };
}

export type SimGatewayState = ReturnType<typeof createSimGatewayState>;
