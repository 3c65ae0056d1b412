import { randomBytes } from "node:crypto";
import { cinetpayToken } from "../payment-gateways/cinetpay.ts";

/**
 * The simulated gateway's memory: its payments and the faults a test or a developer injects. It speaks
 * CinetPay's format (initialisation, checkout, notification with its x-token, verification).
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

export interface SimPayment {
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
}

export interface SentNotification {
  url: string;
  body: string;
  xToken: string;
  /** HTTP status the merchant answered, or null when it could not be reached. */
  answered: number | null;
}

export type Deliver = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string }) => Promise<{ status: number }>;

export interface GatewayCredentials {
  apikey: string;
  site_id: string;
  secret_key: string;
}

export function createSimGatewayState(creds: GatewayCredentials, deliver: Deliver) {
  const payments = new Map<string, SimPayment>();
  const byTransaction = new Map<string, SimPayment>();
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

  async function send(p: SimPayment, message: string): Promise<void> {
    const form = notificationBody(p, message);
    const xToken = cinetpayToken(form, faults.forged ? `forged-${randomBytes(8).toString("hex")}` : creds.secret_key);
    const body = form.toString();
    const record: SentNotification = { url: p.notifyUrl, body, xToken, answered: null };
    sent.push(record);
    try {
      const res = await deliver(p.notifyUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-token": xToken }, body });
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
    create(input: Omit<SimPayment, "token" | "status" | "paidAmount" | "paidCurrency" | "paidAt">): SimPayment {
      const token = randomBytes(24).toString("hex");
      const p: SimPayment = { ...input, token, status: "WAITING_FOR_CUSTOMER", paidAmount: input.amount, paidCurrency: input.currency, paidAt: null };
      payments.set(token, p);
      byTransaction.set(input.transactionId, p);
      return p;
    },
    byToken: (token: string) => payments.get(token),
    byTransaction: (id: string) => byTransaction.get(id),
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
