import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { plainSpaces } from "../harness/money.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { insertService, whiteLabelPlatform } from "../white-label/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// A reseller changes a category's margin on a phone: preview, confirm, and the storefront shows the new price.
describeEachDialect("a reseller's pricing page in a real browser", (dialect) => {
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

    const overflow = (page: Page) => page.evaluate("document.documentElement.scrollWidth - window.innerWidth").then(Number);

    it("at 360 px: a category margin is previewed, confirmed, and the storefront shows the new price", async () => {
      const name = uniqueName("Abonnés test");
      const service = await insertService(p, { rate: "1000", name });
      const r = await resellerSite(p);
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/login?lang=fr`);
      await page.fill("input[name=login]", r.user.username);
      await page.fill("input[name=password]", r.password);
      await page.click("main form button[type=submit]");
      await page.waitForURL((u) => !u.pathname.startsWith("/login"));

      await page.goto(`${base}/white-label/sites/${r.site.uuid}`);
      await page.click(`a[href$="/white-label/sites/${r.site.uuid}/pricing"]`);
      await page.waitForURL(/\/pricing$/);
      expect(await overflow(page), "pricing page").toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}wl-pricing-360.png`, fullPage: true });

      const card = page.locator(`#category-${service.categoryId}`);
      await card.locator("summary").click();
      await card.locator("select[name=kind]").selectOption("margin");
      await card.locator("input[name=value]").fill("50");
      await card.locator("button[type=submit]").click();
      await page.waitForURL(/\/pricing\/preview/);
      expect(await overflow(page), "preview page").toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}wl-pricing-preview-360.png`, fullPage: true });
      const preview = plainSpaces(await page.locator("main").innerText());
      // Cost 1000, 30 % today → 1 300; 50 % → 1 500.
      expect(preview).toContain(name);
      expect(preview).toContain("1 300");
      expect(preview).toContain("1 500");

      await page.click("form[action$='/pricing/confirm'] button[type=submit]");
      await page.waitForURL(/done=saved/);
      expect(await page.locator(".alert-success").isVisible()).toBe(true);

      await page.goto(`http://${r.host}:${server.port}/services/${service.id}?lang=fr`);
      const shown = plainSpaces(await page.locator("main").innerText());
      expect(shown).toContain("1 500");
      expect(shown).not.toContain("1 300");
      await context.close();
    });
  });
});
