import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { writeAudit } from "../../src/audit/audit.ts";
import { describeEachDialect, makePlatform, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots`;

// The console's Settings, Audit log and Exports in Chromium: usable at 360 px and at 1366 px.
describeEachDialect("the console's settings, audit log and exports in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;
    let admin: Awaited<ReturnType<typeof signUpAdmin>>;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      p = await makePlatform(dialect);
      admin = await signUpAdmin(p);
      await writeAudit(p.ctx(), {
        action: "settings.update",
        targetType: "setting",
        targetId: "platform_branding",
        data: {
          before: { primary_color: "#4f46e5", announcement: "" },
          after: { primary_color: "#123456", announcement: "A very long announcement ".repeat(8) },
        },
      });
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await p.close();
    });

    const fits = async (page: Page, label: string) =>
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), label).toBeLessThanOrEqual(0);

    it("walks the three sections at 360 px and 1366 px without sideways scrolling, a refused setting named in place", async () => {
      for (const width of [360, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await page.fill("input[name=login]", admin.user.username);
        await page.fill("input[name=password]", admin.password);
        await page.click("form button[type=submit]");
        await page.waitForURL(/\/admin/);

        await page.goto(`${base}/admin/settings`);
        await fits(page, `settings ${width}`);
        await page.screenshot({ path: `${SHOTS}/admin-settings-${width}.png`, fullPage: true });
        await page.fill("#f-referral_level_1_bp", "beaucoup");
        await page.click("#s-referral_level_1_bp button[type=submit]");
        await page.waitForSelector("#f-referral_level_1_bp-error");
        expect(await page.inputValue("#f-referral_level_1_bp")).toBe("beaucoup");
        await fits(page, `settings refused ${width}`);
        await page.locator("#s-referral_level_1_bp").screenshot({ path: `${SHOTS}/admin-settings-refused-${width}.png` });

        await page.goto(`${base}/admin/audit`);
        await page.click(".admin-audit-data summary >> nth=0");
        await fits(page, `audit ${width}`);
        await page.screenshot({ path: `${SHOTS}/admin-audit-${width}.png`, fullPage: true });

        await page.goto(`${base}/admin/exports`);
        await fits(page, `exports ${width}`);
        await page.screenshot({ path: `${SHOTS}/admin-exports-${width}.png`, fullPage: true });
        const download = page.waitForEvent("download");
        await page.click("#export-users button[type=submit]");
        expect((await download).suggestedFilename()).toMatch(/^users-\d{4}-\d{2}-\d{2}\.csv$/);
        await context.close();
      }
    });
  });
});
