import type { GatewayKind } from "../db/schema.ts";
import type { Micro } from "../money/money.ts";

/** What a gateway says of a payment when asked (never what a notification claims). */
export interface GatewayStatus {
  /** refunded / charged_back: the money went back to the payer (after crediting, it is taken back or recorded as a shortfall). */
  state: "pending" | "succeeded" | "failed" | "refunded" | "charged_back";
  /** The amount and currency the gateway confirmed (micro-units); null when it gave none. */
  amount: Micro | null;
  currency: string | null;
  /** The gateway's own words (code, message), kept for the admins. */
  detail: string;
}

export interface StartInput {
  /** Our payment's public id, sent as the gateway's transaction id. */
  transactionRef: string;
  amount: Micro;
  currency: string;
  description: string;
  notifyUrl: string;
  returnUrl: string;
  lang: "fr" | "en";
  customer: { id: number; name: string; email: string };
}

interface StartedPayment {
  checkoutUrl: string;
  /** The gateway's own id of the payment (a token, a transaction id), when it has one. */
  providerRef: string | null;
}

/** A notification as it arrived: the raw body (the signature covers its exact bytes or fields) and its headers. */
export interface IncomingNotification {
  rawBody: string;
  headers: Headers;
}

interface VerifiedNotification {
  /** Whether the signature was made with this account's secret. */
  signatureOk: boolean;
  /** The transaction the notification is about, as we sent it (our payment's uuid), if it names one. */
  transactionRef: string | null;
}

/** Thrown when a gateway could not be reached or answered something unusable: nothing may be concluded. */
export class GatewayUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayUnreachable";
  }
}

/** The one interface every gateway adapter gives: start a payment, read its status, verify a notification. */
export interface PaymentGateway {
  readonly kind: GatewayKind;
  /** Refuses (a message) an amount this gateway does not take in that currency, before anything is started. */
  amountProblem(amount: Micro, currency: string): string | null;
  start(input: StartInput): Promise<StartedPayment>;
  status(transactionRef: string, providerRef: string | null): Promise<GatewayStatus>;
  verify(n: IncomingNotification): VerifiedNotification;
  /** Whether the gateway's credentials work (the "test connection" button): true, or the reason. */
  testConnection(): Promise<true | string>;
}
