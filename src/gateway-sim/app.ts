import { Hono } from "hono";
import { fedapaySimRoutes } from "./fedapay-routes.ts";
import type { SimGatewayState, SimPayment } from "./state.ts";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Fields of a JSON or form body, every value as text. */
async function fieldsOf(req: Request): Promise<Record<string, string>> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body: unknown = await req.json();
      if (!body || typeof body !== "object" || Array.isArray(body)) return {};
      return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]));
    }
    return Object.fromEntries(new URLSearchParams(await req.text()));
  } catch {
    return {};
  }
}

const WORDS = {
  fr: { title: "Paiement simulé", amount: "Montant", pay: "Payer", refuse: "Annuler le paiement", note: "Passerelle de test : aucun argent réel." },
  en: { title: "Simulated payment", amount: "Amount", pay: "Pay", refuse: "Cancel the payment", note: "Test gateway: no real money." },
};

function checkoutPage(p: SimPayment): string {
  const w = p.lang === "en" ? WORDS.en : WORDS.fr;
  const done = p.status !== "WAITING_FOR_CUSTOMER";
  return `<!doctype html><html lang="${p.lang === "en" ? "en" : "fr"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${w.title}</title><style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1c2430}
main{max-width:420px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.3rem;margin:0 0 12px}.amount{font-size:1.8rem;font-weight:700;margin:8px 0 4px}
p{margin:6px 0;overflow-wrap:anywhere}.muted{color:#5b6675;font-size:.9rem}
button{display:block;width:100%;padding:14px;margin-top:12px;border-radius:8px;border:0;font-size:1rem;cursor:pointer}
.pay{background:#0a7d4f;color:#fff}.refuse{background:#e9ecef;color:#1c2430}
</style></head><body><main><div class="card"><h1>${w.title}</h1>
<p class="muted">${w.amount}</p><p class="amount">${esc(p.amount)} ${esc(p.currency)}</p>
<p>${esc(p.description)}</p>
${
  done
    ? `<p><strong>${esc(p.status)}</strong></p>`
    : `<form method="post" action="/checkout/${p.token}/pay"><button class="pay" type="submit">${w.pay}</button></form>
<form method="post" action="/checkout/${p.token}/refuse"><button class="refuse" type="submit">${w.refuse}</button></form>`
}
<p class="muted">${w.note}</p></div></main></body></html>`;
}

/** CinetPay's answer to a verification call for a payment in this state. */
function checkAnswer(p: SimPayment) {
  const data = {
    amount: p.paidAmount,
    currency: p.paidCurrency,
    payment_method: "OM",
    description: p.description,
    metadata: p.metadata,
    operator_id: null as string | null,
    payment_date: p.paidAt ?? " ",
  };
  switch (p.status) {
    case "ACCEPTED":
      return { code: "00", message: "SUCCES", data: { ...data, status: "ACCEPTED", operator_id: `MP${p.token.slice(0, 10).toUpperCase()}` } };
    case "REFUNDED":
      return { code: "00", message: "SUCCES", data: { ...data, status: "REFUNDED" } };
    case "REFUSED":
      return { code: "627", message: "TRANSACTION_CANCEL", data: { ...data, status: "REFUSED" } };
    default:
      return { code: "662", message: "WAITING_CUSTOMER_PAYMENT", data: { ...data, status: "WAITING_FOR_CUSTOMER" } };
  }
}

/** Where the checkout sends the customer back: FedaPay adds the transaction's id and status to the callback URL. */
function returnUrlOf(p: SimPayment): string {
  if (p.kind !== "fedapay") return p.returnUrl;
  const u = new URL(p.returnUrl);
  u.searchParams.set("id", String(p.providerId));
  u.searchParams.set("status", p.status === "ACCEPTED" ? "approved" : "declined");
  return u.toString();
}

/** The simulated gateway's HTTP face: CinetPay's /v2/payment and /v2/payment/check, FedaPay's /v1/…, and a checkout page. */
export function createSimGatewayApp(state: SimGatewayState, baseUrl: () => string) {
  const app = new Hono();
  app.route("/", fedapaySimRoutes(state, baseUrl));
  const authorised = (f: Record<string, string>) => f.apikey === state.creds.apikey && f.site_id === state.creds.site_id;

  app.post("/v2/payment", async (c) => {
    const f = await fieldsOf(c.req.raw);
    if (!authorised(f)) return c.json({ code: "609", message: "AUTH_NOT_FOUND", data: null });
    const amount = Number(f.amount);
    const missing = ["transaction_id", "amount", "currency", "description", "notify_url", "return_url"].filter((k) => !f[k]);
    if (missing.length || !Number.isInteger(amount) || amount <= 0) return c.json({ code: "608", message: "MINIMUM_REQUIRED_FIELDS", data: null });
    if (["XOF", "XAF"].includes(f.currency!) && amount % 5 !== 0) return c.json({ code: "608", message: "AMOUNT_MUST_BE_MULTIPLE_OF_5", data: null });
    if (state.byTransaction(f.transaction_id!)) return c.json({ code: "608", message: "TRANSACTION_ID_ALREADY_USED", data: null });
    const p = state.create({
      transactionId: f.transaction_id!,
      amount: String(amount),
      currency: f.currency!,
      description: f.description!.slice(0, 100),
      notifyUrl: f.notify_url!,
      returnUrl: f.return_url!,
      lang: f.lang === "en" ? "en" : "fr",
      metadata: (f.metadata ?? "").slice(0, 200),
    });
    return c.json({
      code: "201",
      message: "CREATED",
      description: "Transaction created with success",
      data: { payment_token: p.token, payment_url: `${baseUrl()}/checkout/${p.token}` },
    });
  });

  app.post("/v2/payment/check", async (c) => {
    if (state.takeStatusFailure()) return c.text("Internal Server Error", 500);
    const f = await fieldsOf(c.req.raw);
    if (!authorised(f)) return c.json({ code: "609", message: "AUTH_NOT_FOUND", data: null });
    const p = f.transaction_id ? (state.byTransaction(f.transaction_id) ?? state.byToken(f.transaction_id)) : undefined;
    if (!p) return c.json({ code: "627", message: "TRANSACTION_CANCEL", data: null });
    return c.json(checkAnswer(p));
  });

  app.get("/checkout/:token", (c) => {
    const p = state.byToken(c.req.param("token"));
    if (!p) return c.text("Unknown payment", 404);
    return c.html(checkoutPage(p));
  });

  for (const action of ["pay", "refuse"] as const) {
    app.post(`/checkout/:token/${action}`, async (c) => {
      const p = state.byToken(c.req.param("token"));
      if (!p) return c.text("Unknown payment", 404);
      await (action === "pay" ? state.pay(p) : state.refuse(p));
      return c.redirect(returnUrlOf(p), 303);
    });
  }

  return app;
}
