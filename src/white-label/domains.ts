import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError, Validation, fieldError } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { customDomainProblem } from "./hostnames.ts";
import type { Plan } from "./view.ts";
import { siteById } from "./sites.ts";

/** A fresh secret for the `_izyboost.<domain>` TXT record. */
export function newDomainToken(): string {
  return randomBytes(16).toString("hex");
}

/** Why this site cannot use `domain` (its plan, the platform's own names, another site's verified domain). */
export async function domainErrors(ctx: Ctx, plan: Pick<Plan, "allows_custom_domain">, domain: string, siteId?: number): Promise<string[]> {
  if (!plan.allows_custom_domain) return ["Your plan does not include custom domains"];
  const problem = customDomainProblem(domain, ctx.config);
  if (problem) return [problem];
  let q = ctx.db.selectFrom("white_label_sites").select("id").where("custom_domain", "=", domain).where("domain_verified_at", "is not", null);
  if (siteId) q = q.where("id", "!=", siteId);
  return (await q.executeTakeFirst()) ? ["This domain is already in use by another site"] : [];
}

/** How long an unverified claim holds a domain against other sites: time to publish a TXT record, not to squat a name. */
const DOMAIN_CLAIM_HOLD_MS = 7 * 86_400_000;

/** Claims made before this instant have lapsed if still unverified. */
const claimCutoff = (ctx: Ctx) => dbNow(ctx.clock, -DOMAIN_CLAIM_HOLD_MS);

/** A domain another site is still proving (its unverified claim has not lapsed) cannot be taken over or reset: 409. */
export async function assertNoPendingClaim(ctx: Ctx, domain: string, siteId?: number): Promise<void> {
  let q = ctx.db
    .selectFrom("white_label_sites")
    .select("id")
    .where("custom_domain", "=", domain)
    .where("domain_verified_at", "is", null)
    .where("domain_claimed_at", ">=", claimCutoff(ctx));
  if (siteId) q = q.where("id", "!=", siteId);
  if (await q.executeTakeFirst()) {
    const message = "This domain is in use: another site is verifying it; it becomes free if that site does not prove ownership within 7 days";
    throw new AppError(409, "domain_claimed", message, { custom_domain: [message] });
  }
}

/**
 * An unverified claim reserves a domain for a while only: once it lapses, a new claim releases
 * it (and the first to verify keeps the name), so a squatter cannot hold a domain for good.
 */
export async function releaseUnverifiedClaims(ctx: Ctx, domain: string, exceptSiteId?: number): Promise<void> {
  let q = ctx.db
    .updateTable("white_label_sites")
    .set({ custom_domain: null, domain_verified_at: null, domain_claimed_at: null, domain_token: newDomainToken(), updated_at: dbNow(ctx.clock) })
    .where("custom_domain", "=", domain)
    .where("domain_verified_at", "is", null)
    .where((eb) => eb.or([eb("domain_claimed_at", "is", null), eb("domain_claimed_at", "<", claimCutoff(ctx))]));
  if (exceptSiteId) q = q.where("id", "!=", exceptSiteId);
  await q.execute();
}

const txtRecordName = (domain: string) => `_izyboost.${domain}`;
const txtRecordValue = (token: string) => `izyboost-verify=${token}`;

/**
 * Sets or clears a site's custom domain. A new domain starts unverified with a new token and
 * does not serve the site until verified; setting the same domain again changes nothing.
 */
export async function setCustomDomain(ctx: Ctx, site: Site, domain: string | null): Promise<Site> {
  if (domain === site.custom_domain) return site;
  if (domain) {
    const plan = await ctx.db.selectFrom("white_label_plans").select("allows_custom_domain").where("id", "=", site.plan_id).executeTakeFirstOrThrow();
    const problems = await domainErrors(ctx, plan, domain, site.id);
    if (problems.length) throw new Validation({ custom_domain: problems });
    await assertNoPendingClaim(ctx, domain, site.id);
  }
  try {
    await withTransaction(ctx, async (tx) => {
      if (domain) await releaseUnverifiedClaims(tx, domain, site.id);
      await tx.db
        .updateTable("white_label_sites")
        .set({
          custom_domain: domain,
          domain_verified_at: null,
          domain_claimed_at: domain ? dbNow(tx.clock) : null,
          domain_token: newDomainToken(),
          updated_at: dbNow(tx.clock),
        })
        .where("id", "=", site.id)
        .execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("custom_domain", "This domain is already in use by another site");
    throw err;
  }
  ctx.events.siteChanged(site.id);
  return siteById(ctx, site.id);
}

async function lookupTxt(ctx: Ctx, name: string): Promise<string[]> {
  try {
    return (await ctx.dns.resolveTxt(name)).map((chunks) => chunks.join(""));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENODATA" || code === "ENOTFOUND") return [];
    throw new AppError(422, "domain_lookup_failed", "The DNS lookup failed; try again in a few minutes", {
      custom_domain: [`DNS lookup of ${name} failed (${code ?? "error"})`],
    });
  }
}

/**
 * Proves ownership of the custom domain: `_izyboost.<domain>` must hold a TXT record
 * `izyboost-verify=<token>`. On success the domain serves the site at once.
 */
export async function verifyCustomDomain(ctx: Ctx, site: Site): Promise<Site> {
  const domain = site.custom_domain;
  if (!domain || !site.domain_token) throw fieldError("custom_domain", "Set a custom domain first");
  if (site.domain_verified_at) return site;
  const name = txtRecordName(domain);
  const expected = txtRecordValue(site.domain_token);
  const found = await lookupTxt(ctx, name);
  if (!found.some((v) => v.trim() === expected)) {
    throw new AppError(422, "domain_not_verified", `The TXT record ${name} does not contain ${expected} yet`, {
      custom_domain: [found.length ? `No TXT record at ${name} matches the expected value` : `No TXT record found at ${name}`],
      expected: [`${name} TXT "${expected}"`],
      found,
    });
  }
  // Conditional on the token: a domain changed meanwhile is not verified by an old record.
  await ctx.db
    .updateTable("white_label_sites")
    .set({ domain_verified_at: dbNow(ctx.clock), updated_at: dbNow(ctx.clock) })
    .where("id", "=", site.id)
    .where("custom_domain", "=", domain)
    .where("domain_token", "=", site.domain_token)
    .execute();
  ctx.events.siteChanged(site.id);
  return siteById(ctx, site.id);
}

/**
 * Caddy's on-demand TLS question: may a certificate be issued for `host`? Yes only for a serving
 * (active or grace) site's verified custom domain or its `<slug>.<SITES_DOMAIN>`. One indexed lookup, no DNS.
 */
export async function tlsCertificateAllowed(ctx: Ctx, host: string): Promise<boolean> {
  const suffix = `.${ctx.config.SITES_DOMAIN}`;
  let q = ctx.db.selectFrom("white_label_sites").select("id").where("status", "in", ["active", "grace"]);
  if (host.endsWith(suffix)) {
    const slug = host.slice(0, -suffix.length);
    if (!/^[a-z0-9-]{1,63}$/.test(slug)) return false;
    q = q.where("slug", "=", slug);
  } else {
    if (!/^[a-z0-9.-]{1,253}$/.test(host)) return false;
    q = q.where("custom_domain", "=", host).where("domain_verified_at", "is not", null);
  }
  return (await q.executeTakeFirst()) !== undefined;
}
