import { Hono } from "hono";
import type { SimGatewayState } from "./state.ts";
import { SIM_FEDAPAY_CURRENCIES } from "./state.ts";

/** A JSON body as an object (anything else reads as empty). */
async function jsonOf(req: Request): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await req.json();
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * FedaPay's REST API as the `fedapay` package calls it (`Authorization: Bearer sk_…`, answers wrapped as
 * `{"v1/transaction": {…}}`): create a transaction, its payment link (the shared checkout page), read it
 * back, its currency, and a list (the "test connection" call). Read-backs fail as the `statusFailures` fault says.
 */
export function fedapaySimRoutes(state: SimGatewayState, baseUrl: () => string) {
  const app = new Hono();
  const refused = (message: string, status: 401 | 404 | 422 | 500) => ({ body: { message }, status });

  app.use("/v1/*", async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${state.fedapayCreds.secret_key}`) {
      const r = refused("Unauthenticated.", 401);
      return c.json(r.body, r.status);
    }
    await next();
  });

  app.post("/v1/transactions", async (c) => {
    const f = await jsonOf(c.req.raw);
    const amount = f.amount;
    const iso = f.currency && typeof f.currency === "object" ? (f.currency as { iso?: unknown }).iso : undefined;
    const errors: Record<string, string[]> = {};
    if (typeof amount !== "number" || !Number.isInteger(amount) || amount <= 0) errors.amount = ["The amount must be a whole number"];
    if (typeof iso !== "string" || !(iso in SIM_FEDAPAY_CURRENCIES)) errors.currency = ["Unknown currency"];
    if (typeof f.description !== "string" || !f.description) errors.description = ["The description is required"];
    if (typeof f.callback_url !== "string" || !URL.canParse(f.callback_url)) errors.callback_url = ["The callback url is invalid"];
    if (typeof f.merchant_reference === "string" && state.byTransaction(f.merchant_reference)) errors.merchant_reference = ["Already used"];
    if (Object.keys(errors).length) return c.json({ message: "Validation failed", errors }, 422);
    const callbackUrl = f.callback_url as string;
    const p = state.create({
      kind: "fedapay",
      transactionId: typeof f.merchant_reference === "string" ? f.merchant_reference : `fp-${Date.now()}-${Math.random()}`,
      amount: String(amount),
      currency: iso as string,
      description: (f.description as string).slice(0, 100),
      notifyUrl: state.fedapayWebhookFor(callbackUrl),
      returnUrl: callbackUrl,
      lang: "fr",
      metadata: JSON.stringify(f.custom_metadata ?? null).slice(0, 200),
    });
    return c.json({ "v1/transaction": state.fedapayEntity(p) });
  });

  app.post("/v1/transactions/:id/token", (c) => {
    const p = state.byProviderId(Number(c.req.param("id")));
    if (p?.kind !== "fedapay") return c.json({ message: "Transaction not found" }, 404);
    return c.json({ token: p.token, url: `${baseUrl()}/checkout/${p.token}` });
  });

  app.get("/v1/transactions/:id", (c) => {
    if (state.takeStatusFailure()) return c.text("Internal Server Error", 500);
    const p = state.byProviderId(Number(c.req.param("id")));
    if (p?.kind !== "fedapay") return c.json({ message: "Transaction not found" }, 404);
    return c.json({ "v1/transaction": state.fedapayEntity(p) });
  });

  app.get("/v1/transactions", (c) => c.json({ "v1/transactions": [], meta: { current_page: 1, total_count: 0 } }));

  app.get("/v1/currencies/:id", (c) => {
    const entry = Object.entries(SIM_FEDAPAY_CURRENCIES).find(([, id]) => id === Number(c.req.param("id")));
    if (!entry) return c.json({ message: "Currency not found" }, 404);
    return c.json({ "v1/currency": { klass: "v1/currency", id: entry[1], iso: entry[0], name: entry[0], div: 1 } });
  });

  return app;
}
