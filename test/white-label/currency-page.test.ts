import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { plainSpaces } from "../harness/money.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { parseMoney } from "../../src/money/money.ts";
import { registerUser } from "../../src/auth/service.ts";
import { csrfFrom, get, insertSite, post, registerThroughForm } from "../storefront/helpers.ts";
import { expectLedgerHolds, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";

// The site page's currency section: what is in force with a preview, and a form that says why it refuses.
describeEachDialect("the currency section of a site's page", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  async function ownSite(currency = "XOF") {
    const { jar, username } = await registerThroughForm(p, HOST);
    const owner = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    const { site } = await insertSite(p, { extra: { owner_id: owner.id, currency } });
    return { jar, site, path: `/white-label/sites/${site.uuid}` };
  }

  it("shows the currency, the rate and a preview, and changes the currency when no customer money is in the site", async () => {
    const s = await ownSite("EUR");
    const page = await get(p, HOST, s.path, s.jar);
    expect(page.res.status).toBe(200);
    const html = plainSpaces(page.html);
    expect(html).toContain("Devise du site");
    expect(html).toContain("1,00 € = 655,957 F CFA");
    expect(html).toContain("Le taux de la plateforme.");
    expect(html).toContain("1 000 F CFA = 1,52 €");

    const own = await post(p, HOST, `${s.path}/currency`, s.jar, { _csrf: csrfFrom(page.html), currency: "EUR", rate_mode: "own", rate: "650,5" });
    expect([own.res.status, own.res.headers.get("location")]).toEqual([303, `${s.path}?done=currency`]);
    const after = plainSpaces((await get(p, HOST, `${s.path}?done=currency`, s.jar)).html);
    expect(after).toContain("Devise du site enregistrée.");
    expect(after).toContain("1,00 € = 650,5 F CFA");
    expect(after).toContain("Votre taux fixe.");
    const row = await p.services.db.selectFrom("white_label_sites").select(["currency", "currency_rate"]).where("id", "=", s.site.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ currency: "EUR", currency_rate: 650_500_000 });
  });

  it("a refused form keeps what was typed and names the field, in the page's language; money in the site says why the currency cannot change", async () => {
    const s = await ownSite("XOF");
    const page = await get(p, HOST, s.path, s.jar);
    const badRate = await post(p, HOST, `${s.path}/currency`, s.jar, { _csrf: csrfFrom(page.html), currency: "EUR", rate_mode: "own", rate: "six cents" });
    expect(badRate.res.status).toBe(422);
    expect(badRate.html).toContain('id="f-rate-error"');
    expect(badRate.html).toContain("Un taux positif, jusqu&#39;à 6 décimales");
    expect(badRate.html).toMatch(/name="rate"[^>]*value="six cents"/);
    expect(badRate.html).toMatch(/<option value="EUR" selected>/);

    const tenant = { kind: "site" as const, siteId: s.site.id, site: s.site };
    const customer = await registerUser(p.ctx(tenant), { username: "eurfan", email: "eurfan@example.com", password: "correct-horse-9", welcome: false });
    await credit(p.ctx(tenant), { userId: customer.id, amount: parseMoney("500")!, type: "deposit", description: "test funds" });
    const refused = await post(p, HOST, `${s.path}/currency`, s.jar, { _csrf: csrfFrom(page.html), currency: "EUR", rate_mode: "follow" });
    expect(refused.res.status).toBe(409);
    expect(refused.html).toMatch(/role="alert"><p>La devise ne peut pas changer tant que des clients du site ont un solde.<\/p>/);
    const locked = await get(p, HOST, `${s.path}?lang=en`, s.jar);
    expect(locked.html).toContain("The currency cannot change while customers of the site hold a balance. The rate can: it applies to new orders.");
    const row = await p.services.db.selectFrom("white_label_sites").select(["currency", "currency_rate"]).where("id", "=", s.site.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ currency: "XOF", currency_rate: null });
    await expectLedgerHolds(p);
  });
});
