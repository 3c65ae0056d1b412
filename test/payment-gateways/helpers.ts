import type { TestPlatform } from "../harness/platform.ts";
import { body } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import type { GatewayKind } from "../../src/db/schema.ts";
import { GATEWAY_NAMES, sealCredentials } from "../../src/payment-gateways/accounts.ts";
import { startSimGateway, type SimGateway } from "../../src/gateway-sim/server.ts";
import { forTenant } from "../../src/tenancy/scoped.ts";

/** A simulated gateway whose notifications reach the test app (on the host the notify URL names). */
export async function simGatewayFor(p: TestPlatform): Promise<SimGateway> {
  return startSimGateway({
    deliver: async (url, init) => {
      const u = new URL(url);
      const res = await p.request(u.pathname, { method: "POST", host: u.host, headers: init.headers, body: init.body });
      return { status: res.status };
    },
  });
}

/** A gateway account of a tenant pointing at the simulated gateway (CinetPay unless told); 1.5% fee by default. */
export async function gatewayAccount(
  p: TestPlatform,
  sim: SimGateway,
  opts: { siteId?: number; code?: string; kind?: GatewayKind; feeBp?: number; min?: number; max?: number | null; credentials?: object } = {},
): Promise<number> {
  const kind = opts.kind ?? "cinetpay";
  const siteId = opts.siteId ?? 0;
  const code = opts.code ?? `sim-${Math.random().toString(36).slice(2, 8)}`;
  const now = dbNow(p.services.clock);
  const res = await forTenant(p.services.db, siteId)
    .insertInto("gateway_accounts", {
      code,
      kind,
      name: GATEWAY_NAMES[kind],
      mode: "simulated",
      api_base: sim.url,
      credentials: sealCredentials(p.ctx(), siteId, code, opts.credentials ?? (kind === "fedapay" ? sim.fedapay : sim.credentials)),
      currency: "XOF",
      fee_percent_bp: opts.feeBp ?? 150,
      min_amount: opts.min ?? 100_000_000,
      max_amount: opts.max ?? null,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** Starts a payment through the JSON API; returns its uuid, the checkout URL and the simulated gateway's record. */
export async function startPayment(p: TestPlatform, sim: SimGateway, token: string, accountId: number, amount: string) {
  const res = await p.request("/api/deposits/gateway", { method: "POST", token, json: { gateway_account_id: accountId, amount } });
  const json = await body(res);
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(json)}`);
  const uuid = json.data.uuid as string;
  const at = sim.sim.byTransaction(uuid);
  if (!at) throw new Error("the simulated gateway does not know the payment");
  return { uuid, checkoutUrl: json.data.checkout_url as string, at };
}

export async function paymentRow(p: TestPlatform, uuid: string) {
  return p.services.db.selectFrom("gateway_payments").selectAll().where("uuid", "=", uuid).executeTakeFirstOrThrow();
}

export async function notificationsOf(p: TestPlatform, paymentId: number) {
  return p.services.db.selectFrom("gateway_notifications").selectAll().where("gateway_payment_id", "=", paymentId).orderBy("id").execute();
}

export async function depositRows(p: TestPlatform, userId: number) {
  return p.services.db.selectFrom("transactions").selectAll().where("user_id", "=", userId).where("type", "=", "deposit").execute();
}
