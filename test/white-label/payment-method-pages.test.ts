import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { dbNow } from "../../src/lib/time.ts";
import { ownerThroughForms, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's payment methods and onboarding, from the /white-label pages", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  /** A platform user who bought a site through the purchase form; the jar holds their session. */
  const owner = () => ownerThroughForms(p, { siteName: "Boost Bouaké", slugPrefix: "pm" });

  const methodsOf = (siteId: number) =>
    p.services.db.selectFrom("payment_methods").selectAll().where("site_id", "=", siteId).orderBy("sort_order").orderBy("id").execute();

  it("a new site's page lists what is left to do, the payment method first, with a link to its page", async () => {
    const o = await owner();
    for (const [lang, title, todo] of [
      ["fr", "Préparer votre site", "Aucun moyen de paiement actif"],
      ["en", "Getting your site ready", "No active payment method"],
    ] as const) {
      const { res, html } = await get(p, HOST, `${o.base}?lang=${lang}`, o.jar);
      expect(res.status).toBe(200);
      expect(html).toContain(title);
      expect(html).toContain(todo);
      expect(html).toContain(`href="${o.base}/payment-methods"`);
      expect(html).toMatch(/data-done="no"/);
    }
  });

  it("the owner's purchase notification says customers cannot top up until a payment method is enabled", async () => {
    const o = await owner();
    const note = await p.services.db
      .selectFrom("notifications")
      .select(["title", "body"])
      .where("user_id", "=", o.site.owner_id)
      .where("type", "=", "white_label.purchased")
      .executeTakeFirstOrThrow();
    expect(note.body).toMatch(/moyen de paiement|payment method/);
  });

  it("enabling a method without a number is refused naming the field, in both languages, and the input is kept", async () => {
    const o = await owner();
    const [method] = await methodsOf(o.site.id);
    const page = await get(p, HOST, `${o.base}/payment-methods`, o.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(method!.name);
    expect(page.html).toContain("À compléter");
    for (const [lang, message] of [
      ["fr", "Indiquez le numéro auquel vos clients paient"],
      ["en", "Give the account number your customers pay to"],
    ] as const) {
      const toggled = await post(p, HOST, `${o.base}/payment-methods/${method!.id}/active?lang=${lang}`, o.jar, {
        _csrf: csrfFrom(page.html),
        _form: String(method!.id),
        active: "1",
      });
      expect(toggled.res.status).toBe(422);
      expect(toggled.html).toContain(message);
      expect(toggled.html).toContain(`id="pm${method!.id}-account_number" name="account_number" type="text" value="" maxlength="100" aria-invalid="true"`);
    }
    const edited = await post(p, HOST, `${o.base}/payment-methods/${method!.id}`, o.jar, {
      _csrf: csrfFrom(page.html),
      _form: String(method!.id),
      name: "Mon Orange",
      type: "mobile_money",
      account_name: "Kouassi Shop",
      account_number: "",
      min_amount: "750",
      max_amount: "",
      instructions_fr: "Envoyez au numéro",
      instructions_en: "Send to the number",
      is_active: "1",
    });
    expect(edited.res.status).toBe(422);
    expect(edited.html).toContain('value="Kouassi Shop"');
    expect(edited.html).toContain('value="750"');
    expect(edited.html).toContain("Envoyez au numéro</textarea>");
    expect((await methodsOf(o.site.id)).every((m) => !m.is_active)).toBe(true);
  });

  it("an owner fills in a number and enables the method: the site's funds page and home page show it, and the checklist ticks it", async () => {
    const o = await owner();
    const [method, other] = await methodsOf(o.site.id);
    const page = await get(p, HOST, `${o.base}/payment-methods`, o.jar);
    const saved = await post(p, HOST, `${o.base}/payment-methods/${method!.id}`, o.jar, {
      _csrf: csrfFrom(page.html),
      _form: String(method!.id),
      name: "Caisse Bouaké",
      type: "mobile_money",
      account_name: "Kouassi Shop",
      account_number: "+225 07 11 22 33",
      min_amount: "500",
      max_amount: "200000",
      instructions_fr: "Envoyez au numéro",
      instructions_en: "Send to the number",
      is_active: "1",
    });
    expect(saved.res.status).toBe(303);
    expect(saved.res.headers.get("location")).toBe(`${o.base}/payment-methods?done=method_saved`);
    const row = (await methodsOf(o.site.id)).find((m) => m.id === method!.id)!;
    expect(row).toMatchObject({ name: "Caisse Bouaké", account_number: "+225 07 11 22 33", is_active: 1 });
    expect((await get(p, HOST, saved.res.headers.get("location")!, o.jar)).html).toContain("Le moyen de paiement est enregistré.");

    const customer = await registerThroughForm(p, o.host);
    const funds = await get(p, o.host, "/funds", customer.jar);
    expect(funds.html).toContain("Caisse Bouaké");
    expect(funds.html).toContain("+225 07 11 22 33");
    expect(funds.html).not.toContain(other!.name);
    expect((await get(p, o.host, "/", new Jar())).html).toContain("Caisse Bouaké");

    const site = await get(p, HOST, o.base, o.jar);
    expect(site.html).not.toContain("Aucun moyen de paiement actif");

    // Disabled again from the page: gone from the storefront.
    const off = await post(p, HOST, `${o.base}/payment-methods/${method!.id}/active`, o.jar, {
      _csrf: csrfFrom(page.html),
      _form: String(method!.id),
      active: "0",
    });
    expect(off.res.headers.get("location")).toBe(`${o.base}/payment-methods?done=method_disabled`);
    expect((await get(p, o.host, "/funds", customer.jar)).html).not.toContain("Caisse Bouaké");
  });

  it("a method flagged active without saying where to pay is never offered on the storefront", async () => {
    const o = await owner();
    const now = dbNow();
    await p.services.db
      .insertInto("payment_methods")
      .values({
        site_id: o.site.id,
        code: "half_done",
        name: "Moyen Incomplet",
        type: "mobile_money",
        instructions_fr: "x",
        instructions_en: "x",
        account_name: null,
        account_number: null,
        currency: "XOF",
        min_amount: 0,
        max_amount: null,
        is_active: 1,
        sort_order: 99,
        config: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const customer = await registerThroughForm(p, o.host);
    expect((await get(p, o.host, "/funds", customer.jar)).html).not.toContain("Moyen Incomplet");
    expect((await get(p, o.host, "/", new Jar())).html).not.toContain("Moyen Incomplet");
    // The owner's checklist still says no method can take a deposit.
    expect((await get(p, HOST, o.base, o.jar)).html).toContain("Aucun moyen de paiement actif");
  });

  it("an owner adds a method (a wrong code named), then removes it; another platform user gets 404 on the page and every form", async () => {
    const o = await owner();
    const page = await get(p, HOST, `${o.base}/payment-methods`, o.jar);
    const fields = {
      _csrf: csrfFrom(page.html),
      _form: "new",
      code: "Wave!",
      name: "Wave Pro",
      type: "mobile_money",
      account_name: "",
      account_number: "+225 01 02 03 04",
      min_amount: "500",
      max_amount: "",
      instructions_fr: "",
      instructions_en: "",
      is_active: "1",
    };
    const bad = await post(p, HOST, `${o.base}/payment-methods?lang=en`, o.jar, fields);
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("Lowercase letters, digits, - and _ only");
    expect(bad.html).toContain('value="Wave Pro"');
    const added = await post(p, HOST, `${o.base}/payment-methods`, o.jar, { ...fields, code: "wave_pro" });
    expect(added.res.headers.get("location")).toBe(`${o.base}/payment-methods?done=method_added`);
    const wave = (await methodsOf(o.site.id)).find((m) => m.code === "wave_pro")!;
    expect(wave).toMatchObject({ is_active: 1, max_amount: null });

    const stranger = await registerThroughForm(p, HOST);
    const strangerPage = await get(p, HOST, "/white-label", stranger.jar);
    expect((await get(p, HOST, `${o.base}/payment-methods`, stranger.jar)).res.status).toBe(404);
    for (const path of ["/payment-methods", `/payment-methods/${wave.id}`, `/payment-methods/${wave.id}/active`, `/payment-methods/${wave.id}/remove`]) {
      const res = await post(p, HOST, `${o.base}${path}`, stranger.jar, { ...fields, _csrf: csrfFrom(strangerPage.html), code: "x_y", active: "0" });
      expect(res.res.status, path).toBe(404);
    }
    expect((await methodsOf(o.site.id)).find((m) => m.id === wave.id)).toMatchObject({ is_active: 1, name: "Wave Pro" });

    const removed = await post(p, HOST, `${o.base}/payment-methods/${wave.id}/remove`, o.jar, { _csrf: csrfFrom(page.html), _form: String(wave.id) });
    expect(removed.res.headers.get("location")).toBe(`${o.base}/payment-methods?done=method_deleted`);
    expect((await methodsOf(o.site.id)).find((m) => m.id === wave.id)).toBeUndefined();
  });
});
