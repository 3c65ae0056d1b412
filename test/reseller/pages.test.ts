import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { parseMoney } from "../../src/money/money.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { THEMES_DIR } from "../../src/storefront/themes.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import {
  activeMethod,
  balanceOf,
  customerOf,
  customerOrder,
  customerTicket,
  expectLedgerHolds,
  fund,
  insertService,
  pendingDeposit,
  resellerSite,
  whiteLabelPlatform,
} from "./helpers.ts";

const HOST = "izyboost.test";
/** Text as the escaped HTML shows it. */
const escaped = (s: string) => s.replace(/'/g, "&#39;");

describeEachDialect("the platform's white-label pages", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());
  afterEach(() => p.answerTxt(null));

  /** A platform user signed in through the login form, with `funds` on their balance. */
  async function buyer(funds = "0") {
    const { jar, username } = await registerThroughForm(p, HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    if (funds !== "0") await fund(p, user.id, funds);
    return { jar, user };
  }

  async function ids() {
    const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
    return { plan: String(plan.id), template: String(template.id) };
  }

  /** Fills and submits the purchase form the way a browser does. */
  async function buy(jar: Jar, fields: Record<string, string>) {
    const page = await get(p, HOST, "/white-label", jar);
    const { plan, template } = await ids();
    return post(p, HOST, "/white-label", jar, {
      confirm: "yes",
      _csrf: csrfFrom(page.html),
      plan_id: plan,
      template_id: template,
      billing_cycle: "monthly",
      site_name: "Boost Abidjan",
      custom_domain: "",
      ...fields,
    });
  }

  it("renders the plans, the templates and a login invitation in French and English, with no missing translation", async () => {
    for (const [lang, login, title] of [
      ["fr", "Connexion", "Votre site SMM en marque blanche"],
      ["en", "Log in", "Your white-label SMM site"],
    ]) {
      const { res, html } = await get(p, HOST, `/white-label?lang=${lang}`, new Jar());
      expect(res.status).toBe(200);
      expect(html).toContain(`<html lang="${lang}"`);
      expect(html).toContain(`<h1>${title}</h1>`);
      for (const name of ["Starter", "Business", "Enterprise", "Aurora", "Midnight", "Savane"]) expect(html).toContain(name);
      expect(html).toContain(`${displayMoney(parseMoney("15000")!, "XOF", lang as "fr" | "en")} / ${lang === "fr" ? "mois" : "month"}`);
      expect(html).toContain(`href="/login?next=%2Fwhite-label">${login}</a>`);
      expect(html).not.toContain('name="plan_id"');
      expect(html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    const { jar } = await buyer();
    for (const lang of ["fr", "en"]) {
      const { html } = await get(p, HOST, `/white-label?lang=${lang}`, jar);
      expect(html).toContain('name="plan_id"');
      expect(html).toContain('name="_csrf"');
      expect(html).toContain(lang === "fr" ? "Payer et créer mon site" : "Pay and create my site");
    }
    expect([...missingTranslations()]).toEqual([]);
  });

  it("is a platform page only: a site host answers its own 404", async () => {
    const r = await resellerSite(p);
    const res = await p.request("/white-label", { host: r.host });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("/assets/aurora/theme.css");
  });

  it("a purchase through the form charges the buyer, creates the site and lands on its management page", async () => {
    const { jar, user } = await buyer("20000");
    const slug = `boost${Date.now().toString(36)}`;
    const res = await buy(jar, { slug });
    expect(res.res.status).toBe(303);
    const location = res.res.headers.get("location")!;
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
    expect(location).toBe(`/white-label/sites/${site.uuid}?done=purchased`);
    expect(site).toMatchObject({ owner_id: user.id, name: "Boost Abidjan", status: "active" });
    expect(await balanceOf(p, user.id)).toBe(parseMoney("5000"));
    await expectLedgerHolds(p);

    for (const [lang, notice, deposits] of [
      ["fr", "Votre site est en ligne !", "Recharges à valider"],
      ["en", "Your site is live!", "Top-ups to approve"],
    ]) {
      const page = await get(p, HOST, `${location}&lang=${lang}`, jar);
      expect(page.res.status).toBe(200);
      expect(page.html).toContain("<h1>Boost Abidjan</h1>");
      expect(page.html).toContain(notice);
      expect(page.html).toContain(deposits);
      expect(page.html).toContain(`http://${slug}.sites.izyboost.test`);
      expect(page.html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    const list = await get(p, HOST, "/white-label/sites", jar);
    expect(list.html).toContain(`href="/white-label/sites/${site.uuid}"`);
    expect([...missingTranslations()]).toEqual([]);
  });

  it("re-renders the form with translated errors and charges nothing: taken address, bad fields, short balance, no CSRF", async () => {
    const r = await resellerSite(p);
    const { jar, user } = await buyer("20000");
    const taken = await buy(jar, { slug: r.site.slug });
    expect(taken.res.status).toBe(422);
    expect(taken.html).toContain("Cette adresse est déjà prise.");
    expect(taken.html).toContain('value="Boost Abidjan"');
    const bad = await buy(jar, { slug: "a", site_name: "x" });
    expect(bad.res.status).toBe(422);
    for (const m of ["3 à 63 caractères", "Donnez un nom de 2 à 100 caractères."]) expect(bad.html).toContain(m);
    const badDomain = await buy(jar, { slug: `dom${Date.now().toString(36)}`, custom_domain: "localhost" });
    expect(badDomain.res.status).toBe(422);
    expect(badDomain.html).toContain(escaped("Ce nom de domaine n'est pas utilisable."));
    expect(await balanceOf(p, user.id)).toBe(parseMoney("20000"));

    const poor = await buyer("100");
    const short = await buy(poor.jar, { slug: `poor${Date.now().toString(36)}` });
    expect(short.res.status).toBe(422);
    expect(short.html).toContain("Votre solde ne couvre pas le prix de cette formule.");
    expect(await balanceOf(p, poor.user.id)).toBe(parseMoney("100"));

    const { plan, template } = await ids();
    const forged = await post(p, HOST, "/white-label", jar, {
      confirm: "yes",
      plan_id: plan,
      template_id: template,
      billing_cycle: "monthly",
      site_name: "Forged",
      slug: "forgedsite",
    });
    expect(forged.res.status).toBe(403);
    const anonymous = await post(p, HOST, "/white-label", new Jar(), { confirm: "yes", plan_id: plan, slug: "anon-site" });
    expect(anonymous.res.status).toBe(303);
    expect(anonymous.res.headers.get("location")).toBe("/login?next=%2Fwhite-label");
    expect(await p.services.db.selectFrom("white_label_sites").select("id").where("slug", "in", ["forgedsite", "anon-site"]).execute()).toEqual([]);
  });

  it("manages a site from its page: domain with TXT record and verification, branding with a logo, margin, deposits", async () => {
    const { jar } = await buyer("20000");
    const slug = `shop${Date.now().toString(36)}`;
    const location = (await buy(jar, { slug })).res.headers.get("location")!;
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
    const base = `/white-label/sites/${site.uuid}`;
    const csrf = csrfFrom((await get(p, HOST, location, jar)).html);

    const domain = await post(p, HOST, `${base}/domain`, jar, { _csrf: csrf, custom_domain: `${slug}.example.com` });
    expect(domain.res.headers.get("location")).toBe(`${base}?done=domain`);
    const row = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", site.id).executeTakeFirstOrThrow();
    const withTxt = (await get(p, HOST, base, jar)).html;
    expect(withTxt).toContain(`_izyboost.${slug}.example.com`);
    expect(withTxt).toContain(`izyboost-verify=${row.domain_token}`);
    p.answerTxt(async () => []);
    const notYet = await post(p, HOST, `${base}/domain/verify`, jar, { _csrf: csrf });
    expect(notYet.res.status).toBe(422);
    expect(notYet.html).toContain(escaped("L'enregistrement TXT attendu est introuvable"));
    p.answerTxt(async (name) => (name === `_izyboost.${slug}.example.com` ? [[`izyboost-verify=${row.domain_token}`]] : []));
    expect((await post(p, HOST, `${base}/domain/verify`, jar, { _csrf: csrf })).res.headers.get("location")).toBe(`${base}?done=domain_verified`);
    expect(
      (await p.services.db.selectFrom("white_label_sites").select("domain_verified_at").where("id", "=", site.id).executeTakeFirstOrThrow()).domain_verified_at,
    ).not.toBeNull();

    const fd = new FormData();
    for (const [k, v] of Object.entries({
      _csrf: csrf,
      name: "Boost Bouaké",
      tagline: "Vite et bien",
      primary_color: "#ff6600",
      accent_color: "#112233",
      language: "en",
    }))
      fd.set(k, v);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    fd.set("logo", new File([new Uint8Array(png)], "logo.png", { type: "image/png" }));
    const branded = await p.request(`${base}/branding`, { method: "POST", body: fd, headers: { cookie: jar.header() } });
    expect(branded.status).toBe(303);
    const afterBranding = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", site.id).executeTakeFirstOrThrow();
    expect(afterBranding).toMatchObject({ name: "Boost Bouaké", language: "en" });
    expect(JSON.parse(afterBranding.branding!)).toMatchObject({ tagline: "Vite et bien", primary_color: "#ff6600" });
    expect(existsSync(join(p.dataDir, "uploads", "sites", site.uuid, "logo.png"))).toBe(true);
    const notImage = new FormData();
    for (const [k, v] of Object.entries({ _csrf: csrf, name: "Boost Bouaké", language: "fr" })) notImage.set(k, v);
    notImage.set("logo", new File([new TextEncoder().encode("<svg/>")], "logo.png", { type: "image/png" }));
    const refused = await p.request(`${base}/branding`, { method: "POST", body: notImage, headers: { cookie: jar.header() } });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Le logo doit être une image PNG, JPEG ou WebP");

    // The site page's margin form shows the preview first; only its Confirm saves.
    const sitePage = await get(p, HOST, base, jar);
    expect(sitePage.html).toContain(`action="${base}/pricing/preview"`);
    const margin = { _csrf: csrf, scope: "default", kind: "margin", value: "45" };
    const marginOf = async () =>
      (await p.services.db.selectFrom("white_label_sites").select("default_margin_bp").where("id", "=", site.id).executeTakeFirstOrThrow()).default_margin_bp;
    const marginBefore = await marginOf();
    const preview = await post(p, HOST, `${base}/pricing/preview`, jar, margin);
    expect(preview.res.status).toBe(200);
    expect(preview.html).toContain(`action="${base}/pricing/confirm"`);
    expect(await marginOf()).toBe(marginBefore);
    expect((await post(p, HOST, `${base}/pricing/confirm`, jar, margin)).res.headers.get("location")).toBe(`${base}/pricing?done=saved`);
    expect(await marginOf()).toBe(4500);
    const badMargin = await post(p, HOST, `${base}/pricing/preview`, jar, { ...margin, value: "lots" });
    expect(badMargin.res.status).toBe(422);
    expect(badMargin.html).toContain('aria-invalid="true"');
    expect(await marginOf()).toBe(4500);

    const fresh = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", site.id).executeTakeFirstOrThrow();
    const r = { tenant: { kind: "site" as const, siteId: site.id, site: fresh } };
    const method = await p.services.db
      .selectFrom("payment_methods")
      .select("id")
      .where("site_id", "=", site.id)
      .where("code", "=", "wave")
      .executeTakeFirstOrThrow();
    await p.services.db.updateTable("payment_methods").set({ account_number: "+225 07", is_active: 1 }).where("id", "=", method.id).execute();
    const customer = await customerOf(p, r);
    const dep = await pendingDeposit(p, r, customer, method.id, "3000");
    const service = await insertService(p, { rate: "1000" });
    const buyerOf = await customerOf(p, r, "5000");
    const { order } = await customerOrder(p, r, buyerOf, service.id, 1000);
    await customerTicket(p, r, buyerOf, "Commande en retard");
    const withDeposit = (await get(p, HOST, base, jar)).html;
    // The customer's order as everyone names it: its number on the site.
    expect(withDeposit).toContain(`>#${order.number}</td>`);
    expect(withDeposit).not.toContain(`#${order.uuid.slice(0, 8)}`);
    expect(withDeposit).toContain("Commande en retard");
    // 45 % margin over a cost of 1 000: the customer paid 1 450, the reseller keeps 450.
    for (const amount of ["1450", "1000", "450"]) expect(withDeposit).toContain(displayMoney(parseMoney(amount)!, "XOF", "fr"));
    expect(withDeposit).toContain(`action="${base}/deposits/${dep.id}"`);
    expect(withDeposit).toContain(customer.username);
    expect(withDeposit).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    // Approving shows what the customer is credited first; nothing moves before Confirm.
    const before = await balanceOf(p, customer.id);
    const step = await post(p, HOST, `${base}/deposits/${dep.id}`, jar, { _csrf: csrf, action: "approve" });
    expect(step.res.status).toBe(200);
    expect(step.html).toContain('class="card confirm-step"');
    expect(step.html).toContain(customer.username);
    expect(step.html).toContain(displayMoney(Number(dep.amount), "XOF", "fr"));
    expect(await balanceOf(p, customer.id)).toBe(before);
    const back = await post(p, HOST, `${base}/deposits/${dep.id}`, jar, { _csrf: csrf, action: "approve", confirm: "edit" });
    expect(back.html).not.toContain("confirm-step");
    expect(back.html).toContain(`action="${base}/deposits/${dep.id}"`);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(step.html)![1]!;
    const confirmStep = { _csrf: csrf, action: "approve", idempotency_key: key, confirm: "yes" };
    const approved = await post(p, HOST, `${base}/deposits/${dep.id}`, jar, confirmStep);
    expect(approved.res.headers.get("location")).toBe(`${base}?done=approved`);
    expect(await balanceOf(p, customer.id)).toBe(parseMoney("3000"));
    // Confirm pressed twice (same key): the same answer, credited once.
    const twice = await post(p, HOST, `${base}/deposits/${dep.id}`, jar, confirmStep);
    expect(twice.res.headers.get("location")).toBe(`${base}?done=approved`);
    expect(await balanceOf(p, customer.id)).toBe(parseMoney("3000"));
    const again = await post(p, HOST, `${base}/deposits/${dep.id}`, jar, { _csrf: csrf, action: "approve", confirm: "yes" });
    expect(again.res.status).toBe(409);
    expect(again.html).toContain("Cette recharge a déjà été traitée.");
    expect(await balanceOf(p, customer.id)).toBe(parseMoney("3000"));

    // A refusal carries the reseller's note to the customer: in a notification and in the deposit history.
    const other = await pendingDeposit(p, r, customer, method.id, "2000");
    const rejected = await post(p, HOST, `${base}/deposits/${other.id}`, jar, {
      _csrf: csrf,
      action: "reject",
      note: "  Aucun paiement reçu sous cette référence ",
    });
    expect(rejected.res.headers.get("location")).toBe(`${base}?done=rejected`);
    const otherRow = await p.services.db.selectFrom("transactions").select(["status", "meta"]).where("id", "=", other.id).executeTakeFirstOrThrow();
    expect(otherRow.status).toBe("failed");
    expect(JSON.parse(otherRow.meta!).note).toBe("Aucun paiement reçu sous cette référence");
    const notes = await p.services.db.selectFrom("notifications").select(["type", "body"]).where("user_id", "=", customer.id).execute();
    expect(notes.find((n) => n.type === "deposit_rejected")?.body).toContain("Aucun paiement reçu sous cette référence");
    await expectLedgerHolds(p);
    expect([...missingTranslations()]).toEqual([]);
  });

  it("another user gets a 404 for a site's page and its forms, and nothing changes", async () => {
    const r = await resellerSite(p);
    const method = await activeMethod(p, r);
    const dep = await pendingDeposit(p, r, await customerOf(p, r), method.id, "1000");
    const stranger = await buyer();
    const page = await get(p, HOST, `/white-label/sites/${r.site.uuid}`, stranger.jar);
    expect(page.res.status).toBe(404);
    const csrf = csrfFrom((await get(p, HOST, "/white-label", stranger.jar)).html);
    for (const [path, fields] of [
      ["/pricing/preview", { scope: "default", kind: "margin", value: "1" }],
      ["/pricing/confirm", { scope: "default", kind: "margin", value: "1" }],
      ["/domain", { custom_domain: "stolen.example.com" }],
      [`/deposits/${dep.id}`, { action: "approve", confirm: "yes" }],
    ] as const) {
      expect((await post(p, HOST, `/white-label/sites/${r.site.uuid}${path}`, stranger.jar, { _csrf: csrf, ...fields })).res.status, path).toBe(404);
    }
    const row = await p.services.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", r.site.uuid).executeTakeFirstOrThrow();
    expect([row.default_margin_bp, row.custom_domain]).toEqual([3000, null]);
    expect((await p.services.db.selectFrom("transactions").select("status").where("id", "=", dep.id).executeTakeFirstOrThrow()).status).toBe("pending");
    // Signed-out visitors are sent to the login page.
    const anonymous = await p.request(`/white-label/sites/${r.site.uuid}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/white-label/sites/${r.site.uuid}`)}`);
  });
});

describe("white-label page translations", () => {
  it("every platform.wl key the code or the templates name exists in French and English", () => {
    const sources = [
      ...readdirSync("src/white-label").map((f) => join("src/white-label", f)),
      ...readdirSync(join(THEMES_DIR, "platform/pages")).map((f) => join(THEMES_DIR, "platform/pages", f)),
    ];
    const keys = new Set<string>();
    for (const f of sources) for (const [, key] of readFileSync(f, "utf8").matchAll(/["'](platform\.wl\.[a-z0-9_.]+)["']/g)) if (key) keys.add(key);
    // Keys built from a value: every value they can take.
    for (const v of ["monthly", "yearly"]) keys.add(`platform.wl.cycle.${v}`);
    for (const v of ["none", "pending", "verified"]) keys.add(`platform.wl.domain_state.${v}`);
    for (const v of ["active", "grace", "suspended", "disabled"]) keys.add(`platform.wl.status.${v}`);
    for (const v of ["purchased", "branding", "domain", "domain_verified", "approved", "rejected"]) keys.add(`platform.wl.done.${v}`);
    expect(keys.size).toBeGreaterThan(100);
    for (const lang of ["fr", "en"]) {
      const messages = JSON.parse(readFileSync(join(THEMES_DIR, `platform/locales/${lang}.json`), "utf8"));
      expect(
        [...keys].filter((k) => !(k in messages)),
        lang,
      ).toEqual([]);
    }
  });
});
