import { Currency, FedaPay, Requestor, Transaction, WebhookSignature } from "fedapay";
import { z } from "zod";
import { formatMoney, isWholeMinor, minorDecimals, parseMoney, type Micro } from "../money/money.ts";
import { UUID } from "../lib/uuid.ts";
import { GatewayUnreachable, type GatewayStatus, type IncomingNotification, type PaymentGateway, type StartInput } from "./gateway.ts";
import { hmacHex } from "./signature.ts";

/**
 * FedaPay (Benin and neighbours) through its official `fedapay` package: `Transaction.create` then
 * `generateToken` for the checkout, `Transaction.retrieve` (and `Currency.retrieve`) to read a payment back,
 * `WebhookSignature.verifyHeader` for the `X-FEDAPAY-SIGNATURE` of a webhook (docs.fedapay.com: collects,
 * webhooks and events).
 */
export const fedapayCredentials = z.object({
  secret_key: z
    .string()
    .trim()
    .regex(/^sk_(live|sandbox)_\S{4,200}$/, "The secret key starts with sk_live_ or sk_sandbox_ (FedaPay dashboard, API keys)"),
  webhook_secret: z
    .string()
    .trim()
    .regex(/^wh_\S{4,200}$/, "The webhook secret starts with wh_ (FedaPay dashboard, Webhooks)"),
  environment: z.enum(["live", "sandbox"], "The environment is live or sandbox"),
});
type FedapayCredentials = z.infer<typeof fedapayCredentials>;

/** A webhook whose timestamp is further than this from now (either way) is refused, signed or not. */
const SIGNATURE_TOLERANCE_S = 300;
const REQUEST_TIMEOUT_MS = 10_000;

// The package's HTTP client has no timeout of its own: every request it sends gets ours (its client is made at the first request).
Requestor.addRequestInterceptor({
  callback: (config) => {
    config.timeout = REQUEST_TIMEOUT_MS;
    return config;
  },
});

/** `X-FEDAPAY-SIGNATURE` for a body: `t=<unix seconds>,s=<hex HMAC-SHA256 of "<t>.<body>" under the webhook secret>`. */
export function fedapaySignatureHeader(rawBody: string, webhookSecret: string, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  return `t=${unixSeconds},s=${hmacHex(webhookSecret, `${unixSeconds}.${rawBody}`)}`;
}

/** Which payment a webhook names, read before anything is trusted: our uuid (`merchant_reference`) and FedaPay's transaction id. */
export function fedapayNotificationRef(rawBody: string): { uuid: string | null; providerRef: string | null } {
  try {
    const event: unknown = JSON.parse(rawBody);
    const { name, entity } = event && typeof event === "object" ? (event as { name?: unknown; entity?: unknown }) : {};
    if (!entity || typeof entity !== "object") return { uuid: null, providerRef: null };
    const { merchant_reference: ref, id, klass } = entity as { merchant_reference?: unknown; id?: unknown; klass?: unknown };
    // Only transaction events name a payment (a customer's or a payout's id is another numbering).
    const isTransaction = klass === "v1/transaction" || (typeof name === "string" && name.startsWith("transaction."));
    if (!isTransaction) return { uuid: null, providerRef: null };
    return {
      uuid: typeof ref === "string" && UUID.test(ref) ? ref : null,
      providerRef: (typeof id === "number" && Number.isSafeInteger(id)) || (typeof id === "string" && /^\d{1,18}$/.test(id)) ? String(id) : null,
    };
  } catch {
    return { uuid: null, providerRef: null };
  }
}

/** FedaPay's transaction statuses: the ones that end a payment with money, with a refund, or without money. */
const PAID = new Set(["approved", "transferred"]);
const REFUNDED = new Set(["refunded", "approved_partially_refunded", "transferred_partially_refunded"]);
const FAILED = new Set(["declined", "canceled", "cancelled", "expired"]);

const transactionAnswer = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  status: z.string(),
  amount: z.union([z.number(), z.string()]).nullable().optional(),
  currency_id: z.union([z.number(), z.string()]).nullable().optional(),
  merchant_reference: z.string().nullable().optional(),
  last_error_code: z.string().nullable().optional(),
});
const tokenAnswer = z.object({ token: z.string().min(1), url: z.url() });
const currencyAnswer = z.object({ iso: z.string().regex(/^[A-Za-z]{3}$/) });

/** An HTTP status the package attached to a failed request (its ApiConnectionError), if any. */
const httpStatusOf = (err: unknown): number | null => {
  const s = (err as { httpStatus?: unknown }).httpStatus;
  return typeof s === "number" ? s : null;
};

export function fedapayGateway(creds: FedapayCredentials, apiBase?: string): PaymentGateway {
  /**
   * The package keeps the API key, environment and base URL in static fields of `FedaPay`, shared by every
   * account in this process. Its Requestor.request() reads them and builds the URL and the headers
   * synchronously, before its first await; so this sets this account's values and starts the request in
   * one synchronous block (no await between, nothing else can run in it), and the key also goes as an
   * explicit per-call Authorization header, which the package lets override its default. The key is
   * cleared from the globals right after: a platform account's and a reseller's calls never mix.
   */
  const asAccount = <T>(what: string, call: (headers: Record<string, string>) => Promise<T>): Promise<T> => {
    FedaPay.setApiBase(apiBase ? apiBase.replace(/\/+$/, "") : "");
    FedaPay.setEnvironment(creds.environment);
    FedaPay.setApiVersion("v1");
    FedaPay.setAccountId("");
    FedaPay.setApiKey(creds.secret_key);
    let pending: Promise<T>;
    try {
      pending = call({ Authorization: `Bearer ${creds.secret_key}` });
    } finally {
      FedaPay.setApiKey("");
    }
    return pending.catch((err: unknown) => {
      const status = httpStatusOf(err);
      if (status === 401 || status === 403) throw new GatewayUnreachable(`FedaPay refused the credentials (${what}, HTTP ${status})`);
      // The package's messages carry no key (axios's "Request failed with status code 500", a network error).
      throw new GatewayUnreachable(`FedaPay ${what}: ${status ? `HTTP ${status}` : String((err as Error).message ?? err)}`.slice(0, 300));
    });
  };

  const retrieve = async (providerRef: string) => {
    const parsed = transactionAnswer.safeParse(await asAccount("transaction", (h) => Transaction.retrieve(providerRef, {}, h)));
    if (!parsed.success) throw new GatewayUnreachable("FedaPay transaction: unreadable answer");
    return parsed.data;
  };

  const currencyIso = async (currencyId: string | number) => {
    const parsed = currencyAnswer.safeParse(await asAccount("currency", (h) => Currency.retrieve(currencyId, {}, h)));
    if (!parsed.success) throw new GatewayUnreachable("FedaPay currency: unreadable answer");
    return parsed.data.iso.toUpperCase();
  };

  return {
    kind: "fedapay",

    amountProblem(amount: Micro, currency: string) {
      // FedaPay takes whole amounts in francs (XOF): no currency with a minor unit, no fraction of a franc.
      if (minorDecimals(currency) !== 0) return `FedaPay takes franc amounts (XOF), not ${currency}`;
      if (!isWholeMinor(amount, currency)) return `FedaPay takes whole amounts in ${currency}`;
      return null;
    },

    async start(input: StartInput) {
      const name = input.customer.name.slice(0, 60);
      const created = transactionAnswer.safeParse(
        await asAccount("create transaction", (h) =>
          Transaction.create(
            {
              description: input.description.replace(/[^\p{L}\p{N} .,:'-]/gu, " ").slice(0, 100),
              amount: Number(formatMoney(input.amount, 0)),
              currency: { iso: input.currency },
              callback_url: input.returnUrl,
              merchant_reference: input.transactionRef,
              custom_metadata: { user_id: input.customer.id },
              customer: { firstname: name, lastname: name, email: input.customer.email },
            },
            h,
          ),
        ),
      );
      if (!created.success) throw new GatewayUnreachable("FedaPay refused the payment: unreadable answer");
      const transactionId = created.data.id;
      const token = tokenAnswer.safeParse(
        await asAccount("payment link", (h) => {
          // generateToken is an instance method: a bare Transaction with this id is all it needs (its URL).
          const trx = new Transaction(transactionId);
          return trx.generateToken({}, h);
        }),
      );
      if (!token.success) throw new GatewayUnreachable("FedaPay gave no payment link");
      return { checkoutUrl: token.data.url, providerRef: transactionId };
    },

    async status(transactionRef: string, providerRef: string | null): Promise<GatewayStatus> {
      // Without FedaPay's id (its start never answered) there is nothing to read: it stays pending until it expires.
      if (!providerRef) return { state: "pending", amount: null, currency: null, detail: "no FedaPay transaction" };
      const trx = await retrieve(providerRef);
      if (trx.merchant_reference && trx.merchant_reference !== transactionRef) {
        throw new GatewayUnreachable("FedaPay answered about another payment");
      }
      const status = trx.status.toLowerCase();
      const detail = `${status}${trx.last_error_code ? ` ${trx.last_error_code}` : ""}`.slice(0, 120);
      const amount = trx.amount === null || trx.amount === undefined ? null : parseMoney(trx.amount);
      if (PAID.has(status)) {
        if (amount === null || amount <= 0 || trx.currency_id === null || trx.currency_id === undefined) {
          throw new GatewayUnreachable("FedaPay confirmed a payment without its amount or currency");
        }
        return { state: "succeeded", amount, currency: await currencyIso(trx.currency_id), detail };
      }
      if (REFUNDED.has(status)) return { state: "refunded", amount, currency: null, detail };
      if (FAILED.has(status)) return { state: "failed", amount, currency: null, detail };
      return { state: "pending", amount, currency: null, detail };
    },

    verify(n: IncomingNotification) {
      const header = n.headers.get("x-fedapay-signature") ?? "";
      const ref = fedapayNotificationRef(n.rawBody).uuid;
      let signed = false;
      try {
        // The package's check: HMAC-SHA256 of "<t>.<raw body>", compared in constant time, t no older than the tolerance.
        signed = WebhookSignature.verifyHeader(n.rawBody, header, creds.webhook_secret, SIGNATURE_TOLERANCE_S) === true;
      } catch {
        signed = false;
      }
      // The package accepts a timestamp from the future: one past the tolerance is refused here too.
      const t = Number(/(?:^|,)t=(\d{1,12})(?:,|$)/.exec(header)?.[1] ?? Number.NaN);
      const fresh = Number.isFinite(t) && t - Math.floor(Date.now() / 1000) <= SIGNATURE_TOLERANCE_S;
      return { signatureOk: signed && fresh, transactionRef: ref };
    },

    async testConnection() {
      try {
        await asAccount("transactions", (h) => Transaction.all({ per_page: 1 }, h));
        return true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  };
}
