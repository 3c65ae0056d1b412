import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { whiteLabelPlatform } from "../white-label/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// A reseller sets up its site's payment methods in Chromium, on a phone and a laptop.
describeEachDialect("a reseller's payment methods page in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;

    beforeAll(async () => {
      p = await whiteLabelPlatform(dialect);
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
      mkdirSync(SHOTS, { recursive: true });
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await p.close();
    });

    async function signedIn(width: number, username: string, password: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/login?lang=${width < 400 ? "fr" : "en"}`);
      await page.fill("input[name=login]", username);
      await page.fill("input[name=password]", password);
      await page.click("main form button[type=submit]");
      await page.waitForURL((u) => !u.pathname.startsWith("/login"));
      return page;
    }

    const overflow = (page: Page) => page.evaluate("document.documentElement.scrollWidth - window.innerWidth").then(Number);

    it("the checklist links to the methods page; a refused enable names the number, a filled one enables; nothing overflows at 360 and 1366 px", async () => {
      for (const width of [360, 1366]) {
        const r = await resellerSite(p);
        const page = await signedIn(width, r.user.username, r.password);
        const site = `${base}/white-label/sites/${r.site.uuid}`;
        await page.goto(site);
        await page.screenshot({ path: `${SHOTS}wl-site-checklist-${width}.png`, fullPage: true });
        expect(await overflow(page), `site page at ${width}`).toBeLessThanOrEqual(0);
        await page.click(".wl-checklist a[href$='/payment-methods']");
        await page.waitForURL(/\/payment-methods$/);
        await page.screenshot({ path: `${SHOTS}wl-methods-${width}.png`, fullPage: true });
        expect(await overflow(page), `methods page at ${width}`).toBeLessThanOrEqual(0);

        const card = page.locator("section.card").first();
        await card.locator("form[action$='/active'] button").click();
        await page.waitForLoadState();
        const number = page.locator("input[name=account_number][aria-invalid=true]");
        expect(await number.count()).toBe(1);
        await page.screenshot({ path: `${SHOTS}wl-methods-error-${width}.png`, fullPage: true });
        expect(await overflow(page), `methods error at ${width}`).toBeLessThanOrEqual(0);

        await number.fill("+225 07 00 00 01");
        await number.locator("xpath=ancestor::form").locator("input[name=is_active]").check();
        await number.locator("xpath=ancestor::form").locator("button[type=submit]").click();
        await page.waitForURL(/done=method_saved/);
        expect(await page.locator(".alert-success").isVisible()).toBe(true);
        await page.goto(site);
        expect(await page.locator("#checklist-title").count()).toBe(1);
        expect(await page.locator(".wl-checklist li[data-done=yes] a[href$='/payment-methods']").count()).toBe(0);
        await page.context().close();
      }
    });
  });
});
