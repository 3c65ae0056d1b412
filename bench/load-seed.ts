// The load test's world, written through the project's own verbs before the instances start: the
// provider's catalogue synced, then per site a reseller with a funded wallet, the site (business plan,
// so its customers may use the API), one customer with a balance and a v2 API key, and a few orders.
import { randomUUID } from "node:crypto";
import { bootPlatform } from "../src/app/boot.ts";
import { registerUser } from "../src/auth/service.ts";
import { summaryLine, syncServices } from "../src/catalog/sync.ts";
import type { Config } from "../src/config/config.ts";
import { systemCtx, type Ctx, type Tenant } from "../src/context.ts";
import { createSession } from "../src/auth/session.ts";
import { createApiKey } from "../src/developer-api/keys.ts";
import { placeApiOrder } from "../src/developer-api/orders.ts";
import { dbNow } from "../src/lib/time.ts";
import { settleDispatchKicks } from "../src/orders/dispatch.ts";
import { startProviders } from "../src/providers/bootstrap.ts";
import { credit } from "../src/wallet/ledger.ts";
import { SITES_DOMAIN } from "./load-stack.ts";

export interface SeededSite {
  host: string;
  /** The customer's v2 API key on this site. */
  key: string;
  /** Order numbers (in the site) of the customer's orders placed while seeding: what the status polls ask about. */
  orders: number[];
}

export interface Seed {
  sites: SeededSite[];
  /** Session tokens of the sites' owners (platform users), for the platform's JSON API. */
  ownerTokens: string[];
  services: number;
  serviceId: number;
  quantity: number;
}

/** Plenty for the whole run: 1,000,000,000 of the currency, in micro-units. */
const FUNDS = 1_000_000_000 * 1_000_000;
const ORDERS_PER_SITE = 3;
/** Created with the verb, not the API: the API caps a key at 600 a minute, and the load sends more through each key. */
const KEY_RATE_LIMIT = 10_000_000;

async function seedSite(
  ctx: Ctx,
  i: number,
  ids: { planId: number; templateId: number; serviceId: number; quantity: number },
): Promise<SeededSite & { ownerToken: string }> {
  const db = ctx.db;
  const password = "load-test-password-1";
  const owner = await registerUser(ctx, { username: `reseller${i}`, email: `reseller${i}@load.test`, password, welcome: false, emailVerified: true });
  await credit(ctx, { userId: owner.id, amount: FUNDS, type: "adjustment", description: "load test funds" });
  const ownerToken = (await createSession(ctx, owner.id)).token;
  const slug = `shop${String(i).padStart(3, "0")}`;
  const now = dbNow(ctx.clock);
  await db
    .insertInto("white_label_sites")
    .values({
      uuid: randomUUID(),
      owner_id: owner.id,
      plan_id: ids.planId,
      template_id: ids.templateId,
      name: `Boutique ${slug}`,
      slug,
      default_margin_bp: 5000,
      currency: "XOF",
      created_at: now,
      updated_at: now,
    })
    .execute();
  const site = await db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
  const tenant: Tenant = { kind: "site", siteId: site.id, site };
  const siteCtx: Ctx = { ...ctx, tenant };
  const customer = await registerUser(siteCtx, { username: `customer${i}`, email: `customer${i}@load.test`, password, welcome: false, emailVerified: true });
  await credit(siteCtx, { userId: customer.id, amount: FUNDS, type: "adjustment", description: "load test funds" });
  const key = await createApiKey(siteCtx, customer.id, {
    name: "load test",
    permissions: ["services.read", "orders.create", "orders.read", "balance.read"],
    rate_limit_per_minute: KEY_RATE_LIMIT,
  });
  const asCustomer: Ctx = { ...siteCtx, user: customer };
  const orders: number[] = [];
  for (let n = 0; n < ORDERS_PER_SITE; n++) {
    const order = await placeApiOrder(
      asCustomer,
      { service_id: ids.serviceId, link: `https://instagram.com/load${i}`, quantity: ids.quantity },
      { source: "api_v2", apiKeyId: key.id },
    );
    orders.push(order.number!);
  }
  return { host: `${slug}.${SITES_DOMAIN}`, key: key.raw, orders, ownerToken };
}

export async function seedWorld(config: Config, siteCount: number, progress: (line: string) => void): Promise<Seed> {
  const platform = await bootPlatform(config, { passwordCost: { memory: 1024, passes: 1, parallelism: 1 } });
  try {
    const ctx = systemCtx(platform.services);
    const db = ctx.db;
    const providers = await startProviders(platform.services);
    await providers.stop();
    const provider = await db.selectFrom("api_providers").select("id").where("code", "=", "env").executeTakeFirstOrThrow();
    progress(`catalogue: ${summaryLine(await syncServices(ctx, { providerId: provider.id }))}`);
    const services = await db
      .selectFrom("services")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("is_active", "=", 1)
      .executeTakeFirstOrThrow();
    // A plain service (link + quantity) the simulator accepts.
    const service = await db
      .selectFrom("services")
      .select(["id", "min", "max"])
      .where("is_active", "=", 1)
      .where("type", "=", "Default")
      .where("min", "<=", 1000)
      .where("max", ">=", 1000)
      .orderBy("rate")
      .executeTakeFirstOrThrow();
    const plan = await db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await db.selectFrom("white_label_templates").select("id").where("slug", "=", "aurora").executeTakeFirstOrThrow();
    const ids = { planId: plan.id, templateId: template.id, serviceId: service.id, quantity: Math.max(service.min, 100) };
    const sites: (SeededSite & { ownerToken: string })[] = [];
    // Ten at a time: quick, and well inside the database's connection pool.
    for (let i = 0; i < siteCount; i += 10) {
      const batch = Array.from({ length: Math.min(10, siteCount - i) }, (_, j) => seedSite(ctx, i + j, ids));
      sites.push(...(await Promise.all(batch)));
      progress(`sites: ${sites.length}/${siteCount}`);
    }
    await settleDispatchKicks(platform.services);
    return {
      sites: sites.map(({ ownerToken: _, ...site }) => site),
      ownerTokens: sites.map((s) => s.ownerToken),
      services: Number(services.n),
      serviceId: service.id,
      quantity: ids.quantity,
    };
  } finally {
    await platform.close();
  }
}
