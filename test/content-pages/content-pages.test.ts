import { afterAll, beforeAll, expect, it } from "vitest";
import { parseMarkdown } from "../../src/content-pages/markdown.ts";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";

it("parses the Markdown subset into plain text blocks, keeping no HTML and only http(s) or mailto links", () => {
  const blocks = parseMarkdown(
    "## Délais\nLa plupart **démarrent** vite, voir [nos tarifs](https://x.test/p).\n\n- un <script>alert(1)</script>\n- [piège](javascript:alert(1))",
  );
  expect(blocks[0]).toEqual({ kind: "h2", parts: [{ text: "Délais" }] });
  expect(blocks[1]).toEqual({
    kind: "p",
    parts: [
      { text: "La plupart " },
      { text: "démarrent", bold: true },
      { text: " vite, voir " },
      { text: "nos tarifs", href: "https://x.test/p" },
      { text: "." },
    ],
  });
  expect(blocks[2]).toEqual({ kind: "ul", items: [[{ text: "un <script>alert(1)</script>" }], [{ text: "[piège](javascript:alert(1))" }]] });
});

describeEachDialect("FAQ, terms and contact pages", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("show a default in the tenant's name until its admin writes them; what is written shows at once, escaped, in both languages", async () => {
    const faq = await (await p.request("/faq")).text();
    expect(faq).toContain("Questions fréquentes");
    expect(faq).toContain("Comment contacter IzyBoost");
    expect(await (await p.request("/terms?lang=en")).text()).toContain("IzyBoost terms of use");
    const contact = await (await p.request("/contact")).text();
    expect(contact).toContain('href="/tickets/new"');

    const admin = await signUpAdmin(p);
    const res = await p.request("/api/admin/pages/faq", {
      method: "PUT",
      token: admin.token,
      json: { body_fr: "## Livraison\nEn **24 h** <img src=x onerror=alert(1)>", body_en: "## Delivery\nWithin **24 h**" },
    });
    expect(res.status).toBe(200);
    const fr = await (await p.request("/faq")).text();
    expect(fr).toContain("<h2>Livraison</h2>");
    expect(fr).toContain("<strong>24 h</strong>");
    expect(fr).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(fr).not.toContain("<img src=x");
    expect(await (await p.request("/faq?lang=en")).text()).toContain("<h2>Delivery</h2>");
    expect(await auditRows(p, "content_page.update", "faq")).toHaveLength(1);
    // The footer of every page links them.
    const home = await (await p.request("/")).text();
    for (const href of ["/faq", "/terms", "/contact"]) expect(home).toContain(`href="${href}"`);
  });

  it("refuses bad input with the field named and changes nothing; only admins write the platform's", async () => {
    const admin = await signUpAdmin(p);
    const bad = await p.request("/api/admin/pages/terms", { method: "PUT", token: admin.token, json: { body_fr: "x".repeat(20_001) } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.body_fr).toBeDefined();
    expect((await p.request("/api/admin/pages/nope", { method: "PUT", token: admin.token, json: {} })).status).toBe(404);
    const user = await signUp(p);
    expect((await p.request("/api/admin/pages/terms", { method: "PUT", token: user.token, json: { body_fr: "Volé" } })).status).toBe(403);
    expect(await (await p.request("/terms")).text()).not.toContain("Volé");
  });

  it("a reseller writes its own site's pages, which never show on the platform or another site", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const res = await p.request(`/api/white-label/sites/${a.site.uuid}/pages/contact`, {
      method: "PUT",
      token: a.token,
      json: { body_fr: "Écrivez-nous sur WhatsApp : Boutique A" },
    });
    expect(res.status).toBe(200);
    expect(await (await p.request("/contact", { host: a.host })).text()).toContain("Boutique A");
    expect(await (await p.request("/contact", { host: b.host })).text()).not.toContain("Boutique A");
    expect(await (await p.request("/contact")).text()).not.toContain("Boutique A");
    // Another reseller cannot write site A's pages.
    const foreign = await p.request(`/api/white-label/sites/${a.site.uuid}/pages/contact`, { method: "PUT", token: b.token, json: { body_fr: "Intrus" } });
    expect(foreign.status).toBe(404);
    expect(await (await p.request("/contact", { host: a.host })).text()).not.toContain("Intrus");
  });
});
