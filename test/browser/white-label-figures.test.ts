import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { csrfFrom, get, post, registerThroughForm, type Jar } from "../storefront/helpers.ts";
import { customerOf, customerOrder, fund, insertService, whiteLabelPlatform } from "../reseller/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;
const HOST = "izyboost.test";
const DAY = 86_400_000;

// A reseller reads its site's figures, finds an order and sets a method's fees from the platform's pages, on a phone and on a desktop.
describeEachDialect("a reseller's figures, orders and method fees in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform & { dataDir: string };
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let jar: Jar;
    let base: string;
    let email: string;
    let number: number;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      p = await whiteLabelPlatform(dialect);
      const owner = await registerThroughForm(p, HOST);
      jar = owner.jar;
      const user = await p.services.db
        .selectFrom("users")
        .select("id")
        .where("site_id", "=", 0)
        .where("username", "=", owner.username)
        .executeTakeFirstOrThrow();
      await fund(p, user.id, "500000");
      const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
      const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
      const form = await get(p, HOST, "/white-label", jar);
      await post(p, HOST, "/white-label", jar, {
        confirm: "yes",
        _csrf: csrfFrom(form.html),
        plan_id: String(plan.id),
        template_id: String(template.id),
        billing_cycle: "monthly",
        site_name: "Boost Chiffres Abidjan",
        custom_domain: "",
        slug: "figureshop",
      });
      const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", "figureshop").executeTakeFirstOrThrow();
      const r = { tenant: { kind: "site" as const, siteId: site.id, site } };
      const likes = await insertService(p, { rate: "1000", name: "Instagram — 1000 abonnés réels, démarrage rapide, garantie 30 jours" });
      const views = await insertService(p, { rate: "150", name: "TikTok vues" });
      const customers = await Promise.all([customerOf(p, r, "100000"), customerOf(p, r, "100000"), customerOf(p, r, "100000")]);
      email = customers[0]!.email;
      // Orders over the last two weeks, so the chart has days to draw.
      for (let i = 0; i < 12; i++) {
        const placed = await customerOrder(p, r, customers[i % 3]!, i % 2 ? views.id : likes.id, 1000 + 500 * (i % 4));
        const at = dbNow({ now: () => new Date(Date.now() - (i % 7) * 2 * DAY) });
        await p.services.db.updateTable("orders").set({ created_at: at }).where("id", "in", [placed.order.id, placed.fulfil.id]).execute();
        if (i === 0) number = Number(placed.order.number);
      }
      base = `/white-label/sites/${site.uuid}`;
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await p?.close();
    });

    it("shows the figures with the chart, finds an order and sets a method's fees, at 360 px and 1366 px", async () => {
      for (const width of [360, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        await context.addCookies([...jar.cookies].map(([name, value]) => ({ name, value, domain: HOST, path: "/" })));
        const page = await context.newPage();
        const at = `http://${HOST}:${server.port}`;
        const fits = async (name: string) => {
          await page.screenshot({ path: `${SHOTS}wl-${name}-${width}.png`, fullPage: true });
          expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
        };
        await page.goto(`${at}${base}?lang=fr`);
        await page.click(`.wl-tabs a[href="${base}/figures"]`);
        await page.click(`a[href="${base}/figures?days=30"]`);
        expect(await page.locator(".chart svg rect").count()).toBeGreaterThan(0);
        expect(await page.locator(".metric").first().innerText()).toContain("Chiffre d'affaires");
        await fits("figures");
        await page.goto(`${at}${base}/figures?lang=en`);
        await page.fill("#f-from", "2026-01-10");
        await page.fill("#f-to", "2026-01-01");
        await page.click("button:has-text('Show')");
        expect(await page.locator("#f-to-error").innerText()).toBe("On or after the start date.");
        await fits("figures-refused");

        await page.goto(`${at}${base}/orders?lang=fr`);
        await page.fill("#f-search", email);
        await page.click("button:has-text('Filtrer')");
        expect(new URL(page.url()).searchParams.get("search")).toBe(email);
        expect(await page.locator("tbody tr").count()).toBe(4);
        await fits("orders");
        await page.fill("#f-search", `#${number}`);
        await page.click("button:has-text('Filtrer')");
        expect(await page.locator("tbody tr").count()).toBe(1);

        await page.goto(`${at}${base}/payment-methods?lang=fr`);
        const card = page.locator("section.card").first();
        await card.locator("summary").click();
        await card.locator("input[name=account_number]").fill("+225 07 11 22 33");
        await card.locator("input[name=fee_percent]").fill("2,5");
        await card.locator("input[name=fee_fixed]").fill("100");
        await card.locator("button:has-text('Enregistrer le moyen')").click();
        expect(await page.locator("[role=status]").first().innerText()).toBeTruthy();
        expect(await page.locator("section.card").first().locator("dl").innerText()).toMatch(/2,5\s?%\s\+\s100/);
        await fits("methods-fees");
        await context.close();
      }
    }, 120_000);
  });
});
