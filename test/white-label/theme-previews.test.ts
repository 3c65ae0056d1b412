import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { displayRate } from "../../src/storefront/format.ts";
import { siteRate } from "../../src/pricing/pricing.ts";
import { NEW_SITE_MARGIN_BP } from "../../src/white-label/purchase.ts";
import { csrfFrom, get, insertCatalog, Jar, post } from "../storefront/helpers.ts";
import { ownerThroughForms, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";
const THEMES = ["aurora", "midnight", "savane"] as const;

/** The catalogue table's price of each service id shown. */
function pricesById(html: string): Map<number, string> {
  return new Map([...html.matchAll(/class="cell-id">(\d+)<\/td>[\s\S]*?class="cell-price"><strong>([^<]+)<\/strong>/g)].map((m) => [Number(m[1]), m[2]!]));
}

/** Every href and form action of a page, in document order. */
function targets(html: string): string[] {
  return [...html.matchAll(/\s(?:href|action)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

describeEachDialect("theme previews: each theme's demo storefront before buying, a site's own branding in another theme before switching", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    await insertCatalog(p, [
      { name: "Abonnés Instagram", rate: "1234.5" },
      { name: "J'aime Instagram", rate: "480" },
    ]);
  });
  afterAll(() => p.close());

  async function owner() {
    const o = await ownerThroughForms(p, { funds: "20000", siteName: "Boutique Kora", slugPrefix: "pv" });
    const token = async () => csrfFrom((await get(p, HOST, o.base, o.jar)).html);
    return { jar: o.jar, site: o.site, page: o.base, storefront: `${o.base}/storefront`, host: o.host, token };
  }

  const siteRow = (id: number) => p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("the purchase page links each installed theme's demo storefront, which renders in that theme with a demo brand, labelled, not indexed, in both languages", async () => {
    const purchase = (await get(p, HOST, "/white-label", new Jar())).html;
    const templates = await p.services.db.selectFrom("white_label_templates").select("slug").where("is_active", "=", 1).execute();
    expect(templates.map((t) => t.slug).sort()).toEqual([...THEMES]);
    for (const slug of THEMES) {
      expect(purchase).toContain(`href="/white-label/themes/${slug}/demo"`);
      for (const [lang, label, buy] of [
        ["fr", "Aperçu", "Choisir mon site"],
        ["en", "Preview", "Get my site"],
      ] as const) {
        for (const path of [`/white-label/themes/${slug}/demo`, `/white-label/themes/${slug}/demo/services`]) {
          const res = await p.request(`${path}?lang=${lang}`, { host: HOST });
          const html = await res.text();
          expect(res.status, path).toBe(200);
          expect(html).toContain(`/assets/${slug}/theme.css`);
          expect(html).toContain(`theme-${slug}`);
          expect(html).toContain('class="preview-banner"');
          expect(html).toContain(label);
          expect(html).toContain(buy);
          expect(html).toContain(lang === "fr" ? "Ma Boutique SMM" : "My SMM Shop");
          expect(html).toMatch(/<meta name="robots" content="noindex/);
          expect(res.headers.get("x-robots-tag")).toContain("noindex");
          expect(res.headers.get("cache-control")).toContain("no-store");
          expect(html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
          // Read-only: every link stays in the demo or leads back to the purchase page; no form posts.
          expect(html).not.toMatch(/method="post"/i);
          for (const target of targets(html)) {
            if (/^(https?:|mailto:|#)/.test(target) || /^\/(assets|icons)\/|^\/favicon\.ico|^\/manifest\.webmanifest/.test(target)) continue;
            expect(
              target.startsWith(`/white-label/themes/${slug}/demo`) || target === "/white-label#buy" || target.startsWith("?lang="),
              `${path}: ${target}`,
            ).toBe(true);
          }
        }
      }
    }
    expect([...missingTranslations()]).toEqual([]);
  });

  it("the demo shows the platform catalogue at a new site's sample prices (the platform price + 30 %), a category filter included; an unknown or platform theme is a 404, and a site host has no demo", async () => {
    const html = await (await p.request("/white-label/themes/aurora/demo/services?lang=en", { host: HOST })).text();
    const shown = pricesById(html);
    expect(shown.size).toBeGreaterThan(0);
    const rows = await p.services.db
      .selectFrom("services")
      .select(["id", "rate", "type"])
      .where("id", "in", [...shown.keys()])
      .execute();
    const plain = rows.find((r) => r.type === "Default")!;
    expect(shown.get(plain.id)).toBe(displayRate(siteRate(Number(plain.rate), NEW_SITE_MARGIN_BP), "XOF", "en"));
    expect(shown.get(plain.id)).not.toBe(displayRate(Number(plain.rate), "XOF", "en"));
    const category = /href="(\/white-label\/themes\/aurora\/demo\/services\?category=[^"]+)"/.exec(html)?.[1];
    expect(category).toBeTruthy();
    const filtered = await p.request(category!.replace(/&amp;/g, "&"), { host: HOST });
    expect(filtered.status).toBe(200);
    expect(pricesById(await filtered.text()).size).toBeGreaterThan(0);

    for (const path of ["/white-label/themes/nope/demo", "/white-label/themes/platform/demo", "/white-label/themes/_base/demo"])
      expect((await p.request(path, { host: HOST })).status, path).toBe(404);
    const o = await owner();
    expect((await p.request("/white-label/themes/aurora/demo", { host: o.host })).status).toBe(404);
    expect(await (await p.request("/white-label/themes/aurora/demo", { host: o.host })).text()).not.toContain("preview-banner");
  });

  it("the owner previews each theme with the site's own name, logo, colours, announcement and prices; the switch button posts the existing switch; the live site and its cached pages are unchanged", async () => {
    const o = await owner();
    // The owner's branding, margin and announcement, set through the site's own pages.
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: "#0a7d5a" } })
      .png()
      .toBuffer();
    const fd = new FormData();
    fd.set("_csrf", await o.token());
    for (const [k, v] of Object.entries({ name: "Boutique Kora", tagline: "Kora boost", language: "fr", primary_color: "#0a7d5a", accent_color: "#f2b705" }))
      fd.set(k, v);
    fd.set("logo", new File([new Uint8Array(png)], "logo.png", { type: "image/png" }));
    const branded = await p.request(`${o.page}/branding`, { host: HOST, method: "POST", body: fd, headers: { cookie: o.jar.header() } });
    expect(branded.status).toBe(303);
    expect(
      (await post(p, HOST, `${o.page}/pricing/confirm`, o.jar, { _csrf: await o.token(), scope: "default", kind: "margin", value: "50" })).res.status,
    ).toBe(303);
    expect((await post(p, HOST, `${o.storefront}/announcement`, o.jar, { _csrf: await o.token(), announcement: "Promo Kora -10 %" })).res.status).toBe(303);

    const live = await p.request("/", { host: o.host });
    const liveHtml = await live.text();
    expect(liveHtml).toContain("/assets/savane/theme.css");
    const before = await siteRow(o.site.id);

    const manage = (await get(p, HOST, o.storefront, o.jar)).html;
    for (const slug of THEMES) expect(manage).toContain(`href="${o.storefront}/preview/${slug}"`);

    for (const slug of THEMES) {
      for (const path of [`${o.storefront}/preview/${slug}`, `${o.storefront}/preview/${slug}/services`]) {
        const { res, html } = await get(p, HOST, `${path}?lang=en`, o.jar);
        expect(res.status, path).toBe(200);
        expect(html).toContain(`/assets/${slug}/theme.css`);
        expect(html).toContain("Boutique Kora");
        expect(html).toContain("--primary-color:#0a7d5a");
        expect(html).toContain("Promo Kora -10 %");
        expect(html).toMatch(new RegExp(`<img class="brand-logo" src="${o.storefront}/logo/logo\\.png\\?v=\\d+"`));
        expect(html).toContain("Preview");
        expect(html).toMatch(/<meta name="robots" content="noindex/);
        expect(res.headers.get("cache-control")).toContain("no-store");
        // Its canonical and language links name the preview on the platform host, never a path of it on the site's.
        expect(html).not.toContain(`${o.host}/white-label`);
        expect(html).toMatch(new RegExp(`<link rel="canonical" href="https?://${HOST.replace(".", "\\.")}[^"]*${path}"`));
        // Shown as a visitor sees the site: no account of the owner in it.
        expect(html).not.toContain("balance-pill");
        const switchForm =
          /<form method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*<input type="hidden" name="template_id" value="(\d+)">/.exec(
            html,
          );
        if (slug === "savane") {
          expect(switchForm).toBeNull();
          expect(html).toContain("This is your current theme");
        } else {
          expect(switchForm?.[1]).toBe(`${o.storefront}/theme`);
          expect(html).toContain("Switch to this theme");
        }
        for (const target of targets(html)) {
          if (/^(https?:|mailto:|#)/.test(target) || /^\/(assets|icons)\/|^\/favicon\.ico|^\/manifest\.webmanifest/.test(target)) continue;
          expect(target.startsWith(o.storefront), `${path}: ${target}`).toBe(true);
        }
      }
    }
    // The site's own prices (its 50 % margin over the owner's cost), as its visitors see them.
    const preview = pricesById((await get(p, HOST, `${o.storefront}/preview/aurora/services?lang=en`, o.jar)).html);
    const visitors = pricesById(await (await p.request("/services?lang=en", { host: o.host })).text());
    expect(preview.size).toBeGreaterThan(0);
    expect(preview).toEqual(visitors);
    const platform = pricesById(await (await p.request("/services?lang=en", { host: HOST })).text());
    expect(preview).not.toEqual(platform);

    // The logo of the preview is served to the owner only.
    const logo = await get(p, HOST, `${o.storefront}/logo/logo.png`, o.jar);
    expect(logo.res.status).toBe(200);
    expect(logo.res.headers.get("content-type")).toBe("image/png");

    // Nothing changed: the site row, its theme, and what its visitors get (the same cached page).
    const after = await siteRow(o.site.id);
    expect(after).toEqual(before);
    const again = await p.request("/", { host: o.host });
    expect(await again.text()).toBe(liveHtml);

    // The banner's button switches, through the existing form.
    const { html } = await get(p, HOST, `${o.storefront}/preview/midnight`, o.jar);
    const form =
      /<form method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*<input type="hidden" name="template_id" value="(\d+)">/.exec(
        html,
      )!;
    const switched = await post(p, HOST, form[1]!, o.jar, { _csrf: form[2]!, template_id: form[3]! });
    expect(switched.res.status).toBe(303);
    expect(await (await p.request("/", { host: o.host })).text()).toContain("/assets/midnight/theme.css");
    expect([...missingTranslations()]).toEqual([]);
  });

  it("another owner gets 404 for a site's preview and its logo; a visitor is sent to sign in; a site host has no preview; an unknown theme is a 404", async () => {
    const o = await owner();
    const other = await owner();
    for (const path of [`${o.storefront}/preview/aurora`, `${o.storefront}/preview/aurora/services`, `${o.storefront}/logo/logo.png`])
      expect((await get(p, HOST, path, other.jar)).res.status, path).toBe(404);
    expect((await get(p, HOST, `${o.storefront}/preview/nope`, o.jar)).res.status).toBe(404);
    expect((await get(p, HOST, `${o.storefront}/preview/platform`, o.jar)).res.status).toBe(404);
    const anonymous = await get(p, HOST, `${o.storefront}/preview/aurora`, new Jar());
    expect(anonymous.res.status).toBe(303);
    expect(anonymous.res.headers.get("location")).toContain("/login");
    expect((await p.request(`${o.storefront}/preview/aurora`, { host: o.host })).status).toBe(404);
  });
});
