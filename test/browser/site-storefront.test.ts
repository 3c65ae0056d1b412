import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = "/tmp/shots-r3/";

// A reseller's Storefront page in Chromium: readable at 360 px and 1366 px, a refused contact link named and kept.
describeEachDialect("a reseller's storefront page in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform & { dataDir: string };
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let owner: Awaited<ReturnType<typeof resellerWithSite>>;
    let base: string;

    beforeAll(async () => {
      p = await whiteLabelPlatform(dialect);
      owner = await resellerWithSite(p);
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

    async function signedIn(width: number): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await page.fill("input[name=login]", owner.user.username);
      await page.fill("input[name=password]", owner.password);
      await page.click("form button[type=submit]");
      await page.waitForURL(/\/account|\/$/);
      return page;
    }

    it("fits 360 px and 1366 px; a refused WhatsApp number is named and kept, a good one saved", async () => {
      const path = `${base}/white-label/sites/${owner.site.uuid}/storefront`;
      for (const width of [360, 1366]) {
        const page = await signedIn(width);
        await page.goto(`${base}/white-label/sites/${owner.site.uuid}`);
        await page.click(`a[href="/white-label/sites/${owner.site.uuid}/storefront"]`);
        await page.waitForURL(path);
        await page.screenshot({ path: `${SHOTS}storefront-${width}.png`, fullPage: true });
        await page.screenshot({ path: `${ARTIFACTS}screenshots/site-storefront-${width}.png`, fullPage: true });
        expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${width} px`).toBeLessThanOrEqual(0);

        await page.fill("input[name=whatsapp]", "call me");
        await page.click("#contact button[type=submit]");
        await page.waitForSelector("#f-whatsapp[aria-invalid=true]");
        expect(await page.inputValue("#f-whatsapp")).toBe("call me");
        expect(await page.textContent("#f-whatsapp-error")).toContain("+225");
        if (width === 360) await page.screenshot({ path: `${SHOTS}storefront-error-360.png`, fullPage: true });
        expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${width} px`).toBeLessThanOrEqual(0);

        await page.fill("input[name=whatsapp]", "+225 07 12 34 56 78");
        await page.click("#contact button[type=submit]");
        await page.waitForURL(/done=contact/);
        expect(await page.inputValue("#f-whatsapp")).toBe("+225 07 12 34 56 78");
        await page.context().close();
      }
    });
  });
});
