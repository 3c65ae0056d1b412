import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds } from "../harness/money.ts";
import { insertSite } from "../storefront/helpers.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { gatewayAccount, simGatewayFor } from "../payment-gateways/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser } from "./browser.ts";
import { freePort } from "../harness/ports.ts";

/** A free loopback port, known before the platform is built (its APP_URL, hence the gateway's return URL, carries it). */
// A site customer on a phone tops up through the simulated gateway's checkout and comes back to a credited balance.
describeEachDialect("an automatic top-up in a real browser, on a phone", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let sim: SimGateway;
    let browser: Browser;
    let host: string;
    let port: number;
    let server: ReturnType<typeof serve>;

    beforeAll(async () => {
      port = await freePort();
      p = await makePlatform(dialect, { APP_URL: `http://izyboost.test:${port}` });
      server = serve({ fetch: p.app.fetch, port, hostname: "127.0.0.1" });
      sim = await simGatewayFor(p);
      const site = await insertSite(p);
      host = site.host;
      await gatewayAccount(p, sim, { siteId: site.site.id, feeBp: 100 });
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise<void>((r) => server.close(() => r()));
      await sim?.close();
      await p?.close();
    });

    it("from the funds page through the checkout back to a credited balance, nothing wider than 360 px", async () => {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      const base = `http://${host}:${port}`;
      const username = uniqueName("pay");
      await page.goto(`${base}/register`);
      await page.fill("input[name=username]", username);
      await page.fill("input[name=email]", `${username}@example.com`);
      await page.fill("input[name=password]", "customer-pass-1");
      await page.fill("input[name=password_confirmation]", "customer-pass-1");
      await Promise.all([page.waitForNavigation(), page.click("form[action='/register'] button[type=submit]")]);

      await page.goto(`${base}/funds`);
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
      await page.fill("#f-gateway-amount", "5000");
      await Promise.all([page.waitForNavigation(), page.click("form[action='/funds/gateway'] button[type=submit]")]);
      expect(await page.textContent("body")).toContain("Vérifiez votre paiement");
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
      await Promise.all([page.waitForURL(/\/checkout\//), page.click("button[value=yes]")]);
      expect(new URL(page.url()).origin).toBe(sim.url);
      await Promise.all([page.waitForURL(/\/funds\/payments\//), page.click("button.pay")]);
      expect(new URL(page.url()).host).toBe(`${host}:${port}`);
      expect(await page.textContent("body")).toContain("Crédité");
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/gateway-journey-360.png`, fullPage: true });

      const user = await p.services.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
      expect(await balanceOf(p, user.id)).toBe(4_950_000_000);
      await expectLedgerHolds(p);
      await page.close();
    }, 120_000);
  });
});
