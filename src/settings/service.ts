import { appSlot, type Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";

/** Platform settings with their defaults; the seeder writes these, admins change them. */
export const SETTING_DEFAULTS = {
  site_name: { value: "IzyBoost", type: "string", group: "general", description: "Platform name" },
  currency: { value: "XOF", type: "string", group: "general", description: "Platform currency" },
  currency_rates: {
    value: "EUR=655.957; GHS=40; NGN=0.4; USD=600; XAF=1",
    type: "rates",
    group: "pricing",
    description:
      "What one unit of each currency is worth in the platform currency (EUR=655.957: 1 € = 655.957 F CFA), the rate of every site selling in it that follows the platform's",
  },
  default_language: { value: "fr", type: "string", group: "general", description: "Default language" },
  support_email: { value: "support@izyboost.com", type: "string", group: "general", description: "Support e-mail" },
  platform_margin_bp: { value: "3000", type: "integer", group: "pricing", description: "Margin over provider cost, basis points (3000 = 30%)" },
  referral_level_1_bp: { value: "1000", type: "integer", group: "referral", description: "Level 1 commission, basis points" },
  referral_level_2_bp: { value: "500", type: "integer", group: "referral", description: "Level 2 commission, basis points" },
  referral_level_3_bp: { value: "200", type: "integer", group: "referral", description: "Level 3 commission, basis points" },
  referral_hold_days: {
    value: "7",
    type: "integer",
    group: "referral",
    description: "Days a referral commission stays pending (cancelled if the order is refunded meanwhile) before it is paid",
  },
  provider_low_balance_threshold: {
    value: "50000",
    type: "money",
    group: "pricing",
    description: "Admins are told when a provider's balance falls below this (platform currency), unless the provider has its own threshold",
  },
  min_deposit: { value: "500", type: "money", group: "finance", description: "Minimum deposit" },
  max_deposit: { value: "5000000", type: "money", group: "finance", description: "Maximum deposit" },
  grace_period_days: { value: "7", type: "integer", group: "white_label", description: "Days a site keeps running after a failed renewal" },
  renewal_reminder_days: { value: "3", type: "integer", group: "white_label", description: "Days before expiry to remind the reseller" },
  provider_hold_hours: {
    value: "24",
    type: "integer",
    group: "orders",
    description: "Hours an order waits for its provider to accept orders again (funds, key, rate limit, maintenance) before it is refunded",
  },
  maintenance_mode: { value: "0", type: "boolean", group: "maintenance", description: "Refuse new orders" },
  maintenance_page: {
    value: "0",
    type: "boolean",
    group: "maintenance",
    description: "Close the platform to everyone but staff: visitors get a maintenance page, the APIs a 503 answer",
  },
  maintenance_sites: {
    value: "0",
    type: "boolean",
    group: "maintenance",
    description: "While the platform is closed for maintenance, close every white-label site too",
  },
  platform_branding: {
    value: "{}",
    type: "branding",
    group: "branding",
    description: "The platform theme's branding (colours, tagline, announcement, contacts), checked like a site's",
  },
  registration_open: { value: "1", type: "boolean", group: "general", description: "Allow sign-ups" },
  admin_two_factor_required: {
    value: "0",
    type: "boolean",
    group: "security",
    description: "Administrators must sign in with a second factor (TOTP): one without it is sent to enrol before the admin console",
  },
  unverified_may_order: {
    value: "1",
    type: "boolean",
    group: "orders",
    description: "Accounts whose e-mail address is not verified yet may place orders (on the platform and every site)",
  },
} as const;

type SettingKey = keyof typeof SETTING_DEFAULTS;

// Settings are read on hot paths (every order): kept in memory per app, dropped when this process
// writes one or hears that the platform changed (another instance's write, through src/app/cache-bus.ts,
// so that the pages it re-renders show it), and re-read after a few seconds in any case.
const SETTINGS_TTL_MS = 5_000;
const CACHED = appSlot("platform settings", ({ events }) => {
  const cache = { current: null as { at: number; value: Promise<Record<string, string>> } | null };
  events.onSiteChanged((siteId) => {
    if (siteId === PLATFORM_TENANT_ID) cache.current = null;
  });
  events.onAllChanged(() => (cache.current = null));
  return cache;
});

async function loadSettings(ctx: Ctx): Promise<Record<string, string>> {
  const rows = await ctx.db.selectFrom("platform_settings").select(["key", "value"]).execute();
  const out: Record<string, string> = {};
  for (const [k, d] of Object.entries(SETTING_DEFAULTS)) out[k] = d.value;
  for (const r of rows) out[r.key] = r.value;
  return out;
}

/** The shared record: never handed out as it is (getSettings copies it). */
function settingsOf(ctx: Ctx): Promise<Record<string, string>> {
  const cache = ctx.state.get(CACHED);
  const hit = cache.current;
  const now = Date.now();
  if (hit && now - hit.at <= SETTINGS_TTL_MS && !ctx.db.isTransaction) return hit.value;
  const value = loadSettings(ctx);
  if (!ctx.db.isTransaction) {
    const entry = { at: now, value };
    value.catch(() => {
      if (cache.current === entry) cache.current = null;
    });
    cache.current = entry;
  }
  return value;
}

export async function getSettings(ctx: Ctx): Promise<Record<string, string>> {
  return { ...(await settingsOf(ctx)) };
}

export async function getSetting(ctx: Ctx, key: SettingKey): Promise<string> {
  return (await settingsOf(ctx))[key] ?? SETTING_DEFAULTS[key].value;
}

export async function getIntSetting(ctx: Ctx, key: SettingKey): Promise<number> {
  const n = Number(await getSetting(ctx, key));
  return Number.isFinite(n) ? Math.trunc(n) : Number(SETTING_DEFAULTS[key].value);
}

/** The platform's currency: the `currency` setting, XOF when it is not a three-letter code. Reseller costs are booked in it. */
export async function platformCurrency(ctx: Ctx): Promise<string> {
  const code = (await getSetting(ctx, "currency")).trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : SETTING_DEFAULTS.currency.value;
}

/**
 * The currency money is booked in on the request's tenant: the platform currency on the platform, the
 * site's own currency on a site (its customers' prices, balances and deposits). Its minor unit is what
 * charges round up to and refunds and commissions round down to (src/money/money.ts).
 */
export async function bookingCurrency(ctx: Ctx): Promise<string> {
  if (ctx.tenant.kind === "site" && /^[A-Z]{3}$/.test(ctx.tenant.site.currency)) return ctx.tenant.site.currency;
  return platformCurrency(ctx);
}

export async function putSetting(ctx: Ctx, key: string, value: string): Promise<void> {
  ctx.state.get(CACHED).current = null;
  const now = dbNow(ctx.clock);
  const d = (SETTING_DEFAULTS as Record<string, { type: string; group: string; description: string }>)[key];
  const updated = await ctx.db.updateTable("platform_settings").set({ value, updated_at: now }).where("key", "=", key).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await ctx.db
      .insertInto("platform_settings")
      .values({ key, value, type: d?.type ?? "string", group: d?.group ?? "general", description: d?.description ?? null, created_at: now, updated_at: now })
      .execute();
  }
}
