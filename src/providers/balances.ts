import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import type { ApiProvidersTable } from "../db/schema.ts";
import type { JobDef, Progress } from "../jobs/scheduler.ts";
import { silentProgress } from "../jobs/scheduler.ts";
import { dbNow } from "../lib/time.ts";
import { formatMoney, MICRO, mulDiv, parseMoney, type Micro } from "../money/money.ts";
import { getSetting } from "../settings/service.ts";
import { providerClient, type ProviderClient } from "./client.ts";
import { notifyAdmins } from "./notices.ts";
import { notice } from "../i18n/i18n.ts";

type Provider = Selectable<ApiProvidersTable>;

interface BalanceReading {
  provider_id: number;
  name: string;
  balance: Micro;
  currency: string | null;
  low: boolean;
  currency_mismatch: boolean;
}

/** The provider's own threshold, else the platform-wide one in its currency; null when that needs a rate it lacks. */
export async function lowBalanceThreshold(ctx: Ctx, p: Pick<Provider, "low_balance_threshold" | "exchange_rate">): Promise<Micro | null> {
  if (p.low_balance_threshold !== null) return Number(p.low_balance_threshold);
  const rate = Number(p.exchange_rate);
  if (!(rate > 0)) return null;
  const platformWide = parseMoney(await getSetting(ctx, "provider_low_balance_threshold")) ?? 0;
  return mulDiv(platformWide, MICRO, rate);
}

const mismatched = (currency: string | null, configured: string) => currency !== null && currency !== configured.toUpperCase();

/**
 * Stores a provider's `balance` answer. Admins are told once per crossing: when it falls below the
 * threshold, and when its currency stops matching the configured one (its services stop selling).
 */
async function recordBalance(ctx: Ctx, p: Provider, answer: { balance: Micro; currency: string | null }): Promise<BalanceReading> {
  const now = dbNow(ctx.clock);
  const text = answer.currency?.trim().toUpperCase() ?? "";
  const currency = /^[A-Z]{3}$/.test(text) ? text : null;
  const threshold = await lowBalanceThreshold(ctx, p);
  const low = threshold !== null && answer.balance < threshold;
  const mismatch = mismatched(currency, p.currency);
  const row = ctx.db.updateTable("api_providers").where("id", "=", p.id);

  await row
    .set({ balance: answer.balance, balance_checked_at: now, ...(low ? {} : { balance_low: 0 }), ...(mismatch ? {} : { balance_currency: currency }) })
    .execute();
  // Conditional updates: of two concurrent readers, only one sees the crossing and tells the admins.
  const fellLow = low && Number((await row.set({ balance_low: 1 }).where("balance_low", "=", 0).executeTakeFirst()).numUpdatedRows) === 1;
  const newMismatch =
    mismatch &&
    Number(
      (
        await row
          .set({ balance_currency: currency })
          .where((eb) => eb.or([eb("balance_currency", "is", null), eb("balance_currency", "=", p.currency.toUpperCase())]))
          .executeTakeFirst()
      ).numUpdatedRows,
    ) === 1;
  if (mismatch !== mismatched(p.balance_currency, p.currency)) ctx.events.catalogChanged();

  const amount = `${formatMoney(answer.balance)} ${currency ?? p.currency}`;
  if (fellLow) {
    const limit = `${formatMoney(threshold!)} ${p.currency}`;
    await notifyAdmins(ctx, {
      type: "provider_low_balance",
      data: { provider_id: p.id, balance: formatMoney(answer.balance), currency: currency ?? p.currency, threshold: formatMoney(threshold!) },
      ...notice("provider.low_balance", { name: p.name, amount, limit }),
    });
  }
  if (newMismatch) {
    await notifyAdmins(ctx, {
      type: "provider_currency_mismatch",
      data: { provider_id: p.id, configured: p.currency, answered: currency },
      ...notice("provider.currency_mismatch", { name: p.name, answered: currency ?? "", configured: p.currency }),
    });
  }
  return { provider_id: p.id, name: p.name, balance: answer.balance, currency, low, currency_mismatch: mismatch };
}

/** Reads and stores one provider's balance; null (logged) when the provider did not answer. */
export async function readProviderBalance(
  ctx: Ctx,
  p: Provider,
  client: ProviderClient = providerClient(ctx, { id: p.id, url: p.url, apiKey: p.api_key }),
): Promise<BalanceReading | null> {
  let answer: { balance: Micro; currency: string | null };
  try {
    answer = await client.balance();
  } catch (err) {
    ctx.logger.warn("provider balance not read", { provider_id: p.id, error: String(err) });
    return null;
  }
  return recordBalance(ctx, p, answer);
}

interface BalancesSummary {
  read: BalanceReading[];
  failed: { provider_id: number; name: string }[];
}

/** Reads the balance of every active provider. */
async function readProviderBalances(ctx: Ctx, progress: Progress = silentProgress): Promise<BalancesSummary> {
  const providers = await ctx.db.selectFrom("api_providers").selectAll().where("is_active", "=", 1).orderBy("id").execute();
  const summary: BalancesSummary = { read: [], failed: [] };
  progress.start("provider balances", providers.length);
  for (const p of providers) {
    const reading = await readProviderBalance(ctx, p);
    if (reading) summary.read.push(reading);
    else summary.failed.push({ provider_id: p.id, name: p.name });
    progress.tick();
  }
  const line = (r: BalanceReading) =>
    `${r.name}: ${formatMoney(r.balance)} ${r.currency ?? ""}${r.low ? " (low)" : ""}${r.currency_mismatch ? " (currency mismatch)" : ""}`.replace(" )", ")");
  progress.done([...summary.read.map(line), ...summary.failed.map((f) => `${f.name}: no answer`)].join("; ") || "no active provider");
  return summary;
}

/** `smm:provider-balances`: every 15 minutes, and from the CLI. */
export const providerBalancesJob: JobDef = {
  name: "smm:provider-balances",
  description: "read the providers' balances; tell the admins about a low balance or a currency mismatch",
  schedule: "*/15 * * * *",
  lockTtlMs: 5 * 60_000,
  run: (ctx, progress) => readProviderBalances(ctx, progress),
};

/** Every provider's last balance reading (its currency, micro-units) and whether it is below its threshold, for the dashboard. */
export async function providerBalances(ctx: Ctx) {
  const rows = await ctx.db
    .selectFrom("api_providers")
    .select(["id", "name", "currency", "is_active", "balance", "balance_low", "balance_checked_at"])
    .orderBy("is_active", "desc")
    .orderBy("name")
    .execute();
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    currency: p.currency.toUpperCase(),
    active: Number(p.is_active) === 1,
    balance: p.balance === null ? null : Number(p.balance),
    low: Number(p.balance_low) === 1,
    checked_at: p.balance_checked_at,
  }));
}
