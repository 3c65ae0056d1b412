import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { Conflict, Validation } from "../core/errors.ts";
import type { Site } from "../db/schema.ts";
import { writeAudit } from "../audit/audit.ts";
import { dbNow } from "../lib/time.ts";
import { formatRate, fromPlatform, PAR, toPlatform, type RateMicro } from "../money/exchange.ts";
import { isIsoCurrency, minorUnitMicro, roundDownToMinor, roundUpToMinor, type Micro } from "../money/money.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";
import { followedRate, platformRates, siteExchange, type SiteExchange } from "../settings/exchange.ts";
import { platformCurrency } from "../settings/service.ts";
import { forTenant } from "../tenancy/scoped.ts";
import type { SiteCurrencyInput } from "./schema.ts";
import { siteById } from "./sites.ts";

/** What the site's currency section and `GET …/currency` show. */
export interface SiteCurrency {
  currency: string;
  platformCurrency: string;
  /** The rate in force: what one unit of `currency` is worth in the platform currency, × 1,000,000; null when none can be had. */
  rate: RateMicro | null;
  /** The owner's own fixed rate, or null when the site follows the platform's. */
  ownRate: RateMicro | null;
  /** The platform's rate for `currency` (PAR for the platform currency), or null. */
  platformRate: RateMicro | null;
  /** The currencies a site may pick and follow: the platform's own and those it quotes. */
  offered: { code: string; rate: RateMicro }[];
  /** Why the currency may not change now (money in the site), or null. */
  locked: "balances" | "pending" | "orders" | null;
}

/** Money that would change meaning with the currency: customers' balances, pending ledger rows (deposits), orders that may still be refunded. */
async function moneyInSite(ctx: Ctx, siteId: number): Promise<SiteCurrency["locked"]> {
  const site = forTenant(ctx.db, siteId);
  const [balance, pending, active] = await Promise.all([
    site.selectFrom("users").select("users.id").where("balance", "!=", 0).limit(1).executeTakeFirst(),
    site.selectFrom("transactions").select("transactions.id").where("status", "=", "pending").limit(1).executeTakeFirst(),
    site.selectFrom("orders").select("orders.id").where("status", "in", ACTIVE_STATUSES).limit(1).executeTakeFirst(),
  ]);
  return balance ? "balances" : pending ? "pending" : active ? "orders" : null;
}

export async function siteCurrency(ctx: Ctx, site: Site): Promise<SiteCurrency> {
  const platform = await platformCurrency(ctx);
  const rates = await platformRates(ctx);
  let exchange: SiteExchange | null = null;
  try {
    exchange = await siteExchange(ctx, site);
  } catch {
    exchange = null;
  }
  return {
    currency: exchange?.currency ?? site.currency,
    platformCurrency: platform,
    rate: exchange?.rate ?? null,
    ownRate: exchange?.own ? exchange.rate : null,
    platformRate: await followedRate(ctx, site.currency),
    offered: [{ code: platform, rate: PAR }, ...[...rates].filter(([code]) => code !== platform).map(([code, rate]) => ({ code, rate }))],
    locked: await moneyInSite(ctx, site.id),
  };
}

/** An amount of one site currency in another, through the platform currency, rounded to a whole minor unit of the new one. */
function reprice(amount: Micro, from: RateMicro, to: { currency: string; rate: RateMicro }, direction: "up" | "down"): Micro {
  const converted = fromPlatform(toPlatform(amount, from, direction), to.rate, direction);
  return direction === "up" ? roundUpToMinor(converted, to.currency) : roundDownToMinor(converted, to.currency);
}

/**
 * Sets a site's currency and rate (docs/currencies.md). `rate` null follows the platform's rate for
 * the currency (refused when it has none). The rate may change at any time: it applies to orders
 * placed after, each order keeping its own. The currency itself changes only while no money of the
 * site's customers would change meaning (balances, pending deposits, orders still open): refused
 * with 409 `site_has_money` otherwise, by a conditional update, so nothing slips in between. On a
 * change, the site's payment methods move to the new currency, their limits and fixed fees converted.
 */
export async function setSiteCurrency(ctx: Ctx, site: Site, input: SiteCurrencyInput): Promise<Site> {
  const platform = await platformCurrency(ctx);
  const currency = input.currency;
  if (!isIsoCurrency(currency)) throw new Validation({ currency: ["Unknown currency code"] });
  const ownRate = currency === platform ? null : (input.rate ?? null);
  if (ownRate === null && (await followedRate(ctx, currency)) === null)
    throw new Validation({ rate: [`The platform has no rate for ${currency}: give your own rate (what 1 ${currency} is worth in ${platform})`] });

  const changes = currency !== site.currency;
  let before: SiteExchange | null = null;
  try {
    before = await siteExchange(ctx, site);
  } catch {
    before = null;
  }
  const now = dbNow(ctx.clock);
  await withTransaction(ctx, async (tx) => {
    let update = tx.db
      .updateTable("white_label_sites")
      .set({ currency, currency_rate: ownRate, content_version: sql`content_version + 1`, updated_at: now })
      .where("id", "=", site.id)
      .where("currency", "=", site.currency);
    if (changes) {
      const scope = forTenant(tx.db, site.id);
      update = update.where((eb) =>
        eb.and([
          eb.not(eb.exists(scope.selectFrom("users").select("users.id").where("balance", "!=", 0))),
          eb.not(eb.exists(scope.selectFrom("transactions").select("transactions.id").where("status", "=", "pending"))),
          eb.not(eb.exists(scope.selectFrom("orders").select("orders.id").where("status", "in", ACTIVE_STATUSES))),
        ]),
      );
    }
    const done = await update.executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) {
      const locked = await moneyInSite(tx, site.id);
      if (!locked) throw new Conflict("The site changed meanwhile: reload and try again", "site_changed");
      throw new Conflict(
        locked === "balances"
          ? "The currency cannot change while customers of the site hold a balance"
          : locked === "pending"
            ? "The currency cannot change while deposits of the site await verification"
            : "The currency cannot change while orders of the site are still open",
        "site_has_money",
      );
    }
    if (changes) await moveMethods(tx, site.id, before?.rate ?? null, { currency, rate: ownRate ?? (await followedRate(ctx, currency))! });
    await writeAudit(
      { ...tx, tenant: { kind: "site", siteId: site.id, site } },
      {
        action: "site.currency",
        targetType: "site",
        targetId: site.uuid,
        data: {
          before: { currency: site.currency, rate: site.currency_rate == null ? null : formatRate(Number(site.currency_rate)) },
          after: { currency, rate: ownRate == null ? null : formatRate(ownRate) },
        },
      },
    );
  });
  ctx.events.siteChanged(site.id);
  return siteById(ctx, site.id);
}

/** The site's payment methods in the new currency: limits and fixed fee parts converted (a minimum and a fee up, a maximum down). */
async function moveMethods(ctx: Ctx, siteId: number, from: RateMicro | null, to: { currency: string; rate: RateMicro }): Promise<void> {
  const methods = forTenant(ctx.db, siteId);
  const rows = await methods.selectFrom("payment_methods").select(["id", "min_amount", "max_amount"]).execute();
  const now = dbNow(ctx.clock);
  for (const m of rows) {
    const convert = from !== null;
    await methods
      .updateTable("payment_methods")
      .set({
        currency: to.currency,
        ...(convert && {
          min_amount: reprice(Number(m.min_amount), from, to, "up"),
          max_amount: m.max_amount === null ? null : Math.max(reprice(Number(m.max_amount), from, to, "down"), minorUnitMicro(to.currency)),
        }),
        updated_at: now,
      })
      .where("id", "=", m.id)
      .execute();
    if (!convert) continue;
    const fees = await ctx.db
      .selectFrom("fee_structures")
      .select(["id", "fixed_amount", "min_amount", "max_amount"])
      .where("payment_method_id", "=", m.id)
      .execute();
    for (const f of fees)
      await ctx.db
        .updateTable("fee_structures")
        .set({
          fixed_amount: reprice(Number(f.fixed_amount), from, to, "up"),
          min_amount: reprice(Number(f.min_amount), from, to, "up"),
          max_amount: f.max_amount === null ? null : reprice(Number(f.max_amount), from, to, "down"),
          updated_at: now,
        })
        .where("id", "=", f.id)
        .execute();
  }
}
