import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { both, CATALOGUES, notice, t } from "../../src/i18n/i18n.ts";
import { LANGS, langOf } from "../../src/i18n/lang.ts";
import { fill } from "../../src/i18n/catalogue.ts";
import { THEMES_DIR } from "../../src/storefront/themes.ts";

const placeholders = (text: string) => [...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();

/** Every file of src/ under `dir`, to find texts still written inline. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? sources(join(dir, name)) : name.endsWith(".ts") ? [join(dir, name)] : [],
  );
}

// One i18n mechanism (src/i18n): typed catalogues for e-mails and notices, theme locale files for pages.
describe("i18n: every message in both languages", () => {
  it("every key of every feature catalogue exists in French and English, non-empty, with the same placeholders", () => {
    const seen = new Set<string>();
    for (const [name, c] of Object.entries(CATALOGUES)) {
      const keys = Object.keys(c.fr);
      expect(keys.length, name).toBeGreaterThan(0);
      expect(Object.keys(c.en).sort(), name).toEqual([...keys].sort());
      for (const key of keys) {
        expect(seen.has(key), `${key} is defined twice`).toBe(false);
        seen.add(key);
        const fr = (c.fr as Record<string, string>)[key]!;
        const en = (c.en as Record<string, string>)[key]!;
        expect(fr.trim() && en.trim(), key).toBeTruthy();
        expect(placeholders(en), key).toEqual(placeholders(fr));
      }
    }
  });

  it("every page locale file of every theme has the same keys and placeholders in French and English", () => {
    const themes = readdirSync(THEMES_DIR).filter((d) => statSync(join(THEMES_DIR, d)).isDirectory());
    expect(themes.length).toBeGreaterThanOrEqual(4);
    for (const theme of themes) {
      const [fr, en] = LANGS.map((lang) => JSON.parse(readFileSync(join(THEMES_DIR, theme, "locales", `${lang}.json`), "utf8")) as Record<string, string>);
      expect(Object.keys(en ?? {}).sort(), theme).toEqual(Object.keys(fr ?? {}).sort());
      for (const key of Object.keys(fr!)) expect(placeholders(en![key]!), `${theme}: ${key}`).toEqual(placeholders(fr![key]!));
    }
  });

  it("t fills placeholders per language, with a value of its own in each language when given one, and never re-reads a filled value", () => {
    expect(t("fr", "order.partial.body", { ref: "ab12cd34", remains: 5, back: both("order.refund_back", { money: "10 XOF" }) })).toBe(
      "Votre commande ab12cd34 a été livrée en partie (5 non livrés). 10 XOF ont été recrédités sur votre solde.",
    );
    expect(notice("ticket.customer_replied", { subject: "{who}", who: both("ticket.the_customer") }).en).toEqual({
      title: "New reply: {who}",
      body: 'The customer replied to the ticket "{who}".',
    });
    expect(fill("{a} {b}", "en", { a: 1 })).toBe("1 {b}");
  });

  it("a stored language we do not ship reads as French, the market's default", () => {
    expect([langOf("en"), langOf("fr"), langOf("de"), langOf(null), langOf("__proto__")]).toEqual(["en", "fr", "fr", "fr", "fr"]);
  });

  it("e-mails and notices carry no inline French/English pair any more: their texts live in src/i18n", () => {
    const inline = /\bfr:\s*\{\s*title:\s*[`"']|\bfr:\s*[`"'][^`"']*[a-zé]/;
    const offenders = sources(join(THEMES_DIR, "../src")).filter(
      (f) =>
        !f.includes("/i18n/") &&
        !f.includes("/seed/") &&
        !f.includes("/provider-sim/") &&
        // The simulated gateway's checkout stands for a third party's page, like the simulated provider.
        !f.includes("/gateway-sim/") &&
        !f.includes("/storefront/schema.ts") &&
        inline.test(readFileSync(f, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
