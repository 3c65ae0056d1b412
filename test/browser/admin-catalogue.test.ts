import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dbNow } from "../../src/lib/time.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { settleSyncRuns } from "../../src/catalog/sync-runs.ts";
import { simWithRow, type SimProvider } from "../providers/support.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

// An admin runs the catalogue from a phone and from a laptop: every page fits the screen.
describeEachDialect("the admin console's catalogue in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let sim: SimProvider;
    let providerId: number;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;
    let admin: Awaited<ReturnType<typeof signUp>>;
    const shots = process.env.SHOTS_DIR;

    beforeAll(async () => {
      p = await makePlatform(dialect);
      ({ sim, providerId } = await simWithRow(p, { name: "Sim panel" }));
      await syncServices(p.ctx(), { providerId });
      admin = await signUp(p);
      await p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
      if (shots) mkdirSync(shots, { recursive: true });
    });
    afterAll(async () => {
      await settleSyncRuns(p.services);
      await browser.close();
      await server.close();
      await sim.close();
      await p.close();
    });

    async function fits(page: Page, name: string, width: number) {
      for (const dir of [`${ARTIFACTS}screenshots`, shots].filter(Boolean))
        await page.screenshot({ path: `${dir}/admin-catalogue-${name}-${width}.png`, fullPage: true });
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
    }

    async function signedIn(width: number): Promise<Page> {
      const page = await browser.newPage({ viewport: { width, height: width < 600 ? 780 : 900 } });
      await page.goto(`${base}/login`);
      await page.fill("input[name=login]", admin.user.email);
      await page.fill("input[name=password]", admin.password);
      await page.click("form button[type=submit]");
      await page.waitForURL(/\/admin|\/account/);
      return page;
    }

    for (const width of [360, 1366]) {
      it(`walks services, a refused edit, the bulk confirmation, categories, providers and a sync at ${width} px`, async () => {
        const page = await signedIn(width);
        await page.goto(`${base}/admin/catalogue?provider_id=${providerId}`);
        await fits(page, "services", width);

        const first = page.locator(".admin-service-row a.admin-row-main").first();
        await first.click();
        await page.waitForURL(/\/admin\/catalogue\/services\/\d+/);
        await fits(page, "service", width);
        await page.fill("#f-min", "abc");
        await page.fill("#f-name_fr", "Nom gardé");
        await page.click("form.stack button[type=submit]");
        expect(await page.locator("#f-min-error").isVisible()).toBe(true);
        expect(await page.inputValue("#f-name_fr")).toBe("Nom gardé");
        await fits(page, "service-refused", width);

        await page.goto(`${base}/admin/catalogue?provider_id=${providerId}`);
        await page.locator("input[name=ids]").nth(0).check();
        await page.locator("input[name=ids]").nth(1).check();
        await page.click("button[name=is_active][value='0']");
        await page.waitForURL(/\/admin\/catalogue\/bulk$/);
        expect(await page.locator("form[action='/admin/catalogue/bulk/confirm']").count()).toBe(1);
        await fits(page, "bulk-confirm", width);
        await page.click("form[action='/admin/catalogue/bulk/confirm'] button[type=submit]");
        await page.waitForURL(/done=deactivated/);
        await fits(page, "bulk-done", width);

        await page.goto(`${base}/admin/catalogue/categories`);
        await fits(page, "categories", width);
        await page.fill("#f-name", `Vitrine ${width}`);
        await page.check("input[name=icon][value=star]");
        await page.click("#category-form button[type=submit]");
        await page.waitForURL(/done=category_created/);

        await page.goto(`${base}/admin/catalogue/providers`);
        await fits(page, "providers", width);
        await page.goto(`${base}/admin/catalogue/providers/${providerId}`);
        await page.click("form[action$='/test'] button");
        expect(await page.locator("#test .alert").innerText()).toMatch(/Solde lu|Balance read/);
        await fits(page, "provider-tested", width);
        await page.click("form[action='/admin/catalogue/sync'] button");
        await page.waitForURL(/\/admin\/catalogue\/sync\//);
        await settleSyncRuns(p.services);
        await page.reload();
        expect(await page.locator(".admin-card").first().innerText()).toMatch(/Terminée|Completed/);
        await fits(page, "sync-report", width);

        // A run still going shows its progress (the page reloads itself every 2 s).
        const now = dbNow();
        const uuid = randomUUID();
        await p.services.db
          .insertInto("catalog_sync_runs")
          .values({ uuid, status: "running", step: "Syncing Sim panel", total: 223, done: 100, created_at: now, updated_at: now })
          .execute();
        const going = await page.goto(`${base}/admin/catalogue/sync/${uuid}`);
        expect(going?.headers().refresh).toBe("2");
        expect(await page.locator("progress").getAttribute("value")).toBe("44");
        await fits(page, "sync-running", width);
        await p.services.db.updateTable("catalog_sync_runs").set({ status: "failed" }).where("uuid", "=", uuid).execute();
        await page.close();
      }, 120_000);
    }
  });
});
