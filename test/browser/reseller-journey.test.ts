import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, SITES, uniqueName } from "../harness/platform.ts";
import { addService, closeWorld, orderWorld, type World } from "../orders/support.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.JOURNEY_SHOTS_DIR ?? `${ARTIFACTS}screenshots/reseller-journey/`;
const PASSWORD = "journey-pass-2026";

/**
 * The whole reseller journey in Chromium, as people do it — page navigation, clicks and form
 * posts only, never the JSON API: a platform user signs up, tops up (an admin approves it in the
 * console), buys a white-label site, activates a deposit method from the onboarding checklist; a
 * customer of the site signs up, deposits (the owner approves), orders, opens a ticket that the
 * owner answers from the site's ticket pages; balances and the ledger hold at the end. On a laptop
 * and on a phone, and nothing on any page visited is wider than the screen.
 */
describeEachDialect("a reseller's whole journey in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let serviceName: string;
    let admin: { login: string };

    beforeAll(async () => {
      w = await orderWorld(dialect);
      const service = await addService(w, { rate: "1000", min: 100, max: 10_000 });
      serviceName = (await w.p.services.db.selectFrom("services").select("name").where("id", "=", service.id).executeTakeFirstOrThrow()).name;
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
      // The operator: an account made through the sign-up page, given the admin role (what `izyboost` does).
      const page = await browser.newPage();
      const login = uniqueName("ops");
      await register(page, `http://izyboost.test:${server.port}`, login);
      await w.p.services.db.updateTable("users").set({ role: "admin" }).where("username", "=", login).where("site_id", "=", 0).execute();
      await page.close();
      admin = { login };
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await closeWorld(w);
    });

    async function register(page: Page, base: string, username: string) {
      await page.goto(`${base}/register`);
      await page.fill("input[name=username]", username);
      await page.fill("input[name=email]", `${username}@example.com`);
      await page.fill("input[name=password]", PASSWORD);
      await page.fill("input[name=password_confirmation]", PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/register")), page.click("form[action='/register'] button[type=submit]")]);
    }

    async function signIn(page: Page, base: string, login: string) {
      await page.goto(`${base}/login`);
      await page.fill("input[name=login]", login);
      await page.fill("input[name=password]", PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("main form button[type=submit]")]);
    }

    /** A screenshot of the page, and nothing on it wider than the screen. */
    async function fits(page: Page, name: string, width: number) {
      await page.screenshot({ path: `${SHOTS}${name}-${width}.png`, fullPage: true });
      const over = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
      expect(over, `${name} (${new URL(page.url()).pathname}) at ${width} px`).toBeLessThanOrEqual(0);
    }

    /** Submits the form the locator is in and waits for the page it leads to. */
    async function submit(page: Page, selector: string) {
      await Promise.all([page.waitForNavigation(), page.click(selector)]);
    }

    const userRow = (username: string, siteId: number) =>
      w.p.services.db.selectFrom("users").selectAll().where("username", "=", username).where("site_id", "=", siteId).executeTakeFirstOrThrow();

    for (const width of [1366, 360]) {
      it(`from sign-up to a customer's answered ticket, at ${width} px`, async () => {
        const height = width === 360 ? 780 : 900;
        const platform = `http://izyboost.test:${server.port}`;
        const tag = `w${width}`;

        // ---- The reseller signs up on the platform and declares a top-up. ----
        const reseller = await browser.newContext({ viewport: { width, height } });
        reseller.setDefaultTimeout(10_000);
        const r = await reseller.newPage();
        const resellerName = uniqueName("res");
        await register(r, platform, resellerName);
        await fits(r, `${tag}-01-platform-account`, width);
        await r.goto(`${platform}/funds`);
        await fits(r, `${tag}-02-platform-funds`, width);
        await r.check("input[name=method] >> nth=0");
        await r.fill("input[name=amount]", "40000");
        await r.fill("input[name=reference]", `TOPUP-${tag}-${Date.now()}`);
        const phone = r.locator("input[name=phone]");
        if (await phone.count()) await phone.fill("+225 07 11 22 33 44");
        await submit(r, "form.form button[type=submit]");
        await fits(r, `${tag}-03-platform-funds-confirm`, width);
        await submit(r, "button[name=confirm][value=yes]");
        await fits(r, `${tag}-04-platform-funds-pending`, width);
        const resellerUser = await userRow(resellerName, 0);
        expect(Number(resellerUser.balance)).toBe(0);

        // ---- An admin approves it in the console (with its confirmation step). ----
        const ops = await browser.newContext({ viewport: { width, height } });
        ops.setDefaultTimeout(10_000);
        const a = await ops.newPage();
        await signIn(a, platform, admin.login);
        await a.goto(`${platform}/admin/deposits`);
        await fits(a, `${tag}-05-admin-deposits`, width);
        const pending = await w.p.services.db
          .selectFrom("transactions")
          .select(["id", "amount"])
          .where("user_id", "=", resellerUser.id)
          .where("type", "=", "deposit")
          .where("status", "=", "pending")
          .executeTakeFirstOrThrow();
        await a.click(`a[href="/admin/deposits/${pending.id}"]`);
        await a.waitForURL(new RegExp(`/admin/deposits/${pending.id}`));
        await fits(a, `${tag}-06-admin-deposit`, width);
        await a.click("button[value=approve]");
        await a.waitForSelector(".admin-confirm");
        await fits(a, `${tag}-07-admin-deposit-confirm`, width);
        await submit(a, ".admin-confirm button[type=submit]");
        expect(a.url()).toMatch(/done=approved/);
        const credited = Number((await userRow(resellerName, 0)).balance);
        expect(credited).toBeGreaterThan(15_000_000_000);

        // ---- The reseller buys a site on /white-label. ----
        await r.goto(`${platform}/white-label`);
        await fits(r, `${tag}-08-white-label`, width);
        const slug = `jr${tag}${Date.now().toString(36)}`;
        await r.check("input[name=plan_id] >> nth=1");
        await r.check("input[name=billing_cycle][value=monthly]");
        await r.check("input[name=template_id] >> nth=0");
        await r.fill("input[name=site_name]", `Boutique ${tag}`);
        await r.fill("input[name=slug]", slug);
        await submit(r, "form[action='/white-label'] button[type=submit]");
        // The confirmation step shows the price; nothing is bought before Confirm.
        await r.waitForSelector(".confirm-step");
        await fits(r, `${tag}-08b-white-label-confirm`, width);
        await submit(r, ".confirm-step button[name=confirm][value=yes]");
        expect(r.url()).toMatch(/\/white-label\/sites\/[0-9a-f-]{36}\?done=purchased/);
        await fits(r, `${tag}-09-site-bought`, width);
        const site = await w.p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
        const manage = `/white-label/sites/${site.uuid}`;

        // ---- The onboarding checklist leads to the deposit methods: a number, then active. ----
        await submit(r, ".wl-checklist a[href$='/payment-methods']");
        expect(new URL(r.url()).pathname).toBe(`${manage}/payment-methods`);
        await fits(r, `${tag}-10-site-methods`, width);
        const card = r
          .locator("section.card")
          .filter({ has: r.locator("input[name=account_number]") })
          .first();
        await card.locator("details > summary").first().click();
        await card.locator("input[name=account_number]").fill("+225 07 00 00 01");
        await card.locator("input[name=is_active]").check();
        await Promise.all([r.waitForURL(/done=method_saved/), card.locator("form:has(input[name=account_number]) button[type=submit]").click()]);
        await fits(r, `${tag}-11-site-method-saved`, width);
        const method = await w.p.services.db
          .selectFrom("payment_methods")
          .select(["code", "is_active"])
          .where("site_id", "=", site.id)
          .where("is_active", "=", 1)
          .executeTakeFirstOrThrow();

        // ---- A customer of the site signs up there and declares a first deposit. ----
        const siteBase = `http://${slug}.${SITES}:${server.port}`;
        const shopper = await browser.newContext({ viewport: { width, height } });
        shopper.setDefaultTimeout(10_000);
        const c = await shopper.newPage();
        const customerName = uniqueName("cus");
        await c.goto(siteBase);
        await fits(c, `${tag}-12-site-home`, width);
        await register(c, siteBase, customerName);
        await fits(c, `${tag}-13-site-account`, width);
        await c.goto(`${siteBase}/funds`);
        await fits(c, `${tag}-14-site-funds`, width);
        await c.check(`input[name=method][value=${method.code}]`);
        await c.fill("input[name=amount]", "5000");
        const reference = `WAVE-${tag}-${Date.now()}`;
        await c.fill("input[name=reference]", reference);
        const cphone = c.locator("input[name=phone]");
        if (await cphone.count()) await cphone.fill("+225 05 44 33 22 11");
        await submit(c, "form.form button[type=submit]");
        await fits(c, `${tag}-15-site-funds-confirm`, width);
        await submit(c, "button[name=confirm][value=yes]");
        await fits(c, `${tag}-16-site-funds-pending`, width);

        // ---- The owner approves it on the site's page. ----
        await r.goto(`${platform}${manage}`);
        await fits(r, `${tag}-17-site-deposits`, width);
        await submit(r, "form:has(button[value=approve]) button[value=approve]");
        // The approval shows what the customer is credited, then Confirm credits it.
        await r.waitForSelector(".confirm-step");
        await fits(r, `${tag}-18-site-deposit-confirm`, width);
        await submit(r, ".confirm-step button[name=confirm][value=yes]");
        await fits(r, `${tag}-19-site-deposit-approved`, width);
        const customer = await userRow(customerName, site.id);
        expect(Number(customer.balance)).toBeGreaterThan(0);

        // ---- The customer orders a service. ----
        await c.goto(`${siteBase}/services`);
        await fits(c, `${tag}-20-site-catalogue`, width);
        await c.goto(`${siteBase}/orders/new`);
        const option = c.locator("select[name=service] option", { hasText: serviceName });
        await c.selectOption("select[name=service]", await option.getAttribute("value"));
        await c.fill("input[name=link]", "https://instagram.com/ma-boutique");
        await c.fill("input[name=quantity]", "1000");
        await fits(c, `${tag}-21-site-order-new`, width);
        await submit(c, "#order-form button[type=submit]");
        // The order's confirmation step shows the price, then Confirm places it.
        await c.waitForSelector(".confirm-step");
        await fits(c, `${tag}-22-site-order-confirm`, width);
        await submit(c, ".confirm-step button[name=confirm][value=yes]");
        expect(c.url()).toMatch(/\/orders\/[0-9a-f-]{36}/);
        await fits(c, `${tag}-23-site-order`, width);

        // ---- The customer opens a ticket; the owner answers from the site's ticket pages. ----
        await c.goto(`${siteBase}/tickets/new`);
        await c.fill("input[name=subject]", "Ma commande");
        await c.fill("textarea[name=message]", "Bonjour, quand commence ma commande ?");
        await fits(c, `${tag}-24-site-ticket-new`, width);
        await submit(c, "form.form button[type=submit]");
        expect(c.url()).toMatch(/\/tickets\/[0-9a-f-]{36}/);
        const ticketPath = new URL(c.url()).pathname;
        await fits(c, `${tag}-25-site-ticket`, width);

        await r.goto(`${platform}${manage}`);
        await submit(r, `a[href="${manage}/tickets"]`);
        await fits(r, `${tag}-26-owner-tickets`, width);
        await submit(r, `a[href^="${manage}/tickets/"]`);
        await fits(r, `${tag}-27-owner-ticket`, width);
        await r.fill("textarea[name=message]", "Bonjour, elle démarre dans l'heure.");
        await submit(r, "form:has(textarea[name=message]) button[type=submit]");
        await fits(r, `${tag}-28-owner-replied`, width);

        await c.goto(`${siteBase}${ticketPath}`);
        expect(await c.locator("main").innerText()).toContain("elle démarre dans l'heure");
        await fits(c, `${tag}-29-site-ticket-answered`, width);

        // ---- Money: the customer paid the site price, the reseller the cost; the ledger holds. ----
        const deposit = await w.p.services.db
          .selectFrom("transactions")
          .select(["amount", "status"])
          .where("reference", "=", reference)
          .executeTakeFirstOrThrow();
        expect(deposit.status).toBe("completed");
        const order = await w.p.services.db.selectFrom("orders").select(["charge", "uuid"]).where("user_id", "=", customer.id).executeTakeFirstOrThrow();
        expect(new URL(c.url()).pathname).toBe(ticketPath);
        const after = await userRow(customerName, site.id);
        expect(Number(after.balance)).toBe(Number(deposit.amount) - Number(order.charge));
        const resellerAfter = await userRow(resellerName, 0);
        const fulfilment = await w.p.services.db.selectFrom("orders").select(["charge"]).where("user_id", "=", resellerUser.id).executeTakeFirstOrThrow();
        const purchase = await w.p.services.db
          .selectFrom("transactions")
          .select("amount")
          .where("user_id", "=", resellerUser.id)
          .where("type", "=", "white_label_purchase")
          .executeTakeFirstOrThrow();
        expect(Number(resellerAfter.balance)).toBe(credited + Number(purchase.amount) - Number(fulfilment.charge));
        expect(Number(order.charge)).toBeGreaterThan(Number(fulfilment.charge));
        expect(await ledgerViolations(w.p.ctx())).toEqual([]);

        await Promise.all([reseller.close(), ops.close(), shopper.close()]);
      }, 400_000);
    }
  });
});
