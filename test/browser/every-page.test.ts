import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describeEachDialect } from "../harness/platform.ts";
import { activeMethod, customerTicket, pendingDeposit, type Reseller } from "../reseller/helpers.ts";
import { closeWorld, fundedUser, orderWorld, place, type World } from "../orders/support.ts";
import { customerOn, orderViaForm, siteWith } from "../chain/support.ts";
import type { User } from "../../src/db/schema.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { PLATFORM, type Tenant } from "../../src/context.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";
import { EVERY_PAGE, NOT_PAGES, type PageFixture } from "./pages.ts";
import { dbNow } from "../../src/lib/time.ts";
import { forTenant } from "../../src/tenancy/scoped.ts";
import { sealCredentials } from "../../src/payment-gateways/accounts.ts";

const THEMES = ["aurora", "midnight", "savane"] as const;
const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1366, height: 900 },
] as const;
const SHOTS = `${ARTIFACTS}screenshots/pages/`;
/** Screenshots are for people to look at: taken on a work tree, not in CI (which checks the same pages and throws the clone away), unless PAGE_SHOTS=1. */
const TAKE_SHOTS = !process.env.CI || process.env.PAGE_SHOTS === "1";

/**
 * In the page: what sticks out of the viewport sideways. An element may pass the edge only inside a
 * box that scrolls or clips it and that itself stays inside the viewport.
 */
const OVERFLOWS = `(() => {
  const vw = window.innerWidth;
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > vw) out.push("the page is " + root.scrollWidth + " px wide");
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const clipper = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== root; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return a;
    }
    return null;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || (r.right <= vw + 0.5 && r.left >= -0.5) || !el.checkVisibility({ visibilityProperty: true })) continue;
    const box = clipper(el);
    if (box) {
      const b = box.getBoundingClientRect();
      if (b.right <= vw + 0.5 && b.left >= -0.5) continue;
    }
    out.push(name(el) + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
  }
  return out.slice(0, 8);
})()`;

/** The owner's site's subscription (these sites were made without a purchase) and an invoice of it, for the owner's pages. */
async function siteInvoiceFixture(w: World, siteId: number, ownerId: number): Promise<string> {
  const db = w.p.services.db;
  const plan = await db.selectFrom("white_label_plans").select(["id", "price_monthly"]).where("slug", "=", "business").executeTakeFirstOrThrow();
  const at = "2026-12-01 10:00:00.000";
  const sub = await db
    .insertInto("subscriptions")
    .values({
      uuid: randomUUID(),
      user_id: ownerId,
      site_id: siteId,
      plan_id: plan.id,
      billing_cycle: "monthly",
      price: plan.price_monthly,
      status: "active",
      current_period_start: at,
      current_period_end: "2099-12-01 10:00:00.000",
      grace_until: null,
      reminded_at: null,
      canceled_at: null,
      last_attempt_at: at,
      created_at: at,
      updated_at: at,
    })
    .executeTakeFirstOrThrow();
  const uuid = randomUUID();
  await db
    .insertInto("invoices")
    .values({
      uuid,
      number: "WL-2026-00000043",
      user_id: ownerId,
      transaction_id: null,
      subscription_id: Number(sub.insertId),
      amount: plan.price_monthly,
      currency: "XOF",
      status: "paid",
      issued_at: at,
      data: JSON.stringify({
        kind: "plan_change",
        site_name: "Boutique aurora Abidjan Plateau",
        plan: { id: plan.id, name: "Business" },
        from_plan: { id: 1, name: "Starter" },
        billing_cycle: "monthly",
        period_start: "2026-12-01T10:00:00.000Z",
        period_end: "2099-12-01T10:00:00.000Z",
      }),
      created_at: at,
      updated_at: at,
    })
    .execute();
  return uuid;
}

/** The admin console's white-label records to open: the owner's site, an invoice of it (these sites were made without a purchase), a plan and a template. */
async function consoleFixture(w: World, siteId: number, ownerId: number): Promise<NonNullable<PageFixture["console"]>> {
  const db = w.p.services.db;
  const invoiceUuid = randomUUID();
  const data = {
    kind: "white_label_purchase",
    site_name: "Boutique aurora Abidjan Plateau",
    plan: { id: 2, name: "Business" },
    billing_cycle: "yearly",
    period_start: "2026-12-01T10:00:00.000Z",
    period_end: "2027-12-01T10:00:00.000Z",
  };
  await db
    .insertInto("invoices")
    .values({
      uuid: invoiceUuid,
      number: "WL-2026-00000042",
      user_id: ownerId,
      transaction_id: null,
      subscription_id: null,
      amount: 150_000_000_000,
      currency: "XOF",
      status: "paid",
      issued_at: "2026-12-01 10:00:00.000",
      data: JSON.stringify(data),
      created_at: "2026-12-01 10:00:00.000",
      updated_at: "2026-12-01 10:00:00.000",
    })
    .execute();
  const plan = await db.selectFrom("white_label_plans").select("id").orderBy("id").executeTakeFirstOrThrow();
  const template = await db.selectFrom("white_label_templates").select("id").orderBy("id").executeTakeFirstOrThrow();
  // The owner's pending platform deposit, the platform's payment method, a finished catalogue sync.
  const deposit = await db
    .selectFrom("transactions")
    .select("id")
    .where("user_id", "=", ownerId)
    .where("type", "=", "deposit")
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  const method = await db.selectFrom("payment_methods").select("id").where("site_id", "=", 0).orderBy("id").executeTakeFirstOrThrow();
  const syncRun = randomUUID();
  await db
    .insertInto("catalog_sync_runs")
    .values({
      uuid: syncRun,
      provider_id: w.providerId,
      started_by: ownerId,
      status: "completed",
      step: null,
      total: 3,
      done: 3,
      report: JSON.stringify({ added: 1, updated: 1, deactivated: 0, reactivated: 0, unchanged: 1, skipped: [], hidden: [] }),
      error: null,
      finished_at: "2026-12-01 10:01:00.000",
      created_at: "2026-12-01 10:00:00.000",
      updated_at: "2026-12-01 10:01:00.000",
    })
    .execute();
  return {
    siteId,
    invoiceUuid,
    planId: plan.id,
    templateId: template.id,
    depositId: deposit.id,
    methodId: method.id,
    userId: ownerId,
    providerId: w.providerId,
    syncRun,
  };
}

/** In the page: the vertical spread of the header's visible controls (one row: less than a control's height). */
const HEADER_SPREAD = `(() => {
  const header = document.querySelector(".site-header");
  const centres = [];
  for (const el of header.querySelectorAll("a, button, summary, label")) {
    const r = el.getBoundingClientRect();
    if (r.width > 2 && r.height > 2 && el.checkVisibility({ visibilityProperty: true })) centres.push(r.top + r.height / 2);
  }
  return { spread: Math.max(...centres) - Math.min(...centres), height: header.getBoundingClientRect().height };
})()`;

/** In the page: how far down the first service of the catalogue starts. */
const FIRST_SERVICE_TOP = `(() => {
  const first = document.querySelector(".service-group tbody tr, .service-card");
  return first ? first.getBoundingClientRect().top + window.scrollY : -1;
})()`;

interface TenantUnderTest {
  name: string;
  host: string;
  /** Who signs in through the login form. */
  login: string;
  fixture: PageFixture;
}

// Every page of every tenant (the platform and a site in each theme), signed out and signed in, at a
// phone's 360 px and a laptop's 1366 px: nothing is wider than the screen. The page list is checked
// against the router, so a new page cannot escape.
describeEachDialect("every page fits a phone and a laptop", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    const tenants: TenantUnderTest[] = [];
    let staffLogin = "";

    /** An order, a ticket, a pending deposit and a credited gateway payment of the customer (the gateway one written directly). */
    async function history(tenant: Tenant, user: User, serviceId: number, methodId: number, orderUuid: string) {
      const ticket = await customerTicket(w.p, { tenant }, user, "Ma commande n’avance pas depuis hier soir");
      await pendingDeposit(w.p, { tenant }, user, methodId, "5000");
      return { serviceId, orderUuid, ticketUuid: ticket.uuid, gatewayPaymentUuid: await creditedGatewayPayment(tenant.siteId, user.id) };
    }

    async function creditedGatewayPayment(siteId: number, userId: number): Promise<string> {
      const now = dbNow(w.p.services.clock);
      const scope = forTenant(w.p.services.db, siteId);
      const account = await scope
        .insertInto("gateway_accounts", {
          code: `pages-${userId}`,
          kind: "cinetpay",
          name: "CinetPay Mobile Money",
          api_base: "http://127.0.0.1:9",
          credentials: sealCredentials(w.p.ctx(), siteId, `pages-${userId}`, { apikey: "k", site_id: "1", secret_key: "s" }),
          currency: "XOF",
          fee_percent_bp: 150,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      const uuid = randomUUID();
      await scope
        .insertInto("gateway_payments", {
          uuid,
          user_id: userId,
          gateway_account_id: Number(account.insertId),
          amount: 25_000_000_000,
          currency: "XOF",
          status: "succeeded",
          confirmed_amount: 20_000_000_000,
          confirmed_currency: "XOF",
          fee: 300_000_000,
          expires_at: now,
          settled_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return uuid;
    }

    beforeAll(async () => {
      w = await orderWorld(dialect);
      // The simulated panel's whole catalogue: hundreds of services in dozens of categories, real-length names.
      await syncServices(w.p.ctx(), { providerId: w.providerId });
      const service = await w.p.services.db
        .selectFrom("services")
        .select("id")
        .where("type", "=", "Default")
        .where("is_active", "=", 1)
        .orderBy("id")
        .executeTakeFirstOrThrow();
      const order = { service: String(service.id), link: "https://instagram.com/a-rather-long-account-name_2024", quantity: "1000" };

      // Sites first, so the platform user who owns them sees their pages too.
      const owner = await fundedUser(w, "2000000");
      for (const theme of THEMES) {
        const template = await w.p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", theme).executeTakeFirstOrThrow();
        const site = await siteWith(w, { resellerFunds: "1000000", extra: { template_id: template.id, name: `Boutique ${theme} Abidjan Plateau` } });
        await w.p.services.db.updateTable("white_label_sites").set({ owner_id: owner.user.id }).where("id", "=", site.siteId).execute();
        w.p.invalidateTenants();
        const customer = await customerOn(w, site, "50000");
        const placed = await orderViaForm(w, customer, order);
        expect(placed.uuid).toBeTruthy();
        const method = await activeMethod(w.p, { ...site, token: owner.token, site: { uuid: site.tenant.site.uuid } } as unknown as Reseller);
        tenants.push({
          name: theme,
          host: site.host,
          login: customer.user.username,
          fixture: await history(site.tenant, customer.user, service.id, method.id, placed.uuid!),
        });
      }
      const sites = await w.p.services.db
        .selectFrom("white_label_sites")
        .select(["id", "uuid"])
        .where("owner_id", "=", owner.user.id)
        .executeTakeFirstOrThrow();
      const siteTicket = await w.p.services.db.selectFrom("tickets").select(["uuid", "user_id"]).where("site_id", "=", sites.id).executeTakeFirstOrThrow();
      const placed = await place(w, owner.token, { service_id: service.id, link: order.link, quantity: 1000 });
      expect(placed.status).toBe(201);
      const method = await w.p.services.db
        .selectFrom("payment_methods")
        .select("id")
        .where("site_id", "=", 0)
        .where("is_active", "=", 1)
        .executeTakeFirstOrThrow();
      const ownerRow = await w.p.services.db.selectFrom("users").selectAll().where("id", "=", owner.user.id).executeTakeFirstOrThrow();
      const platformOrder = await w.p.services.db.selectFrom("orders").select("id").where("uuid", "=", placed.order.uuid).executeTakeFirstOrThrow();
      const platformFixture = await history(PLATFORM, ownerRow, service.id, method.id, placed.order.uuid);
      const admin = await fundedUser(w, "0");
      await w.p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();
      staffLogin = admin.user.username;
      tenants.unshift({
        name: "platform",
        host: "izyboost.test",
        login: owner.user.username,
        fixture: {
          ...platformFixture,
          categoryId: (await w.p.services.db.selectFrom("services").select("category_id").where("id", "=", service.id).executeTakeFirstOrThrow()).category_id,
          siteUuid: sites.uuid,
          siteTicketUuid: siteTicket.uuid,
          siteCustomerId: siteTicket.user_id,
          siteGatewayPaymentUuid: (
            await w.p.services.db.selectFrom("gateway_payments").select("uuid").where("site_id", "=", sites.id).executeTakeFirstOrThrow()
          ).uuid,
          siteInvoiceUuid: await siteInvoiceFixture(w, sites.id, owner.user.id),
          orderId: platformOrder.id,
          console: await consoleFixture(w, sites.id, owner.user.id),
        },
      });

      mkdirSync(SHOTS, { recursive: true });
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await closeWorld(w);
    });

    it("lists every GET page the router serves", () => {
      const listed = new Set([...EVERY_PAGE.map((p) => p.route), ...NOT_PAGES]);
      const served = [...new Set(w.p.app.routes.filter((r) => r.method === "GET" && !/^\/api(\/|$)/.test(r.path) && r.path !== "/*").map((r) => r.path))];
      expect(served.filter((r) => !listed.has(r))).toEqual([]);
    });

    async function signIn(context: BrowserContext, t: TenantUnderTest, port: number, login = t.login, landing = /\/account/) {
      const page = await context.newPage();
      await page.goto(`http://${t.host}:${port}/login`);
      await page.fill("input[name=login]", login);
      await page.fill("input[name=password]", "correct-horse-9");
      await Promise.all([page.waitForURL(landing), page.click("form[action='/login'] button[type=submit]")]);
      await page.close();
    }

    async function check(page: Page, t: TenantUnderTest, who: string, id: string, width: number): Promise<string[]> {
      const problems: string[] = [];
      // The top 3000 px of the page: enough to look at, and long catalogues stay quick to capture.
      const height = Math.min(3000, Number(await page.evaluate("document.documentElement.scrollHeight")));
      if (TAKE_SHOTS) await page.screenshot({ path: `${SHOTS}${t.name}-${who}-${id}-${width}.png`, fullPage: true, clip: { x: 0, y: 0, width, height } });
      for (const o of (await page.evaluate(OVERFLOWS)) as string[]) problems.push(`${t.name} ${who} ${id} @${width}: ${o}`);
      const header = (await page.evaluate(HEADER_SPREAD)) as { spread: number; height: number };
      if (width >= 1366 && header.spread > 16)
        problems.push(`${t.name} ${who} ${id} @${width}: the header takes several rows (${Math.round(header.spread)} px apart)`);
      if (width <= 360 && header.height > 96) problems.push(`${t.name} ${who} ${id} @${width}: the header is ${Math.round(header.height)} px high`);
      // Every page can be added to the home screen in the tenant's brand.
      const head = await page.evaluate(`["manifest", "apple-touch-icon"].filter((rel) => !document.head.querySelector('link[rel="' + rel + '"]'))`);
      for (const rel of head as string[]) problems.push(`${t.name} ${who} ${id}: no <link rel="${rel}">`);
      return problems;
    }

    // The platform has the most pages (admin console, white-label pages, previews): three tests, so each keeps a sane time limit.
    const isConsole = (spec: (typeof EVERY_PAGE)[number]) => spec.who === "staff";
    const isWhiteLabel = (spec: (typeof EVERY_PAGE)[number]) => !isConsole(spec) && spec.route.startsWith("/white-label");
    const GROUPS: { name: string; label: string; pages: (spec: (typeof EVERY_PAGE)[number]) => boolean; bare: boolean }[] = [
      { name: "platform", label: "platform, admin console", pages: isConsole, bare: false },
      { name: "platform", label: "platform, white-label pages", pages: isWhiteLabel, bare: false },
      { name: "platform", label: "platform, the other pages", pages: (spec) => !isConsole(spec) && !isWhiteLabel(spec), bare: true },
      ...THEMES.map((theme) => ({ name: theme as string, label: theme as string, pages: () => true, bare: true })),
    ];
    for (const { name, label, pages, bare: checkBare } of GROUPS) {
      it(`${label}: every page, signed out and signed in, fits 360 px and 1366 px`, async () => {
        const t = tenants.find((x) => x.name === name)!;
        const problems: string[] = [];
        const anonymous = await browser.newContext();
        const signedIn = await browser.newContext();
        await signIn(signedIn, t, server.port);
        // The admin console: a platform admin (who lands on it after signing in).
        const staff = await browser.newContext();
        const specs = EVERY_PAGE.filter((spec) => pages(spec) && (!spec.platformOnly || name === "platform"));
        if (specs.some(isConsole)) await signIn(staff, t, server.port, staffLogin, /\/admin/);
        // One tab per visitor, reused from page to page: opening a tab costs more than loading a page.
        let current = "";
        let currentStatus = 200;
        const tabs = new Map<string, Page>();
        const tab = async (who: string, context: BrowserContext): Promise<Page> => {
          const open = tabs.get(who);
          if (open) return open;
          const page = await context.newPage();
          // Chromium notes that COOP needs HTTPS; the test server is plain HTTP on loopback, production is not.
          page.on("console", (m) => {
            const expected = m.text().includes("Cross-Origin-Opener-Policy") || (currentStatus === 404 && m.text().includes("status of 404"));
            if (m.type() === "error" && !expected) problems.push(`${current}: console: ${m.text()}`);
          });
          page.on("pageerror", (e) => problems.push(`${current}: ${e.message}`));
          tabs.set(who, page);
          return page;
        };
        for (const spec of specs) {
          const contexts = [["anonymous", anonymous] as const, ["signed-in", signedIn] as const, ["staff", staff] as const].filter(
            ([who]) => spec.who === who || (spec.who === "both" && who !== "staff"),
          );
          for (const [who, context] of contexts) {
            const page = await tab(who, context);
            for (const viewport of VIEWPORTS) {
              current = `${name} ${who} ${spec.id} @${viewport.width}`;
              currentStatus = spec.status ?? 200;
              await page.setViewportSize(viewport);
              const res = await page.goto(`http://${t.host}:${server.port}${spec.path(t.fixture)}`);
              const status = res?.status() ?? 0;
              if (status !== currentStatus) problems.push(`${name} ${who} ${spec.id}: HTTP ${status} at ${page.url()}`);
              problems.push(...(await check(page, t, who, spec.id, viewport.width)));
              if (spec.id === "account" && viewport.width === 360) {
                // The folded menu opens over the page, then the account menu inside it; still nothing sideways.
                await page.click(".menu-toggle");
                await page.click(".user-menu > summary");
                expect(await page.locator(".user-menu-panel a[href='/account/settings']").isVisible()).toBe(true);
                problems.push(...(await check(page, t, who, "menu-open", viewport.width)).filter((x) => !x.includes("header is")));
              }
              if (spec.id === "catalogue" && viewport.width === 360) {
                const top = Number(await page.evaluate(FIRST_SERVICE_TOP));
                if (top < 0 || top > viewport.height * 1.5) problems.push(`${name} ${who} catalogue @360: the first service starts at ${top} px`);
              }
            }
          }
        }
        if (checkBare) {
          // Without JavaScript the menu cannot fold: it stays open under the brand, and still fits.
          const scriptless = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0] });
          const bare = await scriptless.newPage();
          for (const path of ["/", "/services"]) {
            await bare.goto(`http://${t.host}:${server.port}${path}`);
            for (const o of (await bare.evaluate(OVERFLOWS)) as string[]) problems.push(`${name} without JavaScript ${path} @360: ${o}`);
          }
          await bare.screenshot({ path: `${SHOTS}${t.name}-anonymous-no-js-catalogue-360.png`, clip: { x: 0, y: 0, width: 360, height: 740 } });
          await scriptless.close();
        }
        await anonymous.close();
        await signedIn.close();
        await staff.close();
        expect(problems).toEqual([]);
      }, 600_000);
    }
  });
});
