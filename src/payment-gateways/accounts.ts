import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import type { GatewayAccountsTable, GatewayKind } from "../db/schema.ts";
import { openSecret, sealSecret } from "../lib/secret-box.ts";
import { inTenant } from "../tenancy/scoped.ts";
import type { FeeRule } from "../wallet/fees.ts";
import { cinetpayCredentials, cinetpayGateway } from "./cinetpay.ts";
import { fedapayCredentials, fedapayGateway } from "./fedapay.ts";
import type { PaymentGateway } from "./gateway.ts";

export type GatewayAccount = Selectable<GatewayAccountsTable>;

/** The display name of each kind of gateway. */
export const GATEWAY_NAMES: Record<GatewayKind, string> = { cinetpay: "CinetPay", fedapay: "FedaPay" };

/** Sealed credentials are bound to their tenant and account code: a sealed value copied to another row does not open. */
const sealContext = (siteId: number, code: string) => `gateway:${siteId}:${code}`;

export function sealCredentials(ctx: Pick<Ctx, "config">, siteId: number, code: string, credentials: object): string {
  return sealSecret(JSON.stringify(credentials), ctx.config.DATA_ENCRYPTION_KEY, sealContext(siteId, code));
}

export function openCredentials(ctx: Pick<Ctx, "config">, account: GatewayAccount): unknown {
  return JSON.parse(openSecret(account.credentials, ctx.config.DATA_ENCRYPTION_KEY, sealContext(account.site_id, account.code)));
}

/** The adapter that speaks to an account's gateway with its credentials (opened only here, where a call is made). */
export function gatewayFor(ctx: Pick<Ctx, "config">, account: GatewayAccount): PaymentGateway {
  const creds = openCredentials(ctx, account);
  switch (account.kind) {
    case "cinetpay":
      return cinetpayGateway(cinetpayCredentials.parse(creds), account.api_base ?? undefined);
    case "fedapay":
      return fedapayGateway(fedapayCredentials.parse(creds), account.api_base ?? undefined);
    default:
      throw new Error(`no adapter for gateway kind ${account.kind}`);
  }
}

/** The fee of a gateway deposit: the account's percentage and fixed part (then rounded up to a whole minor unit by depositFee). */
export function gatewayFeeRule(account: GatewayAccount): FeeRule {
  return { id: null, percentBp: Number(account.fee_percent_bp), fixed: Number(account.fee_fixed), min: 0, max: null };
}

/** The tenant's active gateway accounts, in display order: a site without one keeps its manual methods only. */
export async function activeGatewayAccounts(ctx: Ctx): Promise<GatewayAccount[]> {
  return inTenant(ctx).selectFrom("gateway_accounts").selectAll().where("is_active", "=", 1).orderBy("sort_order").orderBy("id").execute();
}

/** One of the tenant's gateway accounts, or undefined (another tenant's is never found). */
export async function tenantGatewayAccount(ctx: Ctx, id: number): Promise<GatewayAccount | undefined> {
  return inTenant(ctx).selectFrom("gateway_accounts").selectAll().where("id", "=", id).executeTakeFirst();
}
