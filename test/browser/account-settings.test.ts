import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

// A site customer's settings page in Chromium: readable at 360 px and 1366 px, and "end the others" asks first.
describeEachDialect("the account settings page in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;

    beforeAll(async () => {
      p = await makePlatform(dialect);
      const site = await resellerSite(p);
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://${site.host}:${server.port}`;
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await p.close();
    });

    async function signIn(page: Page, username: string) {
      await page.goto(`${base}/login`);
      await page.fill("input[name=login]", username);
      await page.fill("input[name=password]", "customer-pass-1");
      await page.click("form button[type=submit]");
      await page.waitForURL(/\/account/);
    }

    it("fits 360 px and 1366 px, and ends the other sessions only after a confirmation", async () => {
      const username = uniqueName("c");
      const phone = await browser.newPage({ viewport: { width: 360, height: 780 } });
      await phone.goto(`${base}/register`);
      await phone.fill("input[name=username]", username);
      await phone.fill("input[name=email]", `${username}@example.com`);
      await phone.fill("input[name=password]", "customer-pass-1");
      await phone.fill("input[name=password_confirmation]", "customer-pass-1");
      await phone.click("form button[type=submit]");
      await phone.waitForURL(/\/account/);
      const laptopContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const laptop = await laptopContext.newPage();
      await signIn(laptop, username);

      for (const [page, width] of [
        [phone, 360],
        [laptop, 1366],
      ] as const) {
        await page.goto(`${base}/account/settings`);
        expect(await page.locator(".session-item").count()).toBe(2);
        await page.screenshot({ path: `${ARTIFACTS}screenshots/account-settings-${width}.png`, fullPage: true });
        // The account menu may scroll sideways inside its own box; the page itself never does.
        expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${width} px`).toBeLessThanOrEqual(0);
      }

      // The confirmation is hidden until the customer asks to end the others.
      const confirm = laptop.locator("form[action='/account/sessions/others/end'] button");
      expect(await confirm.isVisible()).toBe(false);
      await laptop.click("text=Fermer toutes les autres sessions");
      await confirm.click();
      await laptop.waitForURL(/flash=sessions_ended/);
      expect(await laptop.locator(".session-item").count()).toBe(1);
      await phone.goto(`${base}/account/settings`);
      expect(phone.url()).toContain("/login");
    });
  });
});
