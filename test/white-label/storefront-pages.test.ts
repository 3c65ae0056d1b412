import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, SITES, type TestPlatform } from "../harness/platform.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { fund, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's storefront page: its pages, announcement, contact links and theme", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  /** A platform user signed in through the forms who bought a site through the purchase form. */
  async function owner() {
    const { jar, username } = await registerThroughForm(p, HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    await fund(p, user.id, "20000");
    const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
    const slug = `sf${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const form = await get(p, HOST, "/white-label", jar);
    const bought = await post(p, HOST, "/white-label", jar, {
      confirm: "yes",
      _csrf: csrfFrom(form.html),
      plan_id: String(plan.id),
      template_id: String(template.id),
      billing_cycle: "monthly",
      site_name: "Boost Storefront",
      slug,
      custom_domain: "",
    });
    expect(bought.res.status).toBe(303);
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
    const path = `/white-label/sites/${site.uuid}/storefront`;
    /** Submits one of the page's forms with a fresh CSRF token. */
    const submit = async (action: string, fields: Record<string, string>, as = jar) => {
      const page = await get(p, HOST, path, jar);
      return post(p, HOST, `${path}${action}`, as, { _csrf: csrfFrom(page.html), ...fields });
    };
    return { jar, site, path, host: `${slug}.${SITES}`, submit };
  }

  const visit = async (host: string, path: string) => (await p.request(path, { host })).text();

  it("is linked from the site's management page and reads in French and English with no missing translation", async () => {
    const o = await owner();
    expect((await get(p, HOST, `/white-label/sites/${o.site.uuid}`, o.jar)).html).toContain(`href="${o.path}"`);
    for (const [lang, title, save] of [
      ["fr", "Vos pages", "Utiliser ce thème"],
      ["en", "Your pages", "Use this theme"],
    ]) {
      const { res, html } = await get(p, HOST, `${o.path}?lang=${lang}`, o.jar);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("no-store");
      expect(html).toContain(title);
      expect(html).toContain(save);
      for (const field of ["faq_fr", "faq_en", "terms_fr", "terms_en", "contact_fr", "contact_en", "announcement", "whatsapp", "instagram", "template_id"])
        expect(html).toContain(`name="${field}"`);
      expect(html).toContain(`href="http://${o.host}/faq"`);
      expect(html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    expect([...missingTranslations()]).toEqual([]);
  });

  it("saves the FAQ in both languages; the site shows it at once, Markdown rendered and HTML escaped; a too-long text is refused with the field named and the input kept", async () => {
    const o = await owner();
    const saved = await o.submit("/pages/faq", { faq_fr: "## Délais\nEn **24 h** <img src=x onerror=alert(1)>", faq_en: "## Delivery\nWithin **24 h**" });
    expect(saved.res.status).toBe(303);
    expect(saved.res.headers.get("location")).toBe(`${o.path}?done=pages#pages`);
    const fr = await visit(o.host, "/faq");
    expect(fr).toContain("<h2>Délais</h2>");
    expect(fr).toContain("<strong>24 h</strong>");
    expect(fr).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(fr).not.toContain("<img src=x");
    expect(await visit(o.host, "/faq?lang=en")).toContain("<h2>Delivery</h2>");
    // The form shows what is stored.
    expect((await get(p, HOST, o.path, o.jar)).html).toContain("## Delivery");

    for (const [lang, message] of [
      ["fr", "Ce texte est trop long"],
      ["en", "This text is too long"],
    ]) {
      const bad = await o.submit(`/pages/terms?lang=${lang}`, { terms_fr: "x".repeat(20_001), terms_en: "Kept terms" });
      expect(bad.res.status).toBe(422);
      expect(bad.html).toContain(message);
      expect(bad.html).toMatch(/id="f-terms_fr"[^>]*aria-invalid="true"/);
      expect(bad.html).toContain("Kept terms");
    }
    expect(await visit(o.host, "/terms?lang=en")).not.toContain("Kept terms");
  });

  it("sets the announcement bar, shown escaped on every page of the site; empties it; refuses one too long with the field named", async () => {
    const o = await owner();
    expect((await o.submit("/announcement", { announcement: "Promo <b>-20 %</b> ce week-end" })).res.status).toBe(303);
    // Savane shows it in its top bar, the other themes in the announcement bar.
    const home = await visit(o.host, "/");
    expect(home).toContain("Promo &lt;b&gt;-20 %&lt;/b&gt; ce week-end");
    expect(await visit(o.host, "/faq")).toContain("Promo &lt;b&gt;");

    const bad = await o.submit("/announcement?lang=en", { announcement: "y".repeat(161) });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("plain text of at most 160 characters");
    expect(bad.html).toMatch(/id="f-announcement"[^>]*aria-invalid="true"/);
    expect(await visit(o.host, "/")).toContain("Promo &lt;b&gt;");

    expect((await o.submit("/announcement", { announcement: "" })).res.status).toBe(303);
    expect(await visit(o.host, "/")).not.toContain("Promo &lt;b&gt;");
  });

  it("saves the contact links shown on the site, and names each invalid one (a phone number, an address, an e-mail) in both languages", async () => {
    const o = await owner();
    const links = { whatsapp: "+225 07 12 34 56 78", telegram: "https://t.me/boost_shop", email: "hello@boost.test", instagram: "https://instagram.com/boost" };
    expect((await o.submit("/contact", links)).res.status).toBe(303);
    const contact = await visit(o.host, "/contact");
    expect(contact).toContain('href="https://wa.me/2250712345678"');
    expect(contact).toContain('href="https://t.me/boost_shop"');
    expect(contact).toContain('href="mailto:hello@boost.test"');
    expect(contact).toContain('href="https://instagram.com/boost"');

    for (const [lang, phone, url] of [
      ["fr", "Saisissez un numéro de téléphone", "Saisissez une adresse qui commence par https://"],
      ["en", "Enter a phone number", "Enter an address starting with https://"],
    ]) {
      const bad = await o.submit(`/contact?lang=${lang}`, { ...links, whatsapp: "call me", facebook: "javascript:alert(1)", email: "not-an-email" });
      expect(bad.res.status).toBe(422);
      expect(bad.html).toMatch(/id="f-whatsapp"[^>]*aria-invalid="true"/);
      expect(bad.html).toMatch(/id="f-facebook"[^>]*aria-invalid="true"/);
      expect(bad.html).toMatch(/id="f-email"[^>]*aria-invalid="true"/);
      expect(bad.html).not.toMatch(/id="f-instagram"[^>]*aria-invalid/);
      expect(bad.html).toContain(phone);
      expect(bad.html).toContain(url);
      expect(bad.html).toContain('value="call me"');
    }
    // Nothing of the refused form was saved.
    expect(await visit(o.host, "/contact")).toContain('href="https://wa.me/2250712345678"');

    // Emptying a field removes that link.
    expect((await o.submit("/contact", { ...links, instagram: "" })).res.status).toBe(303);
    expect(await visit(o.host, "/contact")).not.toContain("instagram.com/boost");
  });

  it("switches the site's theme: visitors see the new one; an unknown theme is refused", async () => {
    const o = await owner();
    expect(await visit(o.host, "/")).toContain("/assets/savane/theme.css");
    const aurora = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "aurora").executeTakeFirstOrThrow();
    expect((await o.submit("/theme", { template_id: String(aurora.id) })).res.status).toBe(303);
    expect(await visit(o.host, "/")).toContain("/assets/aurora/theme.css");
    const page = (await get(p, HOST, o.path, o.jar)).html;
    expect(page).toMatch(new RegExp(`value="${aurora.id}" required checked`));

    const bad = await o.submit("/theme?lang=en", { template_id: "999999" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("Choose one of the themes offered.");
    expect(await visit(o.host, "/")).toContain("/assets/aurora/theme.css");
  });

  it("another reseller gets 404 on the page and on every form, and changes nothing; a visitor is sent to log in", async () => {
    const o = await owner();
    const other = await owner();
    expect((await get(p, HOST, o.path, other.jar)).res.status).toBe(404);
    const token = csrfFrom((await get(p, HOST, other.path, other.jar)).html);
    for (const [action, fields] of [
      ["/pages/faq", { faq_fr: "Piraté", faq_en: "Hacked" }],
      ["/announcement", { announcement: "Hacked" }],
      ["/contact", { whatsapp: "+225 01 02 03 04 05" }],
      ["/theme", { template_id: "1" }],
    ] as const) {
      const res = await post(p, HOST, `${o.path}${action}`, other.jar, { _csrf: token, ...fields });
      expect(res.res.status).toBe(404);
    }
    for (const path of ["/", "/faq", "/contact"]) {
      const html = await visit(o.host, path);
      expect(html).not.toContain("Hacked");
      expect(html).not.toContain("Piraté");
    }
    const anonymous = await get(p, HOST, o.path, new Jar());
    expect(anonymous.res.status).toBe(303);
    expect(anonymous.res.headers.get("location")).toContain("/login");
  });
});
