import type { Insertable, Kysely } from "kysely";
import { frenchCategoryName } from "../catalog/category-names.ts";
import type { Ctx } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { parseMoney } from "../money/money.ts";
import { SETTING_DEFAULTS } from "../settings/service.ts";
import { PLATFORM_TENANT_ID, onPlatform } from "../tenancy/scoped.ts";

const m = (s: string) => parseMoney(s)!;

const CATEGORY_SEED = [
  ["Instagram", "instagram"],
  ["TikTok", "tiktok"],
  ["YouTube", "youtube"],
  ["Facebook", "facebook"],
  ["Telegram", "telegram"],
  ["X (Twitter)", "twitter"],
  ["Spotify", "spotify"],
  ["Twitch", "twitch"],
] as const;

export const PAYMENT_METHOD_SEED = [
  {
    code: "orange_money",
    name: "Orange Money",
    type: "mobile_money",
    fr: "Envoyez le montant au numéro Orange Money indiqué, puis saisissez l'ID de transaction reçu par SMS.",
    en: "Send the amount to the Orange Money number shown, then enter the transaction ID you received by SMS.",
    account: "+225 07 00 00 00 00",
    fee: 100,
  },
  {
    code: "mtn_momo",
    name: "MTN MoMo",
    type: "mobile_money",
    fr: "Envoyez le montant au numéro MTN Mobile Money indiqué, puis saisissez la référence de l'opération.",
    en: "Send the amount to the MTN Mobile Money number shown, then enter the operation reference.",
    account: "+225 05 00 00 00 00",
    fee: 100,
  },
  {
    code: "moov_money",
    name: "Moov Money",
    type: "mobile_money",
    fr: "Envoyez le montant au numéro Moov Money indiqué, puis saisissez la référence de l'opération.",
    en: "Send the amount to the Moov Money number shown, then enter the operation reference.",
    account: "+225 01 00 00 00 00",
    fee: 100,
  },
  {
    code: "wave",
    name: "Wave",
    type: "mobile_money",
    fr: "Envoyez le montant via Wave au numéro indiqué, puis saisissez l'ID de la transaction Wave.",
    en: "Send the amount with Wave to the number shown, then enter the Wave transaction ID.",
    account: "+225 07 11 11 11 11",
    fee: 0,
  },
  {
    code: "bank_transfer",
    name: "Virement bancaire",
    type: "bank",
    fr: "Effectuez un virement sur le compte indiqué avec votre nom d'utilisateur en libellé, puis saisissez la référence du virement.",
    en: "Make a transfer to the account shown with your username as the label, then enter the transfer reference.",
    account: "CI000 01234 000000000000 00",
    fee: 0,
  },
] as const;

const PLAN_SEED = [
  {
    slug: "starter",
    name: "Starter",
    price_monthly: "5000",
    price_yearly: "50000",
    max_customers: 500,
    custom_domain: 0,
    customer_api: 0,
    features: ["subdomain", "3 themes", "up to 500 customers"],
  },
  {
    slug: "business",
    name: "Business",
    price_monthly: "15000",
    price_yearly: "150000",
    max_customers: 5000,
    custom_domain: 1,
    customer_api: 1,
    features: ["custom domain", "3 themes", "up to 5,000 customers", "API for customers"],
  },
  {
    slug: "enterprise",
    name: "Enterprise",
    price_monthly: "40000",
    price_yearly: "400000",
    max_customers: null,
    custom_domain: 1,
    customer_api: 1,
    features: ["custom domain", "unlimited customers", "priority support"],
  },
] as const;

export const TEMPLATE_SEED = [
  { slug: "aurora", name: "Aurora", description: "Clair et moderne, dégradés doux / Light and modern with soft gradients" },
  { slug: "midnight", name: "Midnight", description: "Sombre et contrasté / Dark and high-contrast" },
  { slug: "savane", name: "Savane", description: "Chaleureux, couleurs de la terre / Warm, earthy colours" },
] as const;

/** Inserts a row unless one with the same key exists: seeders can run any number of times. */
async function ensure<T extends keyof Database>(
  ctx: Ctx,
  table: T,
  where: Partial<Insertable<Database[T]>>,
  values: Partial<Insertable<Database[T]>>,
): Promise<boolean> {
  // The table is chosen at run time: Kysely cannot type a generic table's columns, the caller's row is typed above.
  const db = ctx.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const name: string = table;
  let q = db.selectFrom(name).select("created_at");
  for (const [k, v] of Object.entries(where)) q = q.where(k, "=", v);
  if (await q.executeTakeFirst()) return false;
  const now = dbNow(ctx.clock);
  await db
    .insertInto(name)
    .values({ ...where, ...values, created_at: now, updated_at: now })
    .execute();
  return true;
}

async function seedPlatformSettings(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const [key, d] of Object.entries(SETTING_DEFAULTS)) {
    if (await ensure(ctx, "platform_settings", { key }, { value: d.value, type: d.type, group: d.group, description: d.description })) n++;
  }
  return n;
}

async function seedCategories(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const [i, [name, slug]] of CATEGORY_SEED.entries()) {
    if (await ensure(ctx, "categories", { slug }, { name, name_fr: frenchCategoryName(name), platform: slug, sort_order: i * 100 })) n++;
  }
  return n;
}

async function seedPaymentMethods(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const [i, p] of PAYMENT_METHOD_SEED.entries()) {
    const created = await ensure(
      ctx,
      "payment_methods",
      { site_id: PLATFORM_TENANT_ID, code: p.code },
      {
        name: p.name,
        type: p.type,
        instructions_fr: p.fr,
        instructions_en: p.en,
        account_name: "IzyBoost",
        account_number: p.account,
        currency: "XOF",
        min_amount: m("500"),
        max_amount: m("5000000"),
        sort_order: i,
      },
    );
    if (created) {
      n++;
      const method = await onPlatform(ctx.db).selectFrom("payment_methods").select("id").where("code", "=", p.code).executeTakeFirstOrThrow();
      const now = dbNow(ctx.clock);
      await ctx.db
        .insertInto("fee_structures")
        .values({ payment_method_id: method.id, name: `${p.name} fees`, percent_bp: p.fee, fixed_amount: 0, min_amount: 0, created_at: now, updated_at: now })
        .execute();
    }
  }
  return n;
}

async function seedWhiteLabelPlans(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const [i, p] of PLAN_SEED.entries()) {
    if (
      await ensure(
        ctx,
        "white_label_plans",
        { slug: p.slug },
        {
          name: p.name,
          description: null,
          price_monthly: m(p.price_monthly),
          price_yearly: m(p.price_yearly),
          max_customers: p.max_customers,
          allows_custom_domain: p.custom_domain,
          customer_api: p.customer_api,
          features: JSON.stringify(p.features),
          sort_order: i,
        },
      )
    )
      n++;
  }
  return n;
}

async function seedWhiteLabelTemplates(ctx: Ctx): Promise<number> {
  let n = 0;
  for (const [i, t] of TEMPLATE_SEED.entries()) {
    if (await ensure(ctx, "white_label_templates", { slug: t.slug }, { name: t.name, description: t.description, sort_order: i })) n++;
  }
  return n;
}

export const SEEDERS = {
  PlatformSettingsSeeder: seedPlatformSettings,
  CategoriesSeeder: seedCategories,
  PaymentMethodsSeeder: seedPaymentMethods,
  WhiteLabelPlansSeeder: seedWhiteLabelPlans,
  WhiteLabelTemplatesSeeder: seedWhiteLabelTemplates,
} as const;

export async function seedAll(ctx: Ctx): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, fn] of Object.entries(SEEDERS)) out[name] = await fn(ctx);
  return out;
}
