import { dbNow } from "../../src/lib/time.ts";
import { forTenant } from "../../src/tenancy/scoped.ts";
import { sealCredentials } from "../../src/payment-gateways/accounts.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { get, Jar, registerThroughForm } from "../storefront/helpers.ts";
import { ownerThroughForms, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";
const NOT_YET = { fr: "Votre site ne peut pas encore recevoir de dépôt", en: "Your site cannot take a deposit yet" };

// The owner is not signed in on its own site (a site's accounts are its customers'): a link from the
// platform's site page carries a short-lived pass, the site keeps a cookie, and the site's pages then
// show the owner — and only the owner — a bar saying whether the site can take a deposit yet.
describeEachDialect("the site owner's bar on the site itself", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  const clock = manualClock(new Date());
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock });
  });
  afterAll(() => p.close());

  /** A platform user who bought a site through the purchase form; `jar` is their platform session. */
  const owner = () => ownerThroughForms(p, { template: "aurora", siteName: "Boost Korhogo", slugPrefix: "ov" });

  /** The pass the owner's "view my site" link carries, read from the platform's redirect. */
  async function passOf(o: Awaited<ReturnType<typeof owner>>): Promise<string> {
    const res = await p.request(`${o.base}/visit`, { host: HOST, headers: { cookie: o.jar.header() } });
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get("location")!);
    expect(`${to.host}${to.pathname}`).toBe(`${o.host}/owner-view`);
    return to.searchParams.get("pass")!;
  }

  /** A fresh browser on the site that followed the owner's link: its jar holds the owner cookie. */
  async function ownerBrowser(o: Awaited<ReturnType<typeof owner>>, pass?: string): Promise<Jar> {
    const jar = new Jar();
    const res = await get(p, o.host, `/owner-view?pass=${encodeURIComponent(pass ?? (await passOf(o)))}`, jar);
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get("location")).toBe("/");
    return jar;
  }

  it("the site page links to the owner's view; following it, the site shows the owner a bar until it can take a deposit", async () => {
    const o = await owner();
    const page = await get(p, HOST, o.base, o.jar);
    expect(page.html).toContain(`href="${o.base}/visit"`);
    expect(page.html).toContain("Voir mon site (vue propriétaire)");

    const jar = await ownerBrowser(o);
    expect(jar.raw.find((l) => l.startsWith("izy_owner="))).toMatch(/HttpOnly/i);
    for (const lang of ["fr", "en"] as const) {
      for (const path of ["/", "/services", "/login", "/faq"]) {
        const { res, html } = await get(p, o.host, `${path}?lang=${lang}`, jar);
        expect(res.status).toBe(200);
        expect(html).toContain('class="owner-bar owner-bar-todo"');
        expect(html).toContain(NOT_YET[lang]);
        expect(html).toContain(`href="http://izyboost.test${o.base}/payment-methods"`);
        expect(res.headers.get("cache-control")).toBe("private, no-store");
      }
    }

    // Once a method has its number and is on, the bar says so and asks for nothing.
    const [method] = await p.services.db.selectFrom("payment_methods").selectAll().where("site_id", "=", o.site.id).orderBy("id").execute();
    await p.services.db.updateTable("payment_methods").set({ account_number: "+225 07 00 00 00 01", is_active: 1 }).where("id", "=", method!.id).execute();
    const ready = await get(p, o.host, "/?lang=fr", jar);
    expect(ready.html).toContain('class="owner-bar"');
    expect(ready.html).not.toContain(NOT_YET.fr);
    expect(ready.html).not.toContain("Ajouter un moyen de paiement");
    // The platform's checklist follows the same rule: the method is done.
    expect((await get(p, HOST, o.base, o.jar)).html).not.toContain("Aucun moyen de paiement actif");
  });

  it("a site with its own automatic-payment account on takes deposits: the bar and the checklist say so", async () => {
    const o = await owner();
    const jar = await ownerBrowser(o);
    expect((await get(p, o.host, "/", jar)).html).toContain("owner-bar-todo");
    const now = dbNow(p.services.clock);
    await forTenant(p.services.db, o.site.id)
      .insertInto("gateway_accounts", {
        code: "own-cinetpay",
        kind: "cinetpay",
        name: "CinetPay",
        api_base: "http://127.0.0.1:9",
        credentials: sealCredentials(p.ctx(), o.site.id, "own-cinetpay", { apikey: "k", site_id: "1", secret_key: "s" }),
        currency: "XOF",
        created_at: now,
        updated_at: now,
      })
      .execute();
    const page = await get(p, o.host, "/", jar);
    expect(page.html).toContain('class="owner-bar"');
    expect(page.html).not.toContain("owner-bar-todo");
    expect((await get(p, HOST, o.base, o.jar)).html).not.toContain("Aucun moyen de paiement actif");
  });

  it("a customer never sees the bar, and the owner's pages never reach the shared page cache", async () => {
    const o = await owner();
    const visitor = new Jar();
    const before = await get(p, o.host, "/", visitor);
    expect(before.html).not.toContain("owner-bar");
    expect(before.res.headers.get("cache-control")).toBe("no-cache");
    const jar = await ownerBrowser(o);
    expect((await get(p, o.host, "/", jar)).html).toContain("owner-bar");
    for (const path of ["/", "/services"]) {
      const after = await get(p, o.host, path, visitor);
      expect(after.html).not.toContain("owner-bar");
    }
    // A customer signed in on the site does not see it either.
    const customer = await registerThroughForm(p, o.host);
    expect((await get(p, o.host, "/account", customer.jar)).html).not.toContain("owner-bar");
  });

  it("hiding the bar forgets the owner in this browser", async () => {
    const o = await owner();
    const jar = await ownerBrowser(o);
    const exit = await get(p, o.host, "/owner-view/exit", jar);
    expect(exit.res.status).toBe(303);
    expect(jar.cookies.has("izy_owner")).toBe(false);
    expect((await get(p, o.host, "/", jar)).html).not.toContain("owner-bar");
  });

  it("a pass works only on its own site, untouched, for five minutes, for the site's owner of the moment", async () => {
    const a = await owner();
    const b = await owner();
    const pass = await passOf(a);
    const refused = async (host: string, value: string) => {
      const jar = new Jar();
      const res = await get(p, host, `/owner-view?pass=${encodeURIComponent(value)}`, jar);
      expect(res.res.status).toBe(303);
      expect(jar.cookies.has("izy_owner")).toBe(false);
    };
    await refused(b.host, pass); // another site
    await refused(HOST, pass); // the platform
    await refused(a.host, `${pass.slice(0, -4)}AAAA`); // tampered
    await refused(a.host, "");
    // Another user cannot get a pass to a site that is not theirs.
    const other = await registerThroughForm(p, HOST);
    expect((await p.request(`${a.base}/visit`, { host: HOST, headers: { cookie: other.jar.header() } })).status).toBe(404);
    // Signed out, the link asks to sign in first.
    expect((await p.request(`${a.base}/visit`, { host: HOST })).headers.get("location")).toMatch(/^\/login\?next=/);

    // A cookie of one site shows nothing on another.
    const jar = await ownerBrowser(a, pass);
    const onB = new Jar();
    onB.cookies.set("izy_owner", jar.cookies.get("izy_owner")!);
    expect((await get(p, b.host, "/", onB)).html).not.toContain("owner-bar");

    // Five minutes later the pass is spent.
    clock.advance(6 * 60_000);
    await refused(a.host, pass);
    // The site handed to someone else: its former owner's cookie shows nothing.
    expect((await get(p, a.host, "/", jar)).html).toContain("owner-bar");
    await p.services.db.updateTable("white_label_sites").set({ owner_id: b.user.id }).where("id", "=", a.site.id).execute();
    p.invalidateTenants();
    expect((await get(p, a.host, "/", jar)).html).not.toContain("owner-bar");
  });
});
