import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, assert, beforeAll, expect, it } from "vitest";
import { plainSpaces } from "../harness/money.ts";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { siteRate } from "../../src/pricing/pricing.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { dbNow } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { TEMPLATE_SEED } from "../../src/seed/seeders.ts";
import { get, insertCatalog, insertSite, Jar, SITES } from "./helpers.ts";
import { Hono } from "hono";
import type { AppEnv } from "../../src/http/env.ts";
import { suspendedSitePage } from "../../src/storefront/routes.ts";

const XSS = "<script>alert(1)</script>";
const ATTR = '"><img src=x onerror=alert(1)>';

describeEachDialect("storefront pages", (dialect) => {
  let p: TestPlatform;
  let dataDir: string;
  let catalog: Awaited<ReturnType<typeof insertCatalog>>;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "izy-store-"));
    p = await makePlatform(dialect, { DATA_DIR: dataDir });
    catalog = await insertCatalog(p, [
      { name: "Followers Alpha", rate: "1000" },
      { name: "Likes Beta", rate: "250.5" },
      { name: "Views Hidden", rate: "80" },
      { name: "Retired Delta", rate: "90", inactive: true },
    ]);
  });
  afterAll(async () => {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const { slug: theme } of TEMPLATE_SEED) {
    it(`a ${theme} site renders its public pages in French and English with no missing translation`, async () => {
      const { host, site } = await insertSite(p, { theme });
      for (const lang of ["fr", "en"]) {
        for (const [path, status] of [
          ["/", 200],
          ["/services", 200],
          [`/services/${catalog.serviceIds[0]}`, 200],
          ["/login", 200],
          ["/register", 200],
          ["/no-such-page", 404],
        ] as const) {
          const res = await p.request(`${path}${path.includes("?") ? "&" : "?"}lang=${lang}`, { host });
          const html = await res.text();
          expect(res.status, `${theme} ${path}`).toBe(status);
          expect(html).toContain(`<html lang="${lang}"`);
          expect(html).toContain(`/assets/${theme}/theme.css?v=`);
          expect(html).toMatch(new RegExp(`<title>[^<]*${site.name}[^<]*</title>`));
          expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self';.*style-src 'self' 'sha256-/);
        }
      }
      const catalogue = await (await p.request("/services?lang=en", { host })).text();
      expect(catalogue).toContain("<title>Catalogue · Shop");
      expect([...missingTranslations()]).toEqual([]);
    });
  }

  it("the platform renders with its own look on the main host", async () => {
    const res = await p.request("/");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("/assets/platform/theme.css");
    expect(html).toContain("IzyBoost");
  });

  it("a site's catalogue shows the site's prices from the pricing module and hides hidden and inactive services", async () => {
    const { host, site } = await insertSite(p, { extra: { default_margin_bp: 2500, currency: "XOF" } });
    const now = dbNow();
    const [alpha, beta, hidden, retired] = catalog.serviceIds;
    assert(beta !== undefined && hidden !== undefined);
    await p.services.db
      .insertInto("site_price_rules")
      .values([
        { site_id: site.id, scope: "service", target_id: hidden, hidden: 1, margin_bp: null, fixed_rate: null, created_at: now, updated_at: now },
        { site_id: site.id, scope: "service", target_id: beta, margin_bp: null, fixed_rate: parseMoney("400")!, hidden: 0, created_at: now, updated_at: now },
      ])
      .execute();
    p.services.events.siteChanged(site.id);
    const html = await (await p.request(`/services?category=${catalog.categorySlug}&lang=en`, { host })).text();
    expect(html).toContain(displayMoney(siteRate(parseMoney("1000")!, 2500), "XOF", "en"));
    // Intl's English for XOF, no-break spaces made plain.
    expect(plainSpaces(displayMoney(siteRate(parseMoney("1000")!, 2500), "XOF", "en"))).toBe("F CFA 1,250");
    expect(plainSpaces(html)).toContain("F CFA 400");
    expect(html).toContain("Followers Alpha");
    expect(html).not.toContain("Views Hidden");
    expect(html).not.toContain("Retired Delta");
    expect((await p.request(`/services/${hidden}`, { host })).status).toBe(404);
    expect((await p.request(`/services/${retired}`, { host })).status).toBe(404);
    // The platform sells at its own price.
    const platform = await (await p.request(`/services/${alpha}?lang=fr`)).text();
    expect(platform).toContain(displayMoney(parseMoney("1000")!, "XOF", "fr"));
    expect(platform).not.toContain(displayMoney(parseMoney("1250")!, "XOF", "fr"));
  });

  it("the catalogue searches by name and filters by category", async () => {
    const { host } = await insertSite(p);
    const found = await (await p.request("/services?q=likes%20BETA", { host })).text();
    expect(found).toContain("Likes Beta");
    expect(found).not.toContain("Followers Alpha");
    const none = await (await p.request(`/services?q=${encodeURIComponent(XSS)}`, { host })).text();
    expect(none).not.toContain(XSS);
    expect(none).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const other = await (await p.request("/services?category=instagram", { host })).text();
    expect(other).not.toContain("Followers Alpha");
    const own = await (await p.request(`/services?category=${catalog.categorySlug}`, { host })).text();
    expect(own).toContain("Followers Alpha");
  });

  it("reseller-typed name, tagline and branding are escaped or refused, never rendered raw", async () => {
    const branding = {
      tagline: ATTR,
      hero_title: XSS,
      hero_subtitle: XSS,
      footer_text: XSS,
      announcement: ATTR,
      primary_color: "red;}</style><script>alert(1)</script>",
      instagram_url: "javascript:alert(1)",
      facebook_url: `https://example.com/"${ATTR}`,
      contact_email: ATTR,
      contact_telegram: "javascript:alert(1)",
      contact_whatsapp: "+225 07 07 07 07",
    };
    const { host } = await insertSite(p, { extra: { name: XSS, branding: JSON.stringify(branding) } });
    for (const path of ["/", "/services", "/login", "/nowhere"]) {
      const html = await (await p.request(path, { host })).text();
      expect(html, path).not.toContain(XSS);
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).not.toMatch(/href="javascript:/i);
      expect(html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(html, path).toMatch(/<style>:root\{--primary-color:#6d28d9;/);
      expect(html, path).toContain('href="https://wa.me/22507070707"');
      expect(html, path).not.toContain("mailto:");
    }
  });

  it("robots.txt and sitemap.xml use the stored domain, whatever the Host or X-Forwarded-Host says", async () => {
    const custom = await insertSite(p, { extra: { custom_domain: `shop-${Date.now()}.example`, domain_verified_at: dbNow() } });
    const spoof = { "x-forwarded-host": "evil.example" };
    const sitemap = await (await p.request("/sitemap.xml", { host: custom.host, headers: spoof })).text();
    expect(sitemap).toContain(`<loc>https://${custom.site.custom_domain}/services/${catalog.serviceIds[0]}</loc>`);
    expect(sitemap).not.toContain("evil.example");
    expect(sitemap).not.toContain(SITES);
    const robots = await (await p.request("/robots.txt", { host: custom.site.custom_domain!, headers: spoof })).text();
    expect(robots).toContain(`Sitemap: https://${custom.site.custom_domain}/sitemap.xml`);
    expect(robots).toContain("Disallow: /account");

    const unverified = await insertSite(p, { extra: { custom_domain: `pending-${Date.now()}.example` } });
    const r2 = await (await p.request("/robots.txt", { host: unverified.host, headers: spoof })).text();
    expect(r2).toContain(`Sitemap: http://${unverified.host}/sitemap.xml`);

    const platform = await (await p.request("/sitemap.xml", { host: "localhost:8000", headers: spoof })).text();
    expect(platform).toContain("<loc>http://izyboost.test/services</loc>");
    expect(platform).not.toContain("localhost");
  });

  it("the language is the site's default, switchable with ?lang= and remembered in a cookie", async () => {
    const { host } = await insertSite(p, { extra: { language: "en" } });
    const jar = new Jar();
    expect((await get(p, host, "/", jar)).html).toContain('<html lang="en"');
    const switched = await get(p, host, "/services?lang=fr", jar);
    expect(switched.html).toContain('<html lang="fr"');
    expect(switched.html).toContain("Rechercher un service");
    expect(jar.raw.find((c) => c.startsWith("izy_lang=fr"))).toMatch(/HttpOnly/i);
    expect((await get(p, host, "/login", jar)).html).toContain('<html lang="fr"');
    expect((await get(p, host, "/login?lang=en", jar)).html).toContain("E-mail or username");
  });

  it("cached public pages change when the site or the catalogue changes", async () => {
    const { host, site } = await insertSite(p);
    expect(await (await p.request("/", { host })).text()).toContain(`Shop ${site.slug}`);
    await p.services.db.updateTable("white_label_sites").set({ name: "Renamed Shop" }).where("id", "=", site.id).execute();
    p.invalidateTenants();
    p.services.events.siteChanged(site.id);
    expect(await (await p.request("/", { host })).text()).toContain("Renamed Shop");

    const [serviceId] = catalog.serviceIds;
    assert(serviceId !== undefined);
    const path = `/services/${serviceId}?lang=en`;
    expect(plainSpaces(await (await p.request(path, { host })).text())).toContain("F CFA 1,300");
    await p.services.db
      .updateTable("services")
      .set({ rate: parseMoney("2000")! })
      .where("id", "=", serviceId)
      .execute();
    expect(plainSpaces(await (await p.request(path, { host })).text())).toContain("F CFA 1,300");
    p.services.events.catalogChanged();
    expect(plainSpaces(await (await p.request(path, { host })).text())).toContain("F CFA 2,600");
    await p.services.db
      .updateTable("services")
      .set({ rate: parseMoney("1000")! })
      .where("id", "=", serviceId)
      .execute();
    p.services.events.catalogChanged();
  });

  it("theme assets are served with long cache headers; anything outside the theme folders is not", async () => {
    const html = await (await p.request("/")).text();
    const href = /href="(\/assets\/platform\/base\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
    assert(href, "the page links its theme's stylesheet");
    const css = await p.request(href);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(css.headers.get("cache-control")).toContain("immutable");
    const script = await p.request("/assets/savane/order-form.js");
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(script.headers.get("cache-control")).not.toContain("immutable");
    for (const bad of ["/assets/aurora/..%2f..%2fpackage.json", "/assets/aurora/theme.json", "/assets/_base/base.css", "/assets/nope/theme.css"]) {
      expect((await p.request(bad)).status, bad).toBe(404);
    }
  });

  it("a site serves its own uploads and derived favicon on its own host only", async () => {
    const a = await insertSite(p, { extra: { logo_path: "logo-abc123.png" } });
    const b = await insertSite(p);
    const dir = join(dataDir, "uploads", "sites", a.site.uuid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "logo-abc123.png"), "PNGDATA-A");
    writeFileSync(join(dir, "favicon-32.png"), "FAVICON-A");
    writeFileSync(join(dir, "favicon-180.png"), "FAVICON-180");
    const logoUrl = `/uploads/sites/${a.site.uuid}/logo-abc123.png`;
    expect(await (await p.request("/", { host: a.host })).text()).toContain(`src="${logoUrl}?v=${a.site.content_version}"`);
    const own = await p.request(logoUrl, { host: a.host });
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("image/png");
    expect((await p.request(logoUrl, { host: b.host })).status).toBe(404);
    expect((await p.request(logoUrl)).status).toBe(404);
    expect((await p.request(`/uploads/sites/${a.site.uuid}/..%2f..%2fkeys%2fstorefront.key`, { host: a.host })).status).toBe(404);
    const fav = await p.request("/favicon.ico", { host: a.host });
    expect(await fav.text()).toBe("FAVICON-A");
    const fallback = await p.request("/favicon.ico", { host: b.host });
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get("content-type")).toBe("image/x-icon");
  });

  it("an unknown page on a site is the site's own themed 404, an unknown API route stays JSON", async () => {
    const { host, site } = await insertSite(p, { theme: "midnight" });
    const res = await p.request("/definitely/not/here", { host });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain(site.name);
    expect(html).toContain("/assets/midnight/theme.css");
    const api = await p.request("/api/v2/nope", { host });
    expect(api.headers.get("content-type")).toContain("application/json");
  });

  it("a suspended site's 503 page can be rendered in its own theme and language", async () => {
    const { site } = await insertSite(p, { theme: "savane", extra: { status: "suspended", language: "en", name: "Closed <b>Shop</b>" } });
    const app = new Hono<AppEnv>();
    app.use("*", async (c, next) => {
      c.set("services", p.services);
      c.set("tenant", { kind: "site", siteId: site.id, site: { ...site, status: "suspended" } });
      c.set("user", null);
      c.set("session", null);
      c.set("requestId", "r");
      await next();
    });
    app.get("*", (c) => suspendedSitePage(c));
    const res = await app.request("http://x/anything");
    const html = await res.text();
    expect(res.status).toBe(503);
    expect(html).toContain('<html lang="en"');
    expect(html).toContain("/assets/savane/theme.css");
    expect(html).toContain("Closed &lt;b&gt;Shop&lt;/b&gt;");
    expect(html).toContain("This site is suspended.");
  });
});
