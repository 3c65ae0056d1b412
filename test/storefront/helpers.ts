import { randomUUID } from "node:crypto";
import { dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { SITES, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";

export { SITES };

/** A white-label site row written directly (as the purchase API would), on the given theme. */
export async function insertSite(p: TestPlatform, opts: { slug?: string; theme?: string; extra?: Record<string, unknown> } = {}) {
  const owner = await signUp(p);
  const slug = opts.slug ?? uniqueName("s").toLowerCase();
  const template = await p.services.db
    .selectFrom("white_label_templates")
    .select("id")
    .where("slug", "=", opts.theme ?? "aurora")
    .executeTakeFirstOrThrow();
  // The business plan: its customers may use the API (starter's may not: src/tenancy/plan-limits.ts).
  const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
  const now = dbNow();
  const uuid = randomUUID();
  await p.services.db
    .insertInto("white_label_sites")
    .values({
      uuid,
      owner_id: owner.user.id,
      plan_id: plan.id,
      template_id: template.id,
      name: `Shop ${slug}`,
      slug,
      created_at: now,
      updated_at: now,
      ...opts.extra,
    })
    .execute();
  p.invalidateTenants();
  const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", uuid).executeTakeFirstOrThrow();
  return { site, owner, host: `${slug}.${SITES}` };
}

/** A provider, one category and services inserted directly; rates are platform prices per 1000. */
export async function insertCatalog(
  p: TestPlatform,
  services: { name: string; rate: string; hidden?: boolean; inactive?: boolean; type?: string; min?: number; max?: number }[],
) {
  const db = p.services.db;
  const now = dbNow();
  const tag = uniqueName("c").toLowerCase();
  const prov = await db
    .insertInto("api_providers")
    .values({ name: `Prov ${tag}`, url: "http://127.0.0.1:1/api/v2", api_key: "k", created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const providerId = Number(prov.insertId);
  const cat = await db
    .insertInto("categories")
    .values({ name: `Category ${tag}`, slug: tag, platform: "instagram", sort_order: 1, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const categoryId = Number(cat.insertId);
  const ids: number[] = [];
  for (const [i, s] of services.entries()) {
    const rate = parseMoney(s.rate)!;
    const res = await db
      .insertInto("services")
      .values({
        provider_id: providerId,
        provider_service_id: `${tag}-${i}`,
        category_id: categoryId,
        name: s.name,
        type: s.type ?? "Default",
        provider_rate: rate,
        base_rate: rate,
        rate,
        min: s.min ?? 10,
        max: s.max ?? 100000,
        is_active: s.inactive ? 0 : 1,
        sort_order: i,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    ids.push(Number(res.insertId));
  }
  p.services.events.catalogChanged();
  return { categoryId, categorySlug: tag, serviceIds: ids };
}

/** A tiny cookie jar: what a browser on one host would keep and send back. */
export class Jar {
  readonly cookies = new Map<string, string>();
  readonly raw: string[] = [];
  take(res: Response): Response {
    for (const line of res.headers.getSetCookie()) {
      this.raw.push(line);
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error("no CSRF field in page");
  return token;
}

/** A browser-like visit: GET with the jar's cookies, keeping what the server sets. */
export async function get(p: TestPlatform, host: string, path: string, jar: Jar, headers: Record<string, string> = {}) {
  const res = jar.take(await p.request(path, { host, headers: { cookie: jar.header(), ...headers } }));
  return { res, html: await res.text() };
}

/** Submits a form the way a browser does (urlencoded, with the jar's cookies). */
export async function post(p: TestPlatform, host: string, path: string, jar: Jar, fields: Record<string, string>) {
  const res = await p.request(path, {
    host,
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
  });
  jar.take(res);
  return { res, html: await res.text() };
}

/** Signs up through the storefront's own register form; returns the jar holding the session. */
export async function registerThroughForm(p: TestPlatform, host: string, opts: { email?: string; username?: string; password?: string } = {}) {
  const jar = new Jar();
  const page = await get(p, host, "/register", jar);
  const username = opts.username ?? uniqueName("c");
  const res = await post(p, host, "/register", jar, {
    _csrf: csrfFrom(page.html),
    username,
    email: opts.email ?? `${username}@example.com`,
    password: opts.password ?? "correct-horse-9",
    password_confirmation: opts.password ?? "correct-horse-9",
  });
  return { jar, res: res.res, html: res.html, username };
}

export const sessionCookie = (jar: Jar) => jar.cookies.get("izy_session");
