import { randomBytes } from "node:crypto";
import { ofetch } from "ofetch";
import type { Selectable } from "kysely";
import type { AppServices, Ctx } from "../context.ts";
import { systemCtx } from "../context.ts";
import type { ApiProvidersTable } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { withJobLock } from "../jobs/locks.ts";
import { startSimProvider, type SimProvider } from "../provider-sim/server.ts";
import { summaryLine, syncServices, syncServicesJob } from "../catalog/sync.ts";
import { repriceServices } from "../catalog/reprice.ts";
import { notSellingMessage } from "./selling.ts";
import { openProviderKey, sealProviderKey } from "./provider-key.ts";

type Provider = Selectable<ApiProvidersTable>;

/** Codes of the provider rows the platform manages itself. */
const ENV_PROVIDER = "env";
const SIM_PROVIDER = "simulated";

/** Platform-currency units per provider-currency unit (× 1,000,000) until an admin sets the real rate. */
const XOF_PER: Record<string, number> = { USD: 600_000_000, EUR: 655_957_000, XOF: 1_000_000, XAF: 1_000_000 };

/** The starting rate; 0 = none known, and nothing of that provider is sold until an admin sets one. */
export function defaultExchangeRate(platformCurrency: string, providerCurrency: string): number {
  if (platformCurrency.toUpperCase() === providerCurrency.toUpperCase()) return 1_000_000;
  if (platformCurrency.toUpperCase() === "XOF") return XOF_PER[providerCurrency.toUpperCase()] ?? 0;
  return 0;
}

/** One warning line per provider whose services are not sold (no exchange rate, currency mismatch). */
export async function warnNotSelling(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db.selectFrom("api_providers").selectAll().where("is_active", "=", 1).orderBy("id").execute();
  const lines = rows.map((p) => notSellingMessage(p)).filter((l): l is string => l !== null);
  for (const line of lines) ctx.logger.warn(line);
  return lines;
}

/** Whether any provider is switched on (the dashboard warns when none is). */
export async function hasActiveProvider(ctx: Ctx): Promise<boolean> {
  return Boolean(await ctx.db.selectFrom("api_providers").select("id").where("is_active", "=", 1).executeTakeFirst());
}

interface ManagedProvider {
  code: string;
  name: string;
  url: string;
  apiKey: string;
  currency: string;
  /** Whether the row is switched on when it is created (later, the admin decides). */
  active?: boolean;
}

/**
 * Creates or refreshes a provider row the platform manages (by its code). The URL, key and
 * currency come from configuration every time; the name, exchange rate and on/off switch stay as
 * the admin set them (the rate is reset only when the currency changes).
 */
async function upsertManagedProvider(ctx: Ctx, p: ManagedProvider): Promise<Provider> {
  const now = dbNow(ctx.clock);
  const currency = p.currency.toUpperCase();
  const rate = defaultExchangeRate(await getSetting(ctx, "currency"), currency);
  const found = await ctx.db.selectFrom("api_providers").selectAll().where("code", "=", p.code).executeTakeFirst();
  if (!found) {
    await ctx.db
      .insertInto("api_providers")
      .values({
        code: p.code,
        name: p.name,
        url: p.url,
        api_key: sealProviderKey(ctx.config, p.apiKey),
        currency,
        exchange_rate: rate,
        is_active: p.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } else if (found.url !== p.url || openProviderKey(ctx.config, found.api_key) !== p.apiKey || found.currency !== currency) {
    const newCurrency = found.currency !== currency;
    await ctx.db
      .updateTable("api_providers")
      .set({ url: p.url, api_key: sealProviderKey(ctx.config, p.apiKey), currency, ...(newCurrency ? { exchange_rate: rate } : {}), updated_at: now })
      .where("id", "=", found.id)
      .execute();
    if (newCurrency) await repriceServices(ctx, { providerId: found.id });
  }
  return ctx.db.selectFrom("api_providers").selectAll().where("code", "=", p.code).executeTakeFirstOrThrow();
}

async function setActive(ctx: Ctx, code: string, active: boolean): Promise<void> {
  await ctx.db
    .updateTable("api_providers")
    .set({ is_active: active ? 1 : 0, updated_at: dbNow(ctx.clock) })
    .where("code", "=", code)
    .where("is_active", "=", active ? 0 : 1)
    .execute();
}

/** Does a simulated provider answer at this URL with this key? (No provider log: this is a probe.) */
async function answers(url: string, apiKey: string): Promise<boolean> {
  try {
    const data = await ofetch<unknown>(url, {
      method: "POST",
      body: new URLSearchParams({ key: apiKey, action: "balance" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      retry: 0,
      timeout: 1500,
      responseType: "json",
    });
    return Boolean(data && typeof data === "object" && "balance" in data);
  } catch {
    return false;
  }
}

export interface ProvidersHandle {
  /** The simulated provider this process started, if any. */
  sim: SimProvider | null;
  stop(): Promise<void>;
}

async function configured(ctx: Ctx): Promise<boolean> {
  const { SMM_API_URL, SMM_API_KEY, SMM_PROVIDER_CURRENCY } = ctx.config;
  if (!SMM_API_URL) return false;
  await upsertManagedProvider(ctx, {
    code: ENV_PROVIDER,
    name: "Default provider",
    url: SMM_API_URL,
    apiKey: SMM_API_KEY ?? "",
    currency: SMM_PROVIDER_CURRENCY,
  });
  // A real provider replaces the development one; its services disappear from the catalogue with it.
  await setActive(ctx, SIM_PROVIDER, false);
  return true;
}

async function startSim(ctx: Ctx, port: number): Promise<SimProvider> {
  const stored = await ctx.db.selectFrom("api_providers").select("api_key").where("code", "=", SIM_PROVIDER).executeTakeFirst();
  const apiKey = (stored && openProviderKey(ctx.config, stored.api_key)) || `sim_${randomBytes(12).toString("hex")}`;
  let sim: SimProvider;
  try {
    sim = await startSimProvider({ port, host: "127.0.0.1", apiKey });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw err;
    ctx.logger.warn("simulated provider port in use; using a free port", { port });
    sim = await startSimProvider({ port: 0, host: "127.0.0.1", apiKey });
  }
  await upsertManagedProvider(ctx, { code: SIM_PROVIDER, name: "Simulated provider", url: sim.url, apiKey, currency: "USD" });
  return sim;
}

/**
 * For CLI jobs: the env provider when SMM_API_URL is set; otherwise the simulated provider that
 * `npm start` runs, or, when that one does not answer, a simulated provider for this run only.
 */
export async function prepareProviders(services: AppServices): Promise<ProvidersHandle> {
  const ctx = systemCtx(services);
  if ((await configured(ctx)) || services.config.NODE_ENV === "production") return { sim: null, stop: async () => {} };
  const row = await ctx.db.selectFrom("api_providers").select(["url", "api_key"]).where("code", "=", SIM_PROVIDER).executeTakeFirst();
  if (row && (await answers(row.url, openProviderKey(ctx.config, row.api_key)))) return { sim: null, stop: async () => {} };
  const sim = await startSim(ctx, 0);
  return { sim, stop: () => sim.close() };
}

/**
 * For `npm start`: as above, but always starts the simulated provider in the embedded default
 * (on SIM_PROVIDER_PORT, 0 = a free port) and imports its catalogue on the first start. Never in production.
 */
export async function startProviders(services: AppServices): Promise<ProvidersHandle> {
  const ctx = systemCtx(services);
  if (await configured(ctx)) {
    await warnNotSelling(ctx);
    return { sim: null, stop: async () => {} };
  }
  // Production never sells a simulator's services: it runs without one, and the dashboard tells the admins.
  if (services.config.NODE_ENV === "production") {
    await setActive(ctx, SIM_PROVIDER, false);
    if (!(await hasActiveProvider(ctx))) services.logger.warn("no provider: orders cannot be sent until an admin adds one (or SMM_API_URL is set)");
    return { sim: null, stop: async () => {} };
  }
  const sim = await startSim(ctx, services.config.SIM_PROVIDER_PORT);
  services.logger.info("simulated provider started", { url: sim.url });
  const row = await ctx.db.selectFrom("api_providers").select(["id", "last_sync_at", "is_active"]).where("code", "=", SIM_PROVIDER).executeTakeFirstOrThrow();
  if (row.last_sync_at === null && row.is_active) {
    try {
      const ran = await withJobLock(ctx, syncServicesJob.name, syncServicesJob.lockTtlMs ?? 600_000, () => syncServices(ctx, { providerId: row.id }));
      if (ran) services.logger.info("catalogue imported from the simulated provider", { summary: summaryLine(ran.result) });
    } catch (err) {
      services.logger.warn("first catalogue import failed", { error: String(err) });
    }
  }
  await warnNotSelling(ctx);
  return { sim, stop: () => sim.close() };
}
