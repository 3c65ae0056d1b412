import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? "/tmp/shots-h2/";

// A site customer's address in Chromium: the unverified banner, the change form with an error, the pending change and the verify page, at 360 px and 1366 px.
describeEachDialect("the address pages in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      p = await makePlatform(dialect);
      const site = await resellerSite(p);
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://${site.host}:${server.port}`;
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await p?.close();
    });

    const fits = async (page: Page, width: number) =>
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${width} px`).toBeLessThanOrEqual(0);

    it("fit 360 px and 1366 px, keep the form's input and name the field in error", async () => {
      for (const width of [360, 1366]) {
        const username = uniqueName("c");
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        await page.goto(`${base}/register`);
        await page.fill("input[name=username]", username);
        await page.fill("input[name=email]", `${username}@example.com`);
        await page.fill("input[name=password]", "customer-pass-1");
        await page.fill("input[name=password_confirmation]", "customer-pass-1");
        await page.click("form button[type=submit]");
        await page.waitForURL(/\/account/);
        expect(await page.locator(".email-unverified button").count()).toBe(1);
        await page.screenshot({ path: `${SHOTS}account-unverified-${width}.png`, fullPage: true });
        await fits(page, width);

        await page.goto(`${base}/account/settings`);
        await page.fill("input[name=new_email]", `${username}.new@example.com`);
        await page.fill("input[name=email_password]", "not-my-password");
        await page.click("#email-title ~ form button[type=submit]");
        await page.waitForLoadState();
        expect(await page.inputValue("input[name=new_email]")).toBe(`${username}.new@example.com`);
        expect(await page.locator("#f-email_password-error").count()).toBe(1);
        await page.screenshot({ path: `${SHOTS}settings-email-error-${width}.png`, fullPage: true });
        await fits(page, width);

        await page.fill("input[name=email_password]", "customer-pass-1");
        await page.click("#email-title ~ form button[type=submit]");
        await page.waitForURL(/flash=email_change_sent/);
        expect(await page.textContent("#email-title ~ .alert")).toContain(`${username}.new@example.com`);
        await page.screenshot({ path: `${SHOTS}settings-email-pending-${width}.png`, fullPage: true });
        await fits(page, width);

        await page.goto(`${base}/email/verify?token=nosuchtoken`);
        await page.click('form[action="/email/verify"] button[type=submit]');
        await page.waitForLoadState();
        expect(await page.locator(".alert-error").count()).toBe(1);
        await page.screenshot({ path: `${SHOTS}verify-refused-${width}.png`, fullPage: true });
        await fits(page, width);
        await page.goto(`${base}/email/verify?token=abc`);
        await page.screenshot({ path: `${SHOTS}verify-${width}.png`, fullPage: true });
        await page.close();
      }
    });
  });
});
