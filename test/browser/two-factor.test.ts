import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { totpAt } from "../../src/auth/totp.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

// A site customer turns two-step verification on and signs in with it, in Chromium at 360 px and 1366 px.
describeEachDialect("two-step verification in a real browser", (dialect) => {
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

    async function fits(page: Page, name: string, width: number) {
      await page.screenshot({ path: `${ARTIFACTS}screenshots/${name}-${width}.png`, fullPage: true });
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
    }

    it("enrols from the settings page, shows the recovery codes once, and asks for a code at the next sign-in", async () => {
      const username = uniqueName("c");
      const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
      const phone = await context.newPage();
      await phone.goto(`${base}/register`);
      await phone.fill("input[name=username]", username);
      await phone.fill("input[name=email]", `${username}@example.com`);
      await phone.fill("input[name=password]", "customer-pass-1");
      await phone.fill("input[name=password_confirmation]", "customer-pass-1");
      await phone.click("form button[type=submit]");
      await phone.waitForURL(/\/account/);

      await phone.goto(`${base}/account/settings`);
      await phone.click("text=Activer la validation en deux étapes");
      await phone.waitForURL(/#two-factor/);
      const secret = (await phone.locator("#totp-secret").innerText()).replace(/\s/g, "");
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await fits(phone, "two-factor-pending", 360);
      const laptop = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      await laptop.context().addCookies(await context.cookies());
      await laptop.goto(`${base}/account/settings#two-factor`);
      await fits(laptop, "two-factor-pending", 1366);

      await phone.fill("#f-confirm-code", "12");
      await phone.click("form[action='/account/two-factor/confirm'] button");
      expect(await phone.locator("#f-confirm-code-error").isVisible()).toBe(true);
      expect(await phone.inputValue("#f-confirm-code")).toBe("12");
      await phone.fill("#f-confirm-code", totpAt(secret, new Date()));
      await phone.click("form[action='/account/two-factor/confirm'] button");
      const codes = await phone.locator("#recovery-codes li").allInnerTexts();
      expect(codes).toHaveLength(10);
      await fits(phone, "two-factor-codes", 360);

      await phone.goto(`${base}/account/settings`);
      expect(await phone.locator("#recovery-codes").count()).toBe(0);
      await phone.click("text=Désactiver la validation en deux étapes");
      await fits(phone, "two-factor-on", 360);

      // Another phone, same account: the password leads to the code step.
      const other = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
      await other.goto(`${base}/login`);
      await other.fill("input[name=login]", username);
      await other.fill("input[name=password]", "customer-pass-1");
      await other.click("form button[type=submit]");
      await other.waitForURL(/\/login\/two-factor/);
      await fits(other, "login-two-factor", 360);
      await other.fill("input[name=code]", codes[0]!);
      await other.click("form button[type=submit]");
      await other.waitForURL(/\/account$/);
    }, 90_000);
  });
});
