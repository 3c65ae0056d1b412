import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { dbNow } from "../../src/lib/time.ts";
import { describeEachDialect } from "../harness/platform.ts";
import { customerOn, orderViaForm, siteWith, type Customer, type SiteWorld } from "../chain/support.ts";
import { addService, closeWorld, money, orderWorld, type World } from "../orders/support.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.SHOTS_DIR ?? `${ARTIFACTS}screenshots/`;

// Order numbers and the confirmation steps in Chromium, without JavaScript doing the work: the
// order's page, cancelling after a question, a ticket about the order, the key shown once, the deposit's fee.
describeEachDialect("order numbers and confirmations in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let s: SiteWorld;
    let c: Customer;
    let base: string;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      w = await orderWorld(dialect);
      const cancelable = await addService(w, { rate: "1000", cancel: true });
      s = await siteWith(w, { resellerFunds: "10000" });
      const now = dbNow(w.clock);
      const method = await w.p.services.db
        .insertInto("payment_methods")
        .values({
          site_id: s.siteId,
          code: "wave",
          name: "Wave",
          type: "mobile_money",
          instructions_fr: "Envoyez au 07 22 22 22 22",
          instructions_en: "Send to 07 22 22 22 22",
          account_number: "+225 07 22 22 22 22",
          currency: "XOF",
          min_amount: money("100"),
          max_amount: money("100000"),
          is_active: 1,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      await w.p.services.db
        .insertInto("fee_structures")
        .values({
          name: "Wave",
          payment_method_id: Number(method.insertId),
          percent_bp: 100,
          fixed_amount: money("50"),
          min_amount: 0,
          max_amount: null,
          is_active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      c = await customerOn(w, s, "2000");
      await orderViaForm(w, c, { service: String(cancelable.id), link: "https://instagram.com/p/first", quantity: "100" });
      await orderViaForm(w, c, { service: String(cancelable.id), link: "https://instagram.com/p/second", quantity: "100" });
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
      base = `http://${s.host}:${server.port}`;
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await closeWorld(w);
    });

    async function signedIn(width: number): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      await context.addCookies([...c.jar.cookies].map(([name, value]) => ({ name, value, domain: s.host, path: "/" })));
      return { context, page: await context.newPage() };
    }

    /**
     * A full-page screenshot, and the part this change added (`selector`) inside the box the layout
     * gives it, its content not spilling out sideways (the account menu's own width is the layout's).
     */
    async function shot(page: Page, name: string, width: number, selector: string) {
      await page.screenshot({ path: `${SHOTS}${name}-${width}.png`, fullPage: true });
      const fits = await page
        .locator(selector)
        .first()
        .evaluate((el) => {
          const box = el.getBoundingClientRect();
          const parent = el.parentElement!.getBoundingClientRect();
          return { inParent: box.left >= parent.left - 0.5 && box.right <= parent.right + 0.5, spill: el.scrollWidth - el.clientWidth };
        });
      expect(fits, `${selector} on ${name} at ${width} px`).toEqual({ inParent: true, spill: 0 });
    }

    it("shows #numbers, asks before cancelling, prefills a ticket and fits 360 px and 1366 px", async () => {
      for (const width of [360, 1366]) {
        const { context, page } = await signedIn(width);
        await page.goto(`${base}/orders?lang=fr`);
        expect(await page.locator(".orders-table a").allInnerTexts()).toEqual(["#2", "#1"]);
        await shot(page, "orders", width, ".table-wrap");
        await page.click(".orders-table a >> text=#1");
        expect(await page.locator("h1").innerText()).toBe("Commande #1");
        await shot(page, "order", width, "section.card");

        await page.click("text=Annuler la commande");
        expect(await page.locator("#cancel-title").innerText()).toBe("Annuler la commande #1 ?");
        await shot(page, "order-cancel-confirm", width, "[role=alertdialog]");
        await page.click("text=Non, la garder");
        expect(new URL(page.url()).pathname).toMatch(/^\/orders\/[0-9a-f-]{36}$/);

        await page.click("text=Ouvrir un ticket sur cette commande");
        expect(await page.inputValue("input[name=order]")).toBe("#1");
        expect(await page.inputValue("input[name=subject]")).toBe("À propos de la commande #1");
        await shot(page, "ticket-new", width, "form.form");
        await context.close();
      }
    });

    it("shows a new key once and asks before replacing it; shows the deposit's fee before declaring it", async () => {
      for (const width of [360, 1366]) {
        const { context, page } = await signedIn(width);
        await page.goto(`${base}/api-access?lang=fr`);
        const generate = page.locator("form[action='/api-access'] button[type=submit]");
        if (await generate.count()) await generate.click();
        else {
          await page.click("a[href='/api-access/replace']");
          await shot(page, "api-replace-confirm", width, "[role=alertdialog]");
          await page.click("button:has-text('Oui, remplacer la clé')");
        }
        const key = await page.locator("#new-key").innerText();
        expect(key).toMatch(/^sk_/);
        await shot(page, "api-new-key", width, "[role=status]:has(#new-key)");
        await page.reload();
        expect(await page.locator("#new-key").count()).toBe(0);

        await page.goto(`${base}/funds?lang=fr`);
        await page.check("input[name=method][value=wave]");
        await page.fill("input[name=amount]", "5000");
        await page.fill("input[name=reference]", `WAVE-${width}`);
        await page.click("form.form button[type=submit]");
        expect(await page.locator("#confirm-title").innerText()).toBe("Vérifiez votre déclaration");
        await shot(page, "funds-confirm", width, "[role=status]:has(#confirm-title)");
        await page.click("button[name=confirm][value=yes]");
        expect(await page.locator("body").innerText()).toContain(`WAVE-${width}`);
        await shot(page, "funds-history", width, ".table-wrap");
        await context.close();
      }
    });

    it("lets the reseller note why a deposit is refused, on a phone and a laptop", async () => {
      const declared = await w.p.services.db
        .selectFrom("transactions")
        .select("id")
        .where("user_id", "=", c.user.id)
        .where("type", "=", "deposit")
        .where("status", "=", "pending")
        .execute();
      expect(declared.length).toBeGreaterThan(0);
      const platform = `http://izyboost.test:${server.port}`;
      for (const width of [360, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: 800 } });
        await context.addCookies([{ name: "izy_session", value: s.owner.token, domain: "izyboost.test", path: "/" }]);
        const page = await context.newPage();
        await page.goto(`${platform}/white-label/sites/${s.tenant.site.uuid}?lang=fr`);
        const row = page.locator(`form[action$="/deposits/${declared[0]!.id}"]`);
        await row.scrollIntoViewIfNeeded();
        await shot(page, "reseller-deposits", width, `form[action$="/deposits/${declared[0]!.id}"]`);
        await page.locator("tr", { has: row }).screenshot({ path: `${SHOTS}reseller-deposit-row-${width}.png` });
        if (width === 1366) {
          await row.locator("input[name=note]").fill("Aucun paiement reçu");
          await Promise.all([page.waitForNavigation(), row.locator("button[value=reject]").click()]);
          const note = await w.p.services.db.selectFrom("transactions").select("meta").where("id", "=", declared[0]!.id).executeTakeFirstOrThrow();
          expect(JSON.parse(note.meta!).note).toBe("Aucun paiement reçu");
        }
        await context.close();
      }
    });
  });
});
