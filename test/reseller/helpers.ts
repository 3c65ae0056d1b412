import { randomUUID } from "node:crypto";
import { withTransaction, type Tenant } from "../../src/context.ts";
import type { User } from "../../src/db/schema.ts";
import { parseMoney } from "../../src/money/money.ts";
import { registerUser } from "../../src/auth/service.ts";
import { placeSiteOrder } from "../../src/order-chain/chain.ts";
import { openTicket } from "../../src/tickets/service.ts";
import { createDeposit } from "../../src/wallet/deposits.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { body, SITES, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { resellerWithSite } from "../white-label/helpers.ts";

export { expectLedgerHolds, insertService, whiteLabelPlatform, fund, balanceOf, signUpAdmin, reseller, SITES } from "../white-label/helpers.ts";
export { auditRows } from "../harness/audit.ts";

export type Reseller = Awaited<ReturnType<typeof resellerWithSite>> & { tenant: Tenant; host: string };

/** A platform user who bought a site through the API, with the site as a tenant. */
export async function resellerSite(p: TestPlatform, funds = "100000"): Promise<Reseller> {
  const r = await resellerWithSite(p, funds);
  const row = await p.services.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", r.site.uuid).executeTakeFirstOrThrow();
  return { ...r, tenant: { kind: "site", siteId: row.id, site: row }, host: `${row.slug}.${SITES}` };
}

/** A customer account on a site (registered with the site as tenant), optionally with money on it. */
export async function customerOf(p: TestPlatform, r: Pick<Reseller, "tenant">, funds = "0"): Promise<User> {
  const name = uniqueName("c");
  const user = await registerUser(p.ctx(r.tenant), { username: name, email: `${name}@example.com`, password: "correct-horse-9", welcome: false });
  if (funds !== "0") await credit(p.ctx(r.tenant), { userId: user.id, amount: parseMoney(funds)!, type: "deposit", description: "test funds" });
  return user;
}

export const api = (r: { site: { uuid: string } }, path = "") => `/api/white-label/sites/${r.site.uuid}${path}`;

/** An active deposit method of the reseller's site, created through the management API. */
export async function activeMethod(p: TestPlatform, r: Reseller, extra: Record<string, unknown> = {}) {
  const code = uniqueName("m").toLowerCase().slice(0, 40);
  const res = await p.request(api(r, "/payment-methods"), {
    method: "POST",
    token: r.token,
    json: {
      code,
      name: `Pay ${code}`,
      type: "mobile_money",
      instructions_fr: "Envoyez",
      instructions_en: "Send",
      account_name: "Shop",
      account_number: "+225 07 12 34 56",
      min_amount: "100",
      max_amount: "1000000",
      is_active: true,
      ...extra,
    },
  });
  if (res.status !== 201) throw new Error(`method creation failed: ${res.status} ${await res.text()}`);
  return (await body(res)).data as { id: number; code: string; name: string };
}

let ref = 0;
/** A pending deposit a site customer declares, through the wallet's tenant-generic verb. */
export async function pendingDeposit(p: TestPlatform, r: Pick<Reseller, "tenant">, customer: User, methodId: number, amount = "5000") {
  return createDeposit(
    { ...p.ctx(r.tenant), user: customer },
    { payment_method_id: methodId, amount: parseMoney(amount)!, reference: `REF-${Date.now().toString(36)}-${ref++}` },
  );
}

/**
 * A storefront order through the storefront chain (src/order-chain): the customer charged the site
 * price, the reseller charged its cost for the platform order that fulfils it, the site_orders link.
 * Run inside a transaction so that nothing is sent to a provider.
 */
export async function customerOrder(p: TestPlatform, r: Pick<Reseller, "tenant">, customer: User, serviceId: number, quantity = 1000) {
  const input = { service_id: serviceId, link: "https://instagram.com/demo", quantity };
  const chained = await withTransaction(p.ctx(r.tenant), (tx) => placeSiteOrder({ ...tx, user: customer }, input, { source: "web" }));
  return { order: chained.customerOrder, fulfil: chained.platformOrder };
}

export async function customerTicket(p: TestPlatform, r: Pick<Reseller, "tenant">, customer: User, subject = "Ma commande") {
  return openTicket(
    { ...p.ctx(r.tenant), user: customer },
    { subject, message: "Bonjour, où en est ma commande ?", category: "order", priority: "normal", order_uuid: null },
  );
}

export const newUuid = () => randomUUID();
