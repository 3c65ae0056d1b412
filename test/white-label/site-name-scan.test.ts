import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, markEmailVerified } from "../harness/platform.ts";
import { readMail, startSmtp } from "../harness/smtp.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { customerOn, orderViaForm, pressButton, siteWith, type Customer, type SiteWorld } from "../chain/support.ts";
import { activeMethod, customerTicket, pendingDeposit, type Reseller } from "../reseller/helpers.ts";
import { addService, closeWorld, expectLedgerHolds, finishAtProvider, orderWorld, runSync, type World } from "../orders/support.ts";
import { ALL_PERMISSIONS, v2 } from "../developer-api/helpers.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { dbNow } from "../../src/lib/time.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { putSetting } from "../../src/settings/service.ts";

/**
 * A site speaks only in its own name: no page, file, JSON answer or e-mail a customer of the site can
 * see says the platform's name or the upstream panel's own words. Pages come from the router itself
 * (every GET route, its parameters filled with the customer's records) and from every link they show,
 * so a page added later is scanned too.
 */

const DOMAIN = "kofi-boost.ci";
const SITE_NAME = "Kofi Boost";
const REPLY_TO = "aide@kofi-boost.ci";
const SITES_FROM = "noreply@mail-relay.test";
/** Words only the simulated panel says (its refusals in this test): they must never reach the site's customers. */
const PANEL_WORDS = "Quokkapanel";
const FORBIDDEN = [/izyboost/i, new RegExp(PANEL_WORDS, "i")];

/** Each forbidden word found in `text`, with what is around it, labelled by where it was seen. */
function leaks(where: string, text: string): string[] {
  const found: string[] = [];
  for (const word of FORBIDDEN) {
    const g = new RegExp(word.source, "gi");
    for (const m of text.matchAll(g)) found.push(`${where}: …${text.slice(Math.max(0, m.index - 60), m.index + m[0].length + 40).replace(/\s+/g, " ")}…`);
  }
  return found;
}

/** Where a page's links, images, scripts and GET forms lead on the site's own host. */
function sameSiteLinks(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/\s(?:href|src|action)="([^"]+)"/g)) {
    const raw = m[1]!.replace(/&amp;/g, "&");
    let url: URL;
    try {
      url = new URL(raw, `https://${DOMAIN}/`);
    } catch {
      continue;
    }
    if (url.host !== DOMAIN || !/^https?:$/.test(url.protocol)) continue;
    url.searchParams.delete("lang");
    out.add(url.pathname + (url.search === "?" ? "" : url.search));
  }
  return [...out];
}

describeEachDialect("a site speaks only in its own name", (dialect) => {
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let site: SiteWorld;
  let fr: Customer;
  let en: Customer;
  let apiKey: string;
  let serviceId: number;
  let completedNumber = 0;
  const uuids: { order: string; failedOrder: string; ticket: string } = { order: "", failedOrder: "", ticket: "" };
  const host = DOMAIN;
  /** Where the refused refill and cancellation sent the customers back to. */
  const afterActions: string[] = [];
  const newAddress = () => en.user.email.replace("@", ".new@");

  beforeAll(async () => {
    smtp = await startSmtp();
    // The platform keeps its own sending address and name; a site's mail must use neither.
    w = await orderWorld(dialect, {
      MAIL_HOST: "127.0.0.1",
      MAIL_PORT: String(smtp.port),
      MAIL_ENCRYPTION: "none",
      MAIL_FROM_ADDRESS: "noreply@izyboost.com",
      MAIL_FROM_NAME: "IzyBoost",
      MAIL_SITES_FROM_ADDRESS: SITES_FROM,
    });
    const service = await addService(w, { rate: "1000", refill: true, cancel: true });
    serviceId = service.id;
    site = await siteWith(w, {
      resellerFunds: "1000000",
      extra: {
        name: SITE_NAME,
        custom_domain: DOMAIN,
        domain_verified_at: dbNow(w.clock),
        branding: JSON.stringify({ contact_email: REPLY_TO, contact_whatsapp: "+225 07 00 00 00 01" }),
      },
    });
    const where = { host, siteId: site.siteId };
    fr = await customerOn(w, where, "50000");
    en = await customerOn(w, where, "50000", { language: "en" });
    for (const c of [fr, en]) await markEmailVerified(w.p, c.user.id);

    // An order that completes, one the panel refuses in its own words, one still pending.
    const order = { service: String(serviceId), link: "https://instagram.com/kofi.fans", quantity: "1000" };
    const done = await orderViaForm(w, fr, order);
    uuids.order = done.uuid!;
    w.sim.sim.setFault({ action: "add", kind: "error", message: `${PANEL_WORDS} refuses this link: profile 7731 is private`, times: 1 });
    const refused = await orderViaForm(w, fr, { ...order, link: "https://instagram.com/private.one" });
    uuids.failedOrder = refused.uuid!;
    await settleDispatchKicks(w.p.services);
    const failed = await w.p.services.db.selectFrom("orders").select("status").where("uuid", "=", uuids.failedOrder).executeTakeFirstOrThrow();
    expect(["failed", "canceled"]).toContain(failed.status);
    finishAtProvider(w);
    await runSync(w);
    const pending = await orderViaForm(w, en, order);
    // The panel refuses a refill and a cancellation in its own words; the pages they lead to are scanned.
    w.sim.sim.setFault({ action: "refill", kind: "error", message: `${PANEL_WORDS} will not refill this order`, times: 1 });
    const refill = await pressButton(w, fr, `/orders/${done.uuid}`, `/orders/${done.uuid}/refill`);
    w.sim.sim.setFault({ action: "cancel", kind: "error", message: `${PANEL_WORDS} cannot cancel now`, times: 1 });
    const cancel = await pressButton(w, en, `/orders/${pending.uuid}/cancel`, `/orders/${pending.uuid}/cancel`, { confirm: "yes" });
    for (const r of [refill, cancel]) expect(r.location).toMatch(/flash=order_action_refused/);
    // The panel's words exist (kept for the admins): the scan below would see them if they reached a customer.
    const db = w.p.services.db;
    const stored = [
      ...(await db.selectFrom("orders").select("last_error as text").where("last_error", "is not", null).execute()),
      ...(await db.selectFrom("refills").select("last_error as text").where("last_error", "is not", null).execute()),
    ].map((r) => r.text);
    expect(stored.filter((text) => text?.includes(PANEL_WORDS)).length).toBeGreaterThanOrEqual(2);
    afterActions.push(refill.location!, cancel.location!);

    // A deposit the reseller approves, a ticket it answers, a reset link it sends.
    const reseller = { ...site, token: site.owner.token, site: { uuid: site.tenant.site.uuid } } as unknown as Reseller;
    const method = await activeMethod(w.p, reseller);
    const deposit = await pendingDeposit(w.p, site, fr.user, method.id, "5000");
    const api = `/api/white-label/sites/${site.tenant.site.uuid}`;
    expect((await w.p.request(`${api}/deposits/${deposit.id}/verify`, { method: "POST", token: site.owner.token, json: { action: "approve" } })).status).toBe(
      200,
    );
    await pendingDeposit(w.p, site, en.user, method.id, "7000");
    const ticket = await customerTicket(w.p, site, fr.user, "Ma commande n’avance pas");
    uuids.ticket = ticket.uuid;
    const reply = await w.p.request(`${api}/tickets/${ticket.uuid}/reply`, { method: "POST", token: site.owner.token, json: { message: "C'est en cours." } });
    expect(reply.status).toBe(200);
    await customerTicket(w.p, site, en.user, "Where is my order?");
    expect((await w.p.request(`${api}/customers/${en.user.id}/password-reset`, { method: "POST", token: site.owner.token })).status).toBe(200);

    // The customer's own "forgot password" on the site.
    const anon = new Jar();
    const forgot = await get(w.p, host, "/password/forgot", anon);
    expect((await post(w.p, host, "/password/forgot", anon, { _csrf: csrfFrom(forgot.html), email: fr.user.email })).res.status).toBeLessThan(400);

    // An address change: the new address gets the link, the old one is told.
    const settings = await get(w.p, host, "/account/settings", en.jar);
    const change = await post(w.p, host, "/account/email", en.jar, {
      _csrf: csrfFrom(settings.html),
      new_email: newAddress(),
      email_password: "correct-horse-9",
    });
    expect(change.res.status).toBe(303);

    apiKey = (await createApiKey(w.p.ctx(site.tenant), fr.user.id, { name: "panel", permissions: ALL_PERMISSIONS })).raw;
    const row = await w.p.services.db.selectFrom("orders").select("number").where("uuid", "=", uuids.order).executeTakeFirstOrThrow();
    completedNumber = Number(row.number);
    await w.p.services.mailer.flush();
  }, 120_000);

  afterAll(async () => {
    await closeWorld(w);
    await smtp?.close();
  });

  /** Every GET route of the router, its parameters filled with this customer's records (or ids that find nothing). */
  function routerPaths(theme: string): string[] {
    const routes = new Set(w.p.app.routes.filter((r) => r.method === "GET" && r.path !== "/*" && !r.path.startsWith("/api")).map((r) => r.path));
    const paths = new Set<string>(["/no-such-page", "/orders/00000000-0000-4000-8000-000000000000"]);
    for (const route of routes) {
      const path = route.replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_, name: string) => {
        if (name === "theme") return theme;
        if (name === "file") return route.startsWith("/icons") ? "icon-192.png" : route.startsWith("/assets") ? "theme.css" : "logo.png";
        if (name === "uuid" && route.startsWith("/orders")) return uuids.order;
        if (name === "uuid" && route.startsWith("/tickets")) return uuids.ticket;
        if (name === "uuid" && route.startsWith("/uploads")) return site.tenant.site.uuid;
        if (name === "uuid" || name === "ticket") return "00000000-0000-4000-8000-000000000000";
        if (name === "id" && route.startsWith("/services")) return String(serviceId);
        return "1";
      });
      paths.add(path);
    }
    paths.add(`/orders/${uuids.failedOrder}`);
    for (const path of afterActions) paths.add(path);
    return [...paths];
  }

  /** Visits `start` and every same-site link they lead to (breadth first), as `jar` in `lang`; returns the leaks and what was visited. */
  async function crawl(jar: Jar, lang: "fr" | "en", start: string[]) {
    await get(w.p, host, `/?lang=${lang}`, jar);
    const seen = new Set<string>();
    const queue = [...start];
    const found: string[] = [];
    while (queue.length && seen.size < 400) {
      const path = queue.shift()!;
      if (seen.has(path) || path.startsWith("/logout")) continue;
      seen.add(path);
      const { res, html } = await get(w.p, host, path, jar);
      const type = res.headers.get("content-type") ?? "";
      const where = `${lang} ${path} (${res.status})`;
      found.push(...leaks(`${where} headers`, [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")));
      if (/text|json|xml|javascript|css|manifest/.test(type)) found.push(...leaks(where, html));
      const location = res.headers.get("location");
      const next = [...(/html/.test(type) ? sameSiteLinks(html) : []), ...(location ? sameSiteLinks(` href="${location}"`) : [])];
      for (const link of next) if (!seen.has(link)) queue.push(link);
    }
    return { found, seen };
  }

  it("no page or file of the site says the platform's name or the panel's words, in every theme, signed out or signed in, in French and English", async () => {
    const found: string[] = [];
    const templates = await w.p.services.db.selectFrom("white_label_templates").select(["id", "slug"]).where("is_active", "=", 1).execute();
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const template of templates) {
      await w.p.services.db.updateTable("white_label_sites").set({ template_id: template.id }).where("id", "=", site.siteId).execute();
      w.p.services.events.siteChanged(site.siteId);
      let visited = 0;
      for (const who of ["anonymous", "fr", "en"] as const) {
        for (const lang of ["fr", "en"] as const) {
          const jar = who === "anonymous" ? new Jar() : who === "fr" ? fr.jar : en.jar;
          const r = await crawl(jar, lang, routerPaths(template.slug));
          found.push(...r.found.map((f) => `${template.slug} ${who} ${f}`));
          visited += r.seen.size;
          // The refused order's page and the notices about it were read.
          if (who === "fr") expect([`/orders/${uuids.failedOrder}`, "/notifications", "/account", "/docs/api"].filter((p) => !r.seen.has(p))).toEqual([]);
        }
      }
      expect(visited).toBeGreaterThan(150);
    }
    expect(found).toEqual([]);
  }, 300_000);

  it("forms refused and error pages speak in the site's name: 404, a suspended site's 503, maintenance", async () => {
    const found: string[] = [];
    const page = await get(w.p, host, "/orders/new", fr.jar);
    const bad = await post(w.p, host, "/orders", fr.jar, {
      _csrf: csrfFrom(page.html),
      idempotency_key: "k-scan-1",
      service: String(serviceId),
      link: "x",
      quantity: "1",
    });
    expect(bad.res.status).toBe(422);
    found.push(...leaks("order form refused", bad.html));
    const login = await get(w.p, host, "/login", new Jar());
    found.push(
      ...leaks("login refused", (await post(w.p, host, "/login", new Jar(), { _csrf: csrfFrom(login.html), login: "nobody", password: "wrong" })).html),
    );
    found.push(...leaks("no CSRF", (await post(w.p, host, "/tickets", fr.jar, { subject: "x" })).html));

    await w.p.services.db.updateTable("white_label_sites").set({ status: "suspended" }).where("id", "=", site.siteId).execute();
    w.p.invalidateTenants();
    for (const path of ["/", "/services", "/api/v2"]) {
      const res = await w.p.request(path, { host });
      expect(res.status).toBe(503);
      found.push(...leaks(`suspended ${path}`, await res.text()));
    }
    await w.p.services.db.updateTable("white_label_sites").set({ status: "active" }).where("id", "=", site.siteId).execute();
    w.p.invalidateTenants();

    await putSetting(w.p.ctx(), "maintenance_page", "1");
    await putSetting(w.p.ctx(), "maintenance_sites", "1");
    try {
      for (const path of ["/", "/orders", "/api/v2", "/api/v1/services", "/robots.txt"]) {
        const res = await w.p.request(path, { host, headers: { cookie: fr.jar.header() } });
        found.push(...leaks(`maintenance ${path} (${res.status})`, await res.text()));
      }
    } finally {
      await putSetting(w.p.ctx(), "maintenance_page", "0");
      await putSetting(w.p.ctx(), "maintenance_sites", "0");
    }
    expect(found).toEqual([]);
  });

  it("the site's /api/v2 and /api/v1 answers and refusals never say the platform's name or the panel's words", async () => {
    const found: string[] = [];
    const call = async (fields: Record<string, string | number>) => {
      const r = await v2(w.p, fields, { host });
      found.push(...leaks(`v2 ${JSON.stringify(fields)}`, JSON.stringify(r.json)));
      return r.json;
    };
    const key = apiKey;
    await call({ key, action: "services" });
    await call({ key, action: "balance" });
    await call({ key: "sk_not-a-key", action: "balance" });
    await call({ key, action: "nope" });
    await call({ key, action: "add", service: serviceId, link: "https://instagram.com/kofi.fans", quantity: 100 });
    await call({ key, action: "add", service: 999999, link: "x", quantity: 1 });
    await call({ key, action: "add", service: serviceId, link: "https://instagram.com/kofi.fans", quantity: 999999999 });
    await call({ key, action: "status", order: completedNumber });
    await call({ key, action: "status", orders: `${completedNumber},424242,abc` });
    // The panel refuses the refill and the cancellation in its own words: the customer reads ours.
    w.sim.sim.setFault({ action: "refill", kind: "error", message: `${PANEL_WORDS} will not refill this order`, times: 1 });
    const refill = await call({ key, action: "refill", order: completedNumber });
    expect(JSON.stringify(refill)).toMatch(/error/);
    const placed = (await call({ key, action: "add", service: serviceId, link: "https://instagram.com/kofi.fans", quantity: 100 })) as { order: number };
    await settleDispatchKicks(w.p.services);
    w.sim.sim.setFault({ action: "cancel", kind: "error", message: `${PANEL_WORDS} cannot cancel now`, times: 1 });
    expect(await call({ key, action: "cancel", orders: `${placed.order}` })).toEqual([{ order: placed.order, cancel: { error: expect.any(String) } }]);
    await call({ key, action: "refill_status", refill: 1 });
    await call({ key, action: "refill_status", refills: "1,2" });
    for (const path of ["/api/v1/services", "/api/v1/balance", "/api/user", "/api/nothing-here"]) {
      const res = await w.p.request(path, { host, headers: { "x-api-key": key } });
      found.push(...leaks(`GET ${path}`, await res.text()));
    }
    const res = await w.p.request("/api/v2", { host, method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    found.push(...leaks("v2 broken body", await res.text()));
    expect(found).toEqual([]);
    await expectLedgerHolds(w);
  });

  it("every e-mail to the site's customers comes from the site's name, replies to its contact address, links to its domain, and never says the platform's name", async () => {
    await w.p.services.mailer.flush();
    const customers = new Set([fr.user.email, en.user.email, newAddress()]);
    const mails = smtp.inbox.filter((m) => m.to.some((to) => customers.has(to)));
    const found: string[] = [];
    const subjects = new Set<string>();
    for (const m of mails) {
      const mail = readMail(m.raw);
      const subject = mail.headers.subject ?? "";
      subjects.add(subject);
      const headers = Object.entries(mail.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n");
      found.push(...leaks(`${subject} headers`, headers), ...leaks(`${subject} raw`, m.raw));
      for (const part of mail.parts) found.push(...leaks(subject, part));
      expect(mail.headers.from).toBe(`${SITE_NAME} <${SITES_FROM}>`);
      expect(mail.headers["reply-to"]).toBe(REPLY_TO);
      for (const part of mail.parts)
        for (const url of part.matchAll(/https?:\/\/[^\s"'<>)]+/g))
          if (!url[0].startsWith(`https://${DOMAIN}/`)) found.push(`${subject}: a link off the site: ${url[0]}`);
    }
    // Welcome, address verification and change, order confirmations, ticket reply, password resets.
    expect(mails.length).toBeGreaterThanOrEqual(10);
    expect([...subjects].join("\n")).toMatch(/Bienvenue/);
    expect([...subjects].join("\n")).toMatch(/Order #\d+ received/);
    expect(found).toEqual([]);
  });
});

describeEachDialect("a site's mail replies to the contact e-mail its owner sets", (dialect) => {
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await orderWorld(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none", MAIL_FROM_ADDRESS: SITES_FROM });
  });
  afterAll(async () => {
    await closeWorld(w);
    await smtp?.close();
  });

  /** The customer's "forgot password" mail, read as a mail client shows it. */
  async function resetMail(site: SiteWorld, c: Customer) {
    const before = smtp.inbox.length;
    const jar = new Jar();
    const page = await get(w.p, site.host, "/password/forgot", jar);
    await post(w.p, site.host, "/password/forgot", jar, { _csrf: csrfFrom(page.html), email: c.user.email });
    await w.p.services.mailer.flush();
    const mail = smtp.inbox.slice(before).find((m) => m.to.includes(c.user.email));
    expect(mail).toBeDefined();
    return readMail(mail!.raw);
  }

  it("no contact e-mail: no Reply-To; set on the site's branding: the next mail replies to it; cleared: none again", async () => {
    const site = await siteWith(w, { resellerFunds: "0", extra: { name: "Awa Likes" } });
    const c = await customerOn(w, site);
    const first = await resetMail(site, c);
    expect(first.headers.from).toBe(`Awa Likes <${SITES_FROM}>`);
    expect(first.headers["reply-to"]).toBeUndefined();

    const branding = (contact: Record<string, string | null>) =>
      w.p.request(`/api/white-label/sites/${site.tenant.site.uuid}/branding`, { method: "PUT", token: site.owner.token, json: { contact } });
    expect((await branding({ email: "not an address" })).status).toBe(422);
    expect((await branding({ email: "support@awa-likes.ci" })).status).toBe(200);
    expect((await resetMail(site, c)).headers["reply-to"]).toBe("support@awa-likes.ci");
    expect((await branding({ email: null })).status).toBe(200);
    expect((await resetMail(site, c)).headers["reply-to"]).toBeUndefined();
  });
});
