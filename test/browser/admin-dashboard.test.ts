import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, signUp, type TestPlatform } from "../harness/platform.ts";
import { insertOrderRow, offlineService } from "../harness/rows.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { dbNow, DAY, toDbTime } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// An admin walks the dashboard's periods and a chosen range in Chromium, on a phone and on a laptop.
describeEachDialect("the console dashboard in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;
    let login = "";

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      p = await whiteLabelPlatform(dialect);
      const admin = await signUp(p);
      login = admin.user.username;
      await p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();
      const owner = await resellerWithSite(p);
      const now = Date.now();
      const at = dbNow();
      await p.services.db
        .insertInto("api_providers")
        .values({
          name: "Panel with a rather long name that must wrap",
          url: "http://127.0.0.1:9/a",
          api_key: "k",
          currency: "USD",
          exchange_rate: 600_000_000,
          balance: parseMoney("12.5")!,
          balance_low: 1,
          balance_checked_at: at,
          created_at: at,
          updated_at: at,
        })
        .execute();
      // Three weeks of orders of every ending, of a few services.
      const services = await Promise.all([offlineService(p), offlineService(p), offlineService(p)]);
      const endings = ["completed", "partial", "canceled", "in_progress", "failed", "completed"] as const;
      for (let i = 0; i < 42; i++) {
        const created = toDbTime(new Date(now - (i % 21) * DAY - i * 60_000));
        const status = endings[i % endings.length]!;
        const charge = parseMoney(String(1500 + i * 250))!;
        const refunded = status === "partial" ? Math.floor(charge / 4) : status === "canceled" || status === "failed" ? charge : 0;
        const { providerId, serviceId } = services[i % services.length]!;
        await insertOrderRow(p, owner.user.id, {
          service_id: serviceId,
          provider_id: providerId,
          charge,
          refunded,
          provider_cost: Math.floor((charge * 6) / 10),
          status,
          created_at: created,
          updated_at: created,
        });
      }
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await p?.close();
    });

    async function fits(page: Page, name: string, width: number) {
      await page.screenshot({ path: `${SHOTS}admin-dashboard-${name}-${width}.png`, fullPage: true });
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
    }

    for (const width of [360, 1366]) {
      it(`shows the periods, a chosen range and its refusal at ${width} px without a horizontal scroll`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await page.fill("input[name=login]", login);
        await page.fill("input[name=password]", "correct-horse-9");
        await Promise.all([page.waitForURL(/\/admin/), page.click("form[action='/login'] button[type=submit]")]);
        await fits(page, "30-days-fr", width);
        await page.goto(`${base}/admin?lang=en&days=7`);
        expect(await page.locator(".admin-periods [aria-current=page]").innerText()).toBe("7 days");
        await fits(page, "7-days-en", width);

        const today = toDbTime(new Date()).slice(0, 10);
        const start = toDbTime(new Date(Date.now() - 20 * DAY)).slice(0, 10);
        await page.fill("#f-from", start);
        await page.fill("#f-to", today);
        await Promise.all([page.waitForURL(/from=/), page.click(".admin-range button[type=submit]")]);
        expect(await page.locator(".admin-range-shown").innerText()).toContain("From");
        expect(await page.locator(".chart-rank li").count()).toBeGreaterThan(3);
        await fits(page, "range-en", width);

        // Reversed dates: refused under the "to" field, both dates kept.
        await page.fill("#f-from", today);
        await page.fill("#f-to", start);
        await Promise.all([page.waitForURL(/from=/), page.click(".admin-range button[type=submit]")]);
        expect(await page.locator("#f-to-error").innerText()).toBe("On or after the start date.");
        expect(await page.inputValue("#f-from")).toBe(today);
        expect(await page.inputValue("#f-to")).toBe(start);
        await fits(page, "range-refused-en", width);
        await context.close();
      });
    }
  });
});
