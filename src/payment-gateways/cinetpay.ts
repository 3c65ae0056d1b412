import { ofetch } from "ofetch";
import { z } from "zod";
import { formatMoney, isWholeMinor, minorDecimals, parseLooseAmount, type Micro } from "../money/money.ts";
import { GatewayUnreachable, type GatewayStatus, type IncomingNotification, type PaymentGateway, type StartInput } from "./gateway.ts";
import { hmacHex, sameSignature } from "./signature.ts";

/** CinetPay's checkout API (docs.cinetpay.com: initialisation, notification, transaction verification, X-TOKEN HMAC). */
const CINETPAY_API = "https://api-checkout.cinetpay.com";

export const cinetpayCredentials = z.object({
  apikey: z.string().trim().min(1, "The API key is required").max(200),
  site_id: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z_-]{1,40}$/, "The site id is the number CinetPay shows in Integrations"),
  secret_key: z.string().trim().min(1, "The secret key is required").max(200),
});
type CinetpayCredentials = z.infer<typeof cinetpayCredentials>;

/** The form fields of a notification, in the order their values are concatenated for the x-token HMAC. */
const CINETPAY_NOTIFICATION_FIELDS = [
  "cpm_site_id",
  "cpm_trans_id",
  "cpm_trans_date",
  "cpm_amount",
  "cpm_currency",
  "signature",
  "payment_method",
  "cel_phone_num",
  "cpm_phone_prefixe",
  "cpm_language",
  "cpm_version",
  "cpm_payment_config",
  "cpm_page_action",
  "cpm_custom",
  "cpm_designation",
  "cpm_error_message",
] as const;

/** The x-token CinetPay puts on a notification: HMAC-SHA256 of the fields' values, concatenated in order. */
export function cinetpayToken(form: URLSearchParams, secretKey: string): string {
  return hmacHex(secretKey, CINETPAY_NOTIFICATION_FIELDS.map((f) => form.get(f) ?? "").join(""));
}

/** Which transaction a notification names, read before anything is trusted (to find the account whose secret checks it). */
export function cinetpayNotificationRef(rawBody: string): string | null {
  return new URLSearchParams(rawBody).get("cpm_trans_id");
}

/** Codes of the verification call that mean the credentials were refused. */
const AUTH_REFUSED = new Set(["608", "609", "613"]);
/** Codes and statuses that end a payment without money. */
const FAILED_CODES = new Set(["600", "602", "603", "604", "627"]);

const checkAnswer = z.object({
  code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional().default(""),
  data: z
    .object({
      amount: z.union([z.string(), z.number()]).optional().nullable(),
      currency: z.string().optional().nullable(),
      status: z.string().optional().nullable(),
    })
    .nullable()
    .optional(),
});

const initAnswer = z.object({
  code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional().default(""),
  data: z
    .object({ payment_token: z.string().min(1).max(191), payment_url: z.url() })
    .nullable()
    .optional(),
});

export function cinetpayGateway(creds: CinetpayCredentials, apiBase: string = CINETPAY_API): PaymentGateway {
  const base = apiBase.replace(/\/+$/, "");
  const call = async (path: string, body: Record<string, unknown>): Promise<unknown> => {
    try {
      return await ofetch<unknown>(`${base}${path}`, { method: "POST", body, retry: 0, timeout: 10_000, responseType: "json" });
    } catch (err) {
      // CinetPay answers some refusals with a 4xx and a JSON body: those are answers, not outages.
      const data = (err as { data?: unknown }).data;
      if (data && typeof data === "object" && "code" in data) return data;
      throw new GatewayUnreachable(`CinetPay ${path}: ${(err as Error).message}`.slice(0, 300));
    }
  };

  const check = async (transactionRef: string) => {
    const parsed = checkAnswer.safeParse(await call("/v2/payment/check", { apikey: creds.apikey, site_id: creds.site_id, transaction_id: transactionRef }));
    if (!parsed.success) throw new GatewayUnreachable("CinetPay /v2/payment/check: unreadable answer");
    return parsed.data;
  };

  return {
    kind: "cinetpay",

    amountProblem(amount: Micro, currency: string) {
      if (!isWholeMinor(amount, currency)) return `CinetPay takes whole amounts in ${currency}`;
      // CinetPay refuses franc amounts that are not a multiple of 5.
      if (minorDecimals(currency) === 0 && (amount / 1_000_000) % 5 !== 0) return "CinetPay takes amounts in multiples of 5";
      return null;
    },

    async start(input: StartInput) {
      const answer = initAnswer.safeParse(
        await call("/v2/payment", {
          apikey: creds.apikey,
          site_id: creds.site_id,
          transaction_id: input.transactionRef,
          amount: Number(formatMoney(input.amount, 0)),
          currency: input.currency,
          description: input.description.replace(/[^\p{L}\p{N} .,:'-]/gu, " ").slice(0, 100),
          notify_url: input.notifyUrl,
          return_url: input.returnUrl,
          channels: "ALL",
          lang: input.lang,
          metadata: `user:${input.customer.id}`,
          customer_id: String(input.customer.id),
          customer_name: input.customer.name.slice(0, 60),
          customer_email: input.customer.email,
        }),
      );
      if (!answer.success || answer.data.code !== "201" || !answer.data.data) {
        throw new GatewayUnreachable(`CinetPay refused the payment: ${answer.success ? `${answer.data.code} ${answer.data.message}` : "unreadable answer"}`);
      }
      return { checkoutUrl: answer.data.data.payment_url, providerRef: answer.data.data.payment_token };
    },

    async status(transactionRef: string): Promise<GatewayStatus> {
      const a = await check(transactionRef);
      const detail = `${a.code} ${a.message}`.trim().slice(0, 120);
      if (AUTH_REFUSED.has(a.code)) throw new GatewayUnreachable(`CinetPay refused the credentials: ${detail}`);
      const status = (a.data?.status ?? "").toUpperCase();
      const amount = a.data?.amount === undefined || a.data?.amount === null ? null : parseLooseAmount(a.data.amount);
      const currency = a.data?.currency ? a.data.currency.trim().toUpperCase() : null;
      if (status === "ACCEPTED" && a.code === "00") {
        if (amount === null || amount <= 0 || !currency) throw new GatewayUnreachable("CinetPay confirmed a payment without its amount or currency");
        return { state: "succeeded", amount, currency, detail };
      }
      if (status === "REFUNDED") return { state: "refunded", amount, currency, detail };
      if (status === "REFUSED" || FAILED_CODES.has(a.code)) return { state: "failed", amount, currency, detail };
      return { state: "pending", amount, currency, detail };
    },

    verify(n: IncomingNotification) {
      const form = new URLSearchParams(n.rawBody);
      const expected = cinetpayToken(form, creds.secret_key);
      const siteOk = form.get("cpm_site_id") === creds.site_id;
      return { signatureOk: siteOk && sameSignature(n.headers.get("x-token"), expected), transactionRef: form.get("cpm_trans_id") };
    },

    async testConnection() {
      try {
        const a = await check(`izy-test-${Date.now()}`);
        return AUTH_REFUSED.has(a.code) ? `CinetPay refused the credentials (${a.code} ${a.message})` : true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  };
}
