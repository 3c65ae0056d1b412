import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { ALL_PERMISSIONS, v2 } from "../developer-api/helpers.ts";
import { csrfFrom, get, post, registerThroughForm } from "../storefront/helpers.ts";
import {
  api,
  auditRows,
  customerOf,
  customerOrder,
  expectLedgerHolds,
  fund,
  insertService,
  resellerSite,
  whiteLabelPlatform,
  type Reseller,
} from "../reseller/helpers.ts";

const PLATFORM_HOST = "izyboost.test";

describeEachDialect("the catalogue in the site's own words", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let insta: { id: number; categoryId: number; name: string };
  let insta2: { id: number; categoryId: number; name: string };
  let tiktok: { id: number; categoryId: number; name: string };
  let categoryNames: Map<number, { name: string; name_fr: string | null; name_en: string | null }>;

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    const named = async (categorySlug: string, name: string) => ({ ...(await insertService(p, { rate: "1000", categorySlug, name })), name });
    insta = await named("instagram", `Instagram Followers Real ${uniqueName()}`);
    insta2 = await named("instagram", `Instagram Likes Fast ${uniqueName()}`);
    tiktok = await named("tiktok", `TikTok Views Instant ${uniqueName()}`);
    const rows = await p.services.db.selectFrom("categories").select(["id", "name", "name_fr", "name_en"]).execute();
    categoryNames = new Map(rows.map((r) => [r.id, r]));
  });
  afterAll(() => p.close());

  const call = (r: Reseller, path: string, init: { method?: string; json?: unknown; token?: string } = {}) =>
    p.request(api(r, `/catalogue${path}`), { method: init.method ?? "GET", json: init.json, token: init.token ?? r.token });
  const page = async (host: string, path: string) => {
    const res = await p.request(path, { host });
    return { status: res.status, html: await res.text() };
  };
  const siteRow = (r: Reseller) => p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", r.tenant.siteId).executeTakeFirstOrThrow();
  async function siteKey(r: Reseller) {
    const customer = await customerOf(p, r, "5000");
    return { customer, key: (await createApiKey(p.ctx(r.tenant), customer.id, { name: "panel", permissions: ALL_PERMISSIONS })).raw };
  }

  it("shows a service's and a category's own texts on the site in French and English, the platform's where the site wrote none, and leaves another site as it was", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const before = (await siteRow(a)).content_version;
    const set = await call(a, `/services/${insta.id}`, {
      method: "PUT",
      json: { name_fr: "Abonnés Premium Côte d'Ivoire", name_en: "Premium Followers", description_fr: "Livrés en 24 h, garantis 30 jours." },
    });
    expect(set.status).toBe(200);
    expect((await body(set)).data.texts).toEqual({
      name_fr: "Abonnés Premium Côte d'Ivoire",
      name_en: "Premium Followers",
      description_fr: "Livrés en 24 h, garantis 30 jours.",
      description_en: null,
    });
    const cat = await call(a, `/categories/${insta.categoryId}`, {
      method: "PUT",
      json: { name_fr: "Instagram : nos meilleures offres", description_en: "Our best Instagram offers" },
    });
    expect(cat.status).toBe(200);
    expect((await siteRow(a)).content_version).toBe(before + 2);

    const fr = await page(a.host, "/services?lang=fr");
    expect(fr.status).toBe(200);
    expect(fr.html).toContain("Abonnés Premium Côte d&#39;Ivoire");
    expect(fr.html).toContain("Instagram : nos meilleures offres");
    expect(fr.html).not.toContain(insta.name);
    expect(fr.html).toContain(insta2.name);
    const en = await page(a.host, "/services?lang=en");
    expect(en.html).toContain("Premium Followers");
    expect(en.html).toContain("Our best Instagram offers");
    expect(en.html).not.toContain("Instagram : nos meilleures offres");
    const platformCategory = categoryNames.get(insta.categoryId)!;
    expect(en.html).toContain(platformCategory.name_en || platformCategory.name);
    const servicePage = (await page(a.host, `/services/${insta.id}?lang=fr`)).html;
    expect(servicePage).toContain("Abonnés Premium Côte d&#39;Ivoire");
    expect(servicePage).toContain("Livrés en 24 h, garantis 30 jours.");

    // The other site, and the platform, keep the platform's words.
    const other = await page(b.host, "/services?lang=fr");
    expect(other.html).toContain(insta.name);
    expect(other.html).not.toContain("Abonnés Premium");
    expect(other.html).not.toContain("nos meilleures offres");
    expect((await page(PLATFORM_HOST, "/services?lang=fr")).html).not.toContain("Abonnés Premium");

    // The site's v2 answers name the service in the site's language.
    const { key } = await siteKey(a);
    const listed = (await v2(p, { key, action: "services" }, { host: a.host })).json as { service: number; name: string; category: string }[];
    expect(listed.find((s) => s.service === insta.id)).toMatchObject({ name: "Abonnés Premium Côte d'Ivoire", category: "Instagram : nos meilleures offres" });
    expect((await auditRows(p, "site_catalogue.service_texts", insta.id)).filter((r) => r.site_id === a.tenant.siteId)).toHaveLength(1);

    // Cleared: the platform's words are back.
    expect((await call(a, `/services/${insta.id}`, { method: "DELETE" })).status).toBe(200);
    const back = await page(a.host, "/services?lang=fr");
    expect(back.html).toContain(insta.name);
    expect(back.html).not.toContain("Abonnés Premium");
  });

  it("a hidden platform's services are not listed on the site's pages or v2 answers and cannot be ordered, by the form's chain or v2 add; shown again, they are back", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const hide = await call(a, "/platforms/tiktok", { method: "PUT", json: { hidden: true } });
    expect(hide.status).toBe(200);
    expect((await body(hide)).data).toMatchObject({ platform: "tiktok", hidden: true });
    expect((await page(a.host, "/services")).html).not.toContain(tiktok.name);
    expect((await page(a.host, "/")).html).not.toContain(tiktok.name);
    expect((await page(b.host, "/services")).html).toContain(tiktok.name);
    expect((await page(a.host, `/services/${tiktok.id}`)).status).toBe(404);

    const { customer, key } = await siteKey(a);
    const listed = (await v2(p, { key, action: "services" }, { host: a.host })).json as { service: number }[];
    expect(listed.map((s) => s.service)).toContain(insta.id);
    expect(listed.map((s) => s.service)).not.toContain(tiktok.id);
    const added = await v2(p, { key, action: "add", service: tiktok.id, link: "https://tiktok.com/@a/video/1", quantity: 100 }, { host: a.host });
    expect(added.json).toHaveProperty("error");
    expect(added.json).not.toHaveProperty("order");
    await expect(customerOrder(p, a, customer, tiktok.id, 100)).rejects.toMatchObject({ status: 422 });
    expect(await p.services.db.selectFrom("orders").select("id").where("site_id", "=", a.tenant.siteId).where("service_id", "=", tiktok.id).execute()).toEqual(
      [],
    );

    const show = await call(a, "/platforms/tiktok", { method: "PUT", json: { hidden: false } });
    expect((await body(show)).data.hidden).toBe(false);
    expect((await page(a.host, "/services")).html).toContain(tiktok.name);
    const ordered = await v2(p, { key, action: "add", service: tiktok.id, link: "https://tiktok.com/@a/video/1", quantity: 100 }, { host: a.host });
    expect(ordered.json).toHaveProperty("order");
    expect((await auditRows(p, "site_catalogue.platform_hide", "tiktok")).filter((r) => r.site_id === a.tenant.siteId)).toHaveLength(1);
    await expectLedgerHolds(p);
  });

  it("lists categories in the site's order and its featured ones first, marked, on the home page", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const order = async (r: Reseller) => ((await body(await call(r, ""))).data.categories as { id: number }[]).map((c) => c.id);
    const start = await order(a);
    expect(start.indexOf(insta.categoryId)).toBeLessThan(start.indexOf(tiktok.categoryId));
    // Up until TikTok's category comes first.
    for (let i = start.indexOf(tiktok.categoryId); i > 0; i--) {
      const moved = await call(a, `/categories/${tiktok.categoryId}/move`, { method: "POST", json: { direction: "up" } });
      expect(moved.status).toBe(200);
    }
    const now = await order(a);
    expect(now[0]).toBe(tiktok.categoryId);
    expect(now.slice(1)).toEqual(start.filter((id) => id !== tiktok.categoryId));
    // At the top already: nothing moves.
    await call(a, `/categories/${tiktok.categoryId}/move`, { method: "POST", json: { direction: "up" } });
    expect(await order(a)).toEqual(now);

    const html = (await page(a.host, "/services?lang=fr")).html;
    expect(html.indexOf(tiktok.name)).toBeGreaterThan(-1);
    expect(html.indexOf(tiktok.name)).toBeLessThan(html.indexOf(insta.name));
    const { key } = await siteKey(a);
    const listed = ((await v2(p, { key, action: "services" }, { host: a.host })).json as { service: number }[]).map((s) => s.service);
    expect(listed.indexOf(tiktok.id)).toBeLessThan(listed.indexOf(insta.id));
    // The other site keeps the platform's order.
    const otherHtml = (await page(b.host, "/services")).html;
    expect(otherHtml.indexOf(insta.name)).toBeLessThan(otherHtml.indexOf(tiktok.name));

    // Featured: Instagram's category goes first on the home page, with its mark, in each language.
    const featured = await call(a, `/categories/${insta.categoryId}`, { method: "PUT", json: { featured: true } });
    expect((await body(featured)).data.featured).toBe(true);
    for (const [lang, mark] of [
      ["fr", "À la une"],
      ["en", "Featured"],
    ] as const) {
      const home = (await page(a.host, `/?lang=${lang}`)).html;
      expect(home).toContain(mark);
      const tiles = [...home.matchAll(/<a class="category-tile( category-featured)?" href="\/services\?category=([^"]+)"/g)].map((m) => [m[2], Boolean(m[1])]);
      expect(tiles[0]).toEqual([expect.stringContaining("instagram"), true]);
      expect(tiles.filter(([, f]) => f)).toHaveLength(1);
    }
    expect((await page(b.host, "/?lang=fr")).html).not.toContain("À la une");
  });

  it("refuses bad input with 422 and the field named, changing nothing; another owner's site, an unknown service, category or platform are 404", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const before = await siteRow(a);
    const bad: [string, string, unknown, string][] = [
      ["PUT", `/services/${insta.id}`, { name_fr: "x".repeat(121) }, "name_fr"],
      ["PUT", `/services/${insta.id}`, { description_en: "d".repeat(2001) }, "description_en"],
      ["PUT", `/services/${insta.id}`, { name_en: 12 }, "name_en"],
      ["PUT", `/services/${insta.id}`, { name_fr: "ok", price: "1" }, "_"],
      ["PUT", `/categories/${insta.categoryId}`, { featured: "yes" }, "featured"],
      ["PUT", `/categories/${insta.categoryId}`, { name_en: "y".repeat(121) }, "name_en"],
      ["POST", `/categories/${insta.categoryId}/move`, { direction: "left" }, "direction"],
      ["PUT", "/platforms/instagram", { hidden: "true" }, "hidden"],
      ["PUT", "/platforms/instagram", {}, "hidden"],
    ];
    for (const [method, path, json, field] of bad) {
      const res = await call(a, path, { method, json });
      expect(res.status, `${method} ${path} ${field}`).toBe(422);
      const details = (await body(res)).error.details;
      expect(field === "_" ? Object.keys(details).length : details[field], `${method} ${path} ${field}`).toBeTruthy();
    }
    expect(await siteRow(a)).toEqual(before);
    expect(await p.services.db.selectFrom("site_service_texts").select("id").where("site_id", "=", a.tenant.siteId).execute()).toEqual([]);

    for (const [method, path, json] of [
      ["PUT", "/services/99999999", { name_fr: "x" }],
      ["GET", "/categories/99999999", undefined],
      ["PUT", "/platforms/myspace", { hidden: true }],
      ["PUT", "/services/1e3", { name_fr: "x" }],
    ] as const) {
      expect((await call(a, path, { method, json })).status, path).toBe(404);
    }
    // Another reseller (b) names a's site: 404 for reads and writes, and nothing changes.
    for (const [method, path, json] of [
      ["GET", "", undefined],
      ["PUT", `/services/${insta.id}`, { name_fr: "Pris" }],
      ["PUT", "/platforms/instagram", { hidden: true }],
      ["POST", `/categories/${insta.categoryId}/move`, { direction: "down" }],
    ] as const) {
      expect((await call(a, path, { method, json, token: b.token })).status, path).toBe(404);
    }
    expect(await siteRow(a)).toEqual(before);
  });

  it("the catalogue page renames, orders, features and hides in French and English; a refused text keeps what was typed and names the field", async () => {
    const { jar, username } = await registerThroughForm(p, PLATFORM_HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    await fund(p, user.id, "20000");
    const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "aurora").executeTakeFirstOrThrow();
    const slug = `cat${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const bought = await post(p, PLATFORM_HOST, "/white-label", jar, {
      confirm: "yes",
      _csrf: csrfFrom((await get(p, PLATFORM_HOST, "/white-label", jar)).html),
      plan_id: String(plan.id),
      template_id: String(template.id),
      billing_cycle: "monthly",
      site_name: "Boutique Mots",
      slug,
      custom_domain: "",
    });
    expect(bought.res.status).toBe(303);
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
    const host = `${slug}.sites.izyboost.test`;
    const path = `/white-label/sites/${site.uuid}/catalogue`;
    const submit = async (action: string, fields: Record<string, string>) =>
      post(p, PLATFORM_HOST, `${path}${action}`, jar, { _csrf: csrfFrom((await get(p, PLATFORM_HOST, path, jar)).html), ...fields });

    expect((await get(p, PLATFORM_HOST, `/white-label/sites/${site.uuid}`, jar)).html).toContain(`href="${path}"`);
    for (const [lang, words] of [
      ["fr", ["Réseaux", "Catégories", "Mettre à la une", "Masquer TikTok", "Renommer"]],
      ["en", ["Networks", "Categories", "Feature", "Hide TikTok", "Rename"]],
    ] as const) {
      const { res, html } = await get(p, PLATFORM_HOST, `${path}?lang=${lang}`, jar);
      expect(res.status).toBe(200);
      for (const w of words) expect(html).toContain(w);
      expect(html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    const search = await get(p, PLATFORM_HOST, `${path}?q=${encodeURIComponent(insta2.name.split(" ").at(-1)!)}`, jar);
    expect(search.html).toContain(`href="${path}/services/${insta2.id}"`);
    expect(search.html).not.toContain(`href="${path}/services/${tiktok.id}"`);

    // A service's texts: a name over the limit is refused in the page's language, what was typed kept.
    const servicePath = `${path}/services/${insta2.id}`;
    const form = await get(p, PLATFORM_HOST, `${servicePath}?lang=fr`, jar);
    expect(form.html).toContain('name="description_en"');
    const tooLong = "N".repeat(121);
    const refused = await post(p, PLATFORM_HOST, `${servicePath}?lang=fr`, jar, {
      _csrf: csrfFrom(form.html),
      name_fr: tooLong,
      name_en: "Likes that last",
      description_fr: "",
      description_en: "",
    });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain(`value="${tooLong}"`);
    expect(refused.html).toContain('value="Likes that last"');
    expect(refused.html).toMatch(/id="f-name_fr-error">120 caractères au plus/);
    expect((await page(host, "/services?lang=en")).html).not.toContain("Likes that last");

    const saved = await post(p, PLATFORM_HOST, servicePath, jar, {
      _csrf: csrfFrom(form.html),
      name_fr: "J'aime durables",
      name_en: "Likes that last",
      description_fr: "",
      description_en: "",
    });
    expect(saved.res.status).toBe(303);
    expect((await page(host, "/services?lang=en")).html).toContain("Likes that last");
    expect((await page(host, "/services?lang=fr")).html).toContain("J&#39;aime durables");

    // Category: renamed through its page; moved, featured and its platform hidden from the list.
    const categoryPath = `${path}/categories/${insta.categoryId}`;
    const catForm = await get(p, PLATFORM_HOST, categoryPath, jar);
    expect(
      (
        await post(p, PLATFORM_HOST, categoryPath, jar, {
          _csrf: csrfFrom(catForm.html),
          name_fr: "Insta du Plateau",
          name_en: "",
          description_fr: "",
          description_en: "",
        })
      ).res.status,
    ).toBe(303);
    expect((await page(host, "/services?lang=fr")).html).toContain("Insta du Plateau");
    expect((await submit(`/categories/${insta.categoryId}/feature`, { featured: "1" })).res.status).toBe(303);
    expect((await page(host, "/?lang=fr")).html).toContain("À la une");
    expect((await submit(`/categories/${tiktok.categoryId}/move`, { direction: "up" })).res.status).toBe(303);
    const hidden = await submit("/platforms/tiktok", { hidden: "1" });
    expect(hidden.res.status).toBe(303);
    expect((await page(host, "/services")).html).not.toContain(tiktok.name);
    const after = await get(p, PLATFORM_HOST, `${path}?lang=en&done=hidden`, jar);
    expect(after.html).toContain("Network hidden on your site.");
    expect(after.html).toContain("Show TikTok");
    expect([...missingTranslations()]).toEqual([]);
  });
});
