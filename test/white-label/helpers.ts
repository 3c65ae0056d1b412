import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DialectName } from "../../src/db/database.ts";
import type { Clock } from "../../src/lib/time.ts";
import { dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { fund } from "../harness/money.ts";
import { body, makePlatform, SITES as SITES_DOMAIN, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, post, registerThroughForm } from "../storefront/helpers.ts";

export { SITES, signUpAdmin } from "../harness/platform.ts";
export { balanceOf, expectLedgerHolds, fund } from "../harness/money.ts";

/** A platform whose uploads go to a temporary DATA_DIR, removed on close. */
export async function whiteLabelPlatform(
  dialect: DialectName,
  opts: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestPlatform & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "izy-wl-"));
  const p = await makePlatform(dialect, { DATA_DIR: dataDir, ...opts.env }, { clock: opts.clock });
  const close = p.close;
  return {
    ...p,
    dataDir,
    async close() {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-up platform user with `funds` in their wallet. */
export async function reseller(p: TestPlatform, funds = "0") {
  const u = await signUp(p);
  if (funds !== "0") await fund(p, u.user.id, funds);
  return u;
}

export async function planBySlug(p: TestPlatform, slug: "starter" | "business" | "enterprise") {
  return p.services.db.selectFrom("white_label_plans").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
}

export async function firstTemplateId(p: TestPlatform): Promise<number> {
  return (await p.services.db.selectFrom("white_label_templates").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
}

/** Buys a site through the API; returns the response and its parsed body. */
export async function purchase(p: TestPlatform, token: string, input: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const plan = await planBySlug(p, "business");
  const json = {
    plan_id: plan.id,
    template_id: await firstTemplateId(p),
    billing_cycle: "monthly",
    site_name: "Boutique Test",
    slug: uniqueName("s").toLowerCase(),
    ...input,
  };
  const res = await p.request("/api/white-label/purchase", { method: "POST", token, json, headers });
  return { res, json, body: await body(res) };
}

/** A reseller with a freshly bought business site. */
export async function resellerWithSite(p: TestPlatform, funds = "100000") {
  const owner = await reseller(p, funds);
  const bought = await purchase(p, owner.token);
  if (bought.res.status !== 201) throw new Error(`purchase failed: ${bought.res.status} ${JSON.stringify(bought.body)}`);
  return { ...owner, site: bought.body.data as { uuid: string; slug: string; [k: string]: any } };
}

/** A catalogue service at a platform rate per 1000 (decimal string), in an existing category. */
export async function insertService(p: TestPlatform, opts: { rate: string; categorySlug?: string; name?: string }) {
  const db = p.services.db;
  const now = dbNow();
  const provider = await db.selectFrom("api_providers").select("id").executeTakeFirst();
  let providerId = provider?.id ?? null;
  if (!providerId) {
    const r = await db
      .insertInto("api_providers")
      .values({ name: "Test provider", url: "http://127.0.0.1:9/api/v2", api_key: "k", created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    providerId = Number(r.insertId);
  }
  const category = await db
    .selectFrom("categories")
    .select("id")
    .where("slug", "=", opts.categorySlug ?? "instagram")
    .executeTakeFirstOrThrow();
  const rate = parseMoney(opts.rate)!;
  const res = await db
    .insertInto("services")
    .values({
      provider_id: providerId,
      provider_service_id: uniqueName("ps"),
      category_id: category.id,
      name: opts.name ?? `Followers ${uniqueName()}`,
      provider_rate: rate,
      base_rate: rate,
      rate,
      min: 10,
      max: 100000,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  return { id: Number(res.insertId), categoryId: category.id };
}

export async function siteRow(p: TestPlatform, uuid: string) {
  return p.services.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", uuid).executeTakeFirstOrThrow();
}

/**
 * A platform user signed up through the forms who bought a site through the purchase form, confirmed
 * (the way a person does it); `jar` holds their platform session, `base` is the site's page.
 */
export async function ownerThroughForms(p: TestPlatform, opts: { funds?: string; template?: string; siteName?: string; slugPrefix?: string } = {}) {
  const HOST = "izyboost.test";
  const db = p.services.db;
  const { jar, username } = await registerThroughForm(p, HOST);
  const user = await db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
  await fund(p, user.id, opts.funds ?? "100000");
  const plan = await planBySlug(p, "business");
  const template = await db
    .selectFrom("white_label_templates")
    .select("id")
    .where("slug", "=", opts.template ?? "savane")
    .executeTakeFirstOrThrow();
  const slug = uniqueName(opts.slugPrefix ?? "wl").toLowerCase();
  const form = await get(p, HOST, "/white-label", jar);
  const bought = await post(p, HOST, "/white-label", jar, {
    confirm: "yes",
    _csrf: csrfFrom(form.html),
    plan_id: String(plan.id),
    template_id: String(template.id),
    billing_cycle: "monthly",
    site_name: opts.siteName ?? "Boost Bouaké",
    slug,
    custom_domain: "",
  });
  if (bought.res.status !== 303) throw new Error(`the purchase form answered ${bought.res.status}`);
  const site = await db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
  return {
    jar,
    user,
    site,
    uuid: site.uuid,
    host: `${site.slug}.${SITES_DOMAIN}`,
    base: `/white-label/sites/${site.uuid}`,
    r: { tenant: { kind: "site" as const, siteId: site.id, site } },
  };
}
