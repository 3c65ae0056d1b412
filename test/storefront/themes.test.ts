import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, describe, expect, it } from "vitest";
import { renderPage, brandCss, contrastRatio, readableOn } from "../../src/storefront/render.ts";
import { themeManifestSchema } from "../../src/storefront/schema.ts";
import { LANGS } from "../../src/i18n/lang.ts";
import { BASE_THEME, THEMES_DIR, getTheme, listThemes, loadThemes, validateBranding, cleanSettings } from "../../src/storefront/themes.ts";
import { PAGE_IDS } from "../../src/storefront/view-models.ts";
import { missingTranslations, pageView } from "../../src/storefront/view.ts";
import { TEMPLATE_SEED } from "../../src/seed/seeders.ts";
import { exampleData, exampleUser, lookOf } from "./examples.ts";

const SITE_THEMES = TEMPLATE_SEED.map((t) => t.slug);
const ALL_THEMES = [...SITE_THEMES, "platform"];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("theme folders", () => {
  it("every seeded template has a valid theme folder with layout, pages, partials, CSS and both locales", () => {
    const loaded = loadThemes();
    for (const slug of ALL_THEMES) {
      const dir = join(THEMES_DIR, slug);
      expect(themeManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, "theme.json"), "utf8"))).success, slug).toBe(true);
      const names = files(dir).map((f) => f.slice(dir.length + 1));
      expect(names, slug).toContain("layout/theme.eta");
      expect(
        names.some((n) => n.startsWith("pages/")),
        slug,
      ).toBe(true);
      expect(
        names.some((n) => n.startsWith("partials/")),
        slug,
      ).toBe(true);
      expect(names, slug).toEqual(expect.arrayContaining(["assets/theme.css", "locales/fr.json", "locales/en.json"]));
      expect(loaded.get(slug)?.manifest.name).toBeTruthy();
    }
    expect(
      listThemes()
        .map((t) => t.slug)
        .sort(),
    ).toEqual([...SITE_THEMES].sort());
  });

  it("the three site themes look different: their own layout, home page and stylesheet", () => {
    const read = (slug: string, f: string) => readFileSync(join(THEMES_DIR, slug, f), "utf8");
    for (const f of ["layout/theme.eta", "pages/home.eta", "assets/theme.css"]) {
      expect(new Set(SITE_THEMES.map((s) => read(s, f))).size, f).toBe(SITE_THEMES.length);
    }
  });

  it("French and English locales have exactly the same keys, in the base and in every theme", () => {
    for (const slug of [BASE_THEME, ...ALL_THEMES]) {
      const fr = Object.keys(JSON.parse(readFileSync(join(THEMES_DIR, slug, "locales/fr.json"), "utf8"))).sort();
      const en = Object.keys(JSON.parse(readFileSync(join(THEMES_DIR, slug, "locales/en.json"), "utf8"))).sort();
      expect(en, slug).toEqual(fr);
    }
  });

  it("every key a template or the engine asks for exists in both languages of every theme", () => {
    const used = new Set<string>();
    const sources = [...files(THEMES_DIR).filter((f) => f.endsWith(".eta")), ...files(join(THEMES_DIR, "../src/storefront"))];
    for (const f of sources) for (const [, key] of readFileSync(f, "utf8").matchAll(/\bt\(\s*["']([a-z0-9_.-]+)["']/g)) if (key) used.add(key);
    expect(used.size).toBeGreaterThan(100);
    for (const slug of ALL_THEMES) {
      const theme = getTheme(slug)!;
      const own = (key: string) => key.startsWith(`${slug}.`) || !/^(aurora|midnight|savane|platform)\./.test(key);
      for (const lang of LANGS) {
        const missing = [...used].filter((k) => own(k) && !(k in theme.messages[lang]));
        expect(missing, `${slug}/${lang}`).toEqual([]);
      }
    }
  });

  it("templates output raw HTML only for trusted parts: included templates, the page body and built-in icons", () => {
    for (const f of files(THEMES_DIR).filter((x) => x.endsWith(".eta"))) {
      for (const [, expr = ""] of readFileSync(f, "utf8").matchAll(/<%~\s*([^%]*?)\s*%>/g)) {
        expect(/^include\("partials\/[a-z0-9-]+"/.test(expr) || expr === "it.body" || (f.endsWith("icon.eta") && expr === "d"), `${f}: <%~ ${expr} %>`).toBe(
          true,
        );
      }
      expect(readFileSync(f, "utf8"), f).not.toMatch(/\sstyle="|<script(?![^>]*\ssrc=)|\son[a-z]+="/i);
    }
  });
});

describe("every page in every theme", () => {
  for (const slug of ALL_THEMES) {
    for (const lang of LANGS) {
      it(`${slug} renders all ${PAGE_IDS.length} pages in ${lang} with no missing translation`, () => {
        const theme = getTheme(slug)!;
        const look = lookOf(theme, {
          contact_whatsapp: "+225 07 00 00 00",
          contact_email: "hello@example.com",
          instagram_url: "https://instagram.com/demo",
          announcement: "Promo",
        });
        for (const id of PAGE_IDS) {
          const { data, user } = exampleData(id, lang, look);
          const view = pageView(look, { lang, path: "/x", query: new URLSearchParams(), user: user ? exampleUser : null, csrf: "tok" }, { id }, data);
          const html = renderPage(view);
          expect(html, `${slug}/${id}`).toContain(`<html lang="${lang}"`);
          expect(html, `${slug}/${id}`).toMatch(/<\/html>\s*$/);
          expect(html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
          // A key left untranslated shows up as the key itself.
          expect(html).not.toMatch(/>\s*[a-z_]+\.[a-z0-9_.-]+\s*</);
        }
        expect([...missingTranslations()]).toEqual([]);
      });
    }
  }
});

describe("branding validation", () => {
  const theme = getTheme("aurora")!;

  it("accepts valid settings and normalises colours", () => {
    const r = validateBranding(theme, {
      primary_color: "#ABC",
      accent_color: "#00ff88",
      show_stats: "0",
      contact_telegram: "@my_shop",
      instagram_url: "https://instagram.com/shop",
      hero_style: "mesh",
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.settings.primary_color).toBe("#aabbcc");
      expect(r.settings.show_stats).toBe(false);
      expect(r.settings.hero_style).toBe("mesh");
      expect(r.settings.background_color).toBe(theme.defaults.background_color);
    }
  });

  it("refuses CSS injection, javascript: URLs, unknown options and keys, overlong text, with one error per field", () => {
    const r = validateBranding(theme, {
      primary_color: "red;} body{display:none",
      accent_color: "#12345",
      instagram_url: "javascript:alert(1)",
      facebook_url: "data:text/html,<script>alert(1)</script>",
      tiktok_url: "https://user:pass@tiktok.com/x",
      contact_email: '"><img src=x onerror=alert(1)>',
      contact_telegram: "<script>",
      hero_style: "<b>",
      tagline: "x".repeat(121),
      footer_text: "a\u0000b",
      made_up: "1",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(Object.keys(r.errors).sort()).toEqual(
        [
          "accent_color",
          "contact_email",
          "contact_telegram",
          "facebook_url",
          "footer_text",
          "hero_style",
          "instagram_url",
          "made_up",
          "primary_color",
          "tagline",
          "tiktok_url",
        ].sort(),
      );
    }
  });

  it("stored branding that does not validate falls back to the defaults when read", () => {
    const s = cleanSettings(theme, { primary_color: "url(javascript:x)", instagram_url: "javascript:alert(1)", tagline: "Hello" });
    expect(s.primary_color).toBe(theme.defaults.primary_color);
    expect(s.instagram_url).toBe("");
    expect(s.tagline).toBe("Hello");
  });

  it("the brand style block carries validated colours only, with readable ink colours", () => {
    const css = brandCss({ primary_color: "#ffee00", background_color: "#ffffff", text_color: "#111111", evil: "red}" } as never, [
      "primary_color",
      "background_color",
      "text_color",
      "evil",
    ]);
    expect(css).toMatch(/^:root\{[^<>"'&]*\}$/);
    expect(css).not.toContain("red}");
    const ink = /--primary-color-ink:(#[0-9a-f]{6})/.exec(css)?.[1];
    assert(ink, "the style block carries the primary colour's ink");
    expect(contrastRatio(ink, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(readableOn("#000000", "#ffffff")).toBe("#000000");
  });
});
