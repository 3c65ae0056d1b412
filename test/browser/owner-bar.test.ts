import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { whiteLabelPlatform } from "../white-label/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";
import { freePort } from "../harness/ports.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// The owner opens its new site from the platform's site page, in Chromium, in each theme: the site
// shows it a bar (nothing wider than the screen) until it can take a deposit; the bar's button leads
// to the platform's methods page, and once a method is on, the bar stops asking.
describeEachDialect("the owner's bar on its site, in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://izyboost.test:${port}`;
      // The owner's links cross hosts (platform ↔ site), so the app must know its own port.
      p = await whiteLabelPlatform(dialect, { env: { APP_URL: base } });
      server = await serveOnLoopback(p, port);
      browser = await launchBrowser();
      mkdirSync(SHOTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await p?.close();
    });

    it("from the site page to the site with the owner's bar, in every theme, at 360 and 1366 px; the bar's button leads to the methods page", async () => {
      for (const [theme, width] of [
        ["aurora", 360],
        ["midnight", 1366],
        ["savane", 360],
        ["aurora", 1366],
      ] as const) {
        const r = await resellerSite(p);
        const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", theme).executeTakeFirstOrThrow();
        await p.services.db.updateTable("white_label_sites").set({ template_id: template.id }).where("id", "=", r.tenant.siteId).execute();
        p.invalidateTenants();
        const lang = width < 400 ? "fr" : "en";
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(`${base}/login?lang=${lang}`);
        await page.fill("input[name=login]", r.user.username);
        await page.fill("input[name=password]", r.password);
        await page.click("main form button[type=submit]");
        await page.waitForURL((u) => !u.pathname.startsWith("/login"));
        await page.goto(`${base}/white-label/sites/${r.site.uuid}`);
        await page.click(`a[href$='/white-label/sites/${r.site.uuid}/visit']`);
        await page.waitForURL((u) => u.hostname === r.host && u.pathname === "/");
        expect(page.url()).not.toContain("pass=");
        // The site speaks its own default language until the visitor picks one.
        await page.goto(`${page.url()}?lang=${lang}`);
        const bar = page.locator(".owner-bar.owner-bar-todo");
        expect(await bar.isVisible()).toBe(true);
        expect(await bar.innerText()).toMatch(lang === "fr" ? /ne peut pas encore recevoir de dépôt/ : /cannot take a deposit yet/);
        await page.screenshot({ path: `${SHOTS}owner-bar-${theme}-${width}.png`, clip: { x: 0, y: 0, width, height: 800 } });
        expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${theme} at ${width}`).toBeLessThanOrEqual(0);
        const [box, viewport] = [await bar.boundingBox(), page.viewportSize()!];
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);

        // The bar's button: the platform's methods page, where the owner is signed in.
        await page.click(".owner-bar a.button-primary");
        await page.waitForURL(`${base}/white-label/sites/${r.site.uuid}/payment-methods`);
        await page.locator("section.card details > summary").first().click();
        const form = page.locator("section.card details[open] form:has(input[name=account_number])").first();
        await form.locator("input[name=account_number]").fill("+225 07 00 00 01");
        await form.locator("input[name=is_active]").check();
        await form.locator("button[type=submit]").click();
        await page.waitForURL(/done=method_saved/);

        await page.goBack();
        await page.goBack();
        await page.reload();
        expect(await page.locator(".owner-bar").isVisible()).toBe(true);
        expect(await page.locator(".owner-bar-todo").count()).toBe(0);
        await context.close();
      }
    }, 240_000);
  });
});
