import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { whiteLabelPlatform } from "../white-label/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// The console's White label section in Chromium: every page fits a phone and a laptop, and extending a renewal asks first.
describeEachDialect("the admin console's white-label pages in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;
    let siteId: number;
    let invoiceUuid: string;
    let planId: number;
    let templateId: number;
    let admin: { user: { username: string }; password: string };

    beforeAll(async () => {
      p = await whiteLabelPlatform(dialect);
      const site = await resellerSite(p);
      siteId = site.tenant.siteId;
      invoiceUuid = (await p.services.db.selectFrom("invoices").select("uuid").orderBy("id").executeTakeFirstOrThrow()).uuid;
      planId = (await p.services.db.selectFrom("white_label_plans").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
      templateId = (await p.services.db.selectFrom("white_label_templates").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
      admin = await signUpAdmin(p);
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
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/login?lang=${width < 400 ? "fr" : "en"}`);
      await page.fill("input[name=login]", admin.user.username);
      await page.fill("input[name=password]", admin.password);
      await page.click("main form button[type=submit]");
      await page.waitForURL(/\/admin/);
      return page;
    }

    it("every page fits 360 px and 1366 px; the renewal extension shows its confirmation before acting", async () => {
      for (const width of [360, 1366]) {
        const page = await signedIn(width);
        const paths: [string, string][] = [
          ["sites", "/admin/white-label"],
          ["site", `/admin/white-label/sites/${siteId}`],
          ["plans", "/admin/white-label/plans"],
          ["plan", `/admin/white-label/plans/${planId}`],
          ["plan-new", "/admin/white-label/plans/new"],
          ["template", `/admin/white-label/templates/${templateId}`],
          ["subscriptions", "/admin/white-label/subscriptions"],
          ["invoices", "/admin/white-label/invoices"],
          ["invoice", `/admin/white-label/invoices/${invoiceUuid}`],
        ];
        for (const [name, path] of paths) {
          const res = await page.goto(`${base}${path}`);
          expect(res?.status(), path).toBe(200);
          await page.screenshot({ path: `${SHOTS}admin-wl-${name}-${width}.png`, fullPage: true });
          expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${path} at ${width} px`).toBeLessThanOrEqual(0);
        }

        // Printing the invoice hides the console's bars and the site's header and footer.
        await page.emulateMedia({ media: "print" });
        const hidden = await page.evaluate(
          `[".site-header", ".site-footer", ".admin-bar"].map((s) => { const el = document.querySelector(s); return el ? getComputedStyle(el).display : "none"; })`,
        );
        expect(hidden).toEqual(["none", "none", "none"]);
        expect(await page.locator(".admin-wl-invoice").isVisible()).toBe(true);
        await page.emulateMedia({ media: "screen" });

        await page.goto(`${base}/admin/white-label/sites/${siteId}`);
        await page.fill("input[name=days]", "7");
        await page.click("#extend button[type=submit]");
        await page.waitForURL(/\/extend$/);
        expect(await page.locator(".admin-wl-confirm").isVisible()).toBe(true);
        await page.screenshot({ path: `${SHOTS}admin-wl-confirm-${width}.png`, fullPage: true });
        expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))).toBeLessThanOrEqual(0);
        await page.click(".admin-wl-confirm button[type=submit]");
        await page.waitForURL(/done=extended/);
        expect(await page.locator(".alert-success").isVisible()).toBe(true);
        await page.context().close();
      }
    });
  });
});
