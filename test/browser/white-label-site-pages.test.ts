import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, post, registerThroughForm, type Jar } from "../storefront/helpers.ts";
import { customerOf, customerTicket, fund, whiteLabelPlatform } from "../reseller/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;
const HOST = "izyboost.test";

// A reseller answers a ticket and adjusts a customer's balance from the platform's pages, on a phone and on a desktop, without JavaScript doing the work.
describeEachDialect("a reseller's support inbox and customers in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform & { dataDir: string };
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let jar: Jar;
    let base: string;
    const tickets: string[] = [];
    let customerId: number;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      p = await whiteLabelPlatform(dialect);
      const owner = await registerThroughForm(p, HOST);
      jar = owner.jar;
      const user = await p.services.db
        .selectFrom("users")
        .select("id")
        .where("site_id", "=", 0)
        .where("username", "=", owner.username)
        .executeTakeFirstOrThrow();
      await fund(p, user.id, "100000");
      const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
      const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
      const form = await get(p, HOST, "/white-label", jar);
      await post(p, HOST, "/white-label", jar, {
        confirm: "yes",
        _csrf: csrfFrom(form.html),
        plan_id: String(plan.id),
        template_id: String(template.id),
        billing_cycle: "monthly",
        site_name: "Boost Support Abidjan",
        custom_domain: "",
        slug: "supportshop",
      });
      const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", "supportshop").executeTakeFirstOrThrow();
      const r = { tenant: { kind: "site" as const, siteId: site.id, site } };
      const customer = await customerOf(p, r, "2000");
      customerId = customer.id;
      for (const width of [360, 1366])
        tickets.push((await customerTicket(p, r, customer, `Ma commande de 1 000 abonnés Instagram n'avance pas (${width})`)).uuid);
      base = `/white-label/sites/${site.uuid}`;
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await p?.close();
    });

    it("opens the inbox, the conversation, replies and closes at 360 px and 1366 px", async () => {
      for (const [i, width] of [360, 1366].entries()) {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        await context.addCookies([...jar.cookies].map(([name, value]) => ({ name, value, domain: HOST, path: "/" })));
        const page = await context.newPage();
        const at = `http://${HOST}:${server.port}`;
        const fits = async (name: string) => {
          await page.screenshot({ path: `${SHOTS}wl-${name}-${width}.png`, fullPage: true });
          expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
        };
        await page.goto(`${at}${base}?lang=fr`);
        await page.click(`a[href="${base}/tickets"]`);
        await fits("tickets");
        await page.click(`a[href="${base}/tickets/${tickets[i]}"]`);
        expect(await page.locator("h1").innerText()).toContain(`(${width})`);
        await page.click("button:has-text('Envoyer la réponse')");
        // The browser's own check keeps an empty reply; the server's is tested without it.
        expect(new URL(page.url()).pathname).toBe(`${base}/tickets/${tickets[i]}`);
        await page.fill("#f-message", "Bonjour, elle part aujourd'hui.");
        await page.click("button:has-text('Envoyer la réponse')");
        expect(await page.locator("[role=status]").innerText()).toContain("Réponse envoyée");
        expect(await page.locator(".message-staff .message-body").innerText()).toBe("Bonjour, elle part aujourd'hui.");
        await fits("ticket");
        await page.click("button:has-text('Fermer le ticket')");
        expect(await page.locator("[role=status]").innerText()).toContain("Le ticket est fermé");
        await fits("ticket-closed");
        await context.close();
      }
    });

    it("finds a customer and adjusts the balance after a confirmation that shows the amount, at 360 px and 1366 px", async () => {
      for (const width of [360, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        await context.addCookies([...jar.cookies].map(([name, value]) => ({ name, value, domain: HOST, path: "/" })));
        const page = await context.newPage();
        const at = `http://${HOST}:${server.port}`;
        const fits = async (name: string) => {
          await page.screenshot({ path: `${SHOTS}wl-${name}-${width}.png`, fullPage: true });
          expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
        };
        await page.goto(`${at}${base}?lang=fr`);
        await page.click(`a[href="${base}/customers"]`);
        await fits("customers");
        await page.click(`a[href="${base}/customers/${customerId}"]`);
        await fits("customer");
        await page.fill("#f-amount", "250");
        await page.fill("#f-reason", "Geste commercial");
        await page.click("button:has-text('Continuer')");
        expect(await page.locator("#confirm-title").innerText()).toMatch(/^Créditer 250\sF\sCFA à /);
        await fits("customer-confirm");
        await page.click("button:has-text('Oui, ajuster le solde')");
        expect(await page.locator("[role=status]").innerText()).toContain("Le solde est ajusté");
        await context.close();
      }
    });
  });
});
