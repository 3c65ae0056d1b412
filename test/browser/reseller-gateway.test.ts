import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { expectLedgerHolds } from "../harness/money.ts";
import { insertSite, registerThroughForm } from "../storefront/helpers.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { systemCtx } from "../../src/context.ts";
import { announceSimulatedGateway } from "../../src/payment-gateways/simulated.ts";
import { startGatewayPayment } from "../../src/payment-gateways/payments.ts";
import { simGatewayFor } from "../payment-gateways/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const width = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth");

// A reseller on a phone connects its own account at the simulated gateway, tests the connection, and sees its customer's payment listed.
describeEachDialect("a reseller's automatic payments in a real browser, on a phone", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let sim: SimGateway;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;

    beforeAll(async () => {
      p = await makePlatform(dialect);
      sim = await simGatewayFor(p);
      announceSimulatedGateway(p.services.state, { url: sim.url, credentials: { cinetpay: { ...sim.credentials }, fedapay: { ...sim.fedapay } } });
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await sim?.close();
      await p?.close();
    });

    it("connects, tests the connection and lists the site's payment, nothing wider than 360 px", async () => {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      const base = `http://izyboost.test:${server.port}`;
      const username = uniqueName("rs");
      await page.goto(`${base}/register`);
      await page.fill("input[name=username]", username);
      await page.fill("input[name=email]", `${username}@example.com`);
      await page.fill("input[name=password]", "reseller-pass-1");
      await page.fill("input[name=password_confirmation]", "reseller-pass-1");
      await Promise.all([page.waitForNavigation(), page.click("form[action='/register'] button[type=submit]")]);
      const owner = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
      const s = await insertSite(p);
      await p.services.db.updateTable("white_label_sites").set({ owner_id: owner.id }).where("id", "=", s.site.id).execute();
      const gateways = `${base}/white-label/sites/${s.site.uuid}/gateways`;

      await page.goto(gateways);
      expect(await width(page)).toBeLessThanOrEqual(360);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateways-empty-360.png`, fullPage: true });
      await page.fill("#gw-new-name", "Mobile money du site");
      await page.selectOption("#gw-new-mode", "simulated");
      await Promise.all([page.waitForNavigation(), page.click("form[action$='/gateways'] button[type=submit]")]);
      expect(await page.textContent("body")).toContain("Compte connecté");
      expect(await page.textContent("body")).toContain(`••••${sim.credentials.apikey.slice(-4)}`);

      await Promise.all([page.waitForNavigation(), page.click("form[action$='/test'] button[type=submit]")]);
      expect(await page.textContent("body")).toContain("Connexion réussie");
      expect(await width(page)).toBeLessThanOrEqual(360);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateways-tested-360.png`, fullPage: true });

      // A customer of the site pays through the site's own account.
      const account = await p.services.db.selectFrom("gateway_accounts").selectAll().where("site_id", "=", s.site.id).executeTakeFirstOrThrow();
      const customer = await registerThroughForm(p, s.host);
      const user = await p.services.db
        .selectFrom("users")
        .selectAll()
        .where("site_id", "=", s.site.id)
        .where("username", "=", customer.username)
        .executeTakeFirstOrThrow();
      const payment = await startGatewayPayment(
        { ...systemCtx(p.services, { kind: "site", siteId: s.site.id, site: s.site }), user },
        { gateway_account_id: account.id, amount: 5_000_000_000 },
      );
      await sim.sim.pay(sim.sim.byTransaction(payment.uuid)!);

      await page.click("a[href$='/gateway-payments']");
      await page.waitForURL(/\/gateway-payments$/);
      expect(await page.textContent("body")).toContain(user.username);
      expect(await width(page)).toBeLessThanOrEqual(360);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateway-payments-360.png`, fullPage: true });
      await Promise.all([page.waitForNavigation(), page.click(`a[href$='${payment.uuid}']`)]);
      expect(await page.textContent("body")).toContain("Signature valide");
      expect(await width(page)).toBeLessThanOrEqual(360);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateway-payment-360.png`, fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateway-payment-1366.png`, fullPage: true });
      await page.goto(gateways);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/reseller-gateways-1366.png`, fullPage: true });
      await expectLedgerHolds(p);
      await page.close();
    }, 120_000);
  });
});
