import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { fund } from "../harness/money.ts";
import { deposit, makeMethod, newRef } from "../wallet/helpers.ts";
import { insertService } from "../white-label/helpers.ts";
import { createKeyVia, ALL_PERMISSIONS } from "../developer-api/helpers.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = process.env.ADMIN_SHOTS_DIR ?? `${ARTIFACTS}screenshots`;

// The console's Deposits and Users sections in Chromium, on a phone and a laptop: nothing wider than the screen, money confirmed.
describeEachDialect("admin console deposits and users in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;
    let admin: Awaited<ReturnType<typeof signUp>>;

    beforeAll(async () => {
      p = await makePlatform(dialect);
      admin = await signUp(p);
      await p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await p.close();
    });

    async function signIn(page: Page) {
      await page.goto(`${base}/login`);
      await page.fill("input[name=login]", admin.user.email);
      await page.fill("input[name=password]", admin.password);
      await page.click("form button[type=submit]");
      await page.waitForURL(/\/(account|admin|$)/);
    }

    async function fits(page: Page, name: string, width: number) {
      await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${name} at ${width} px`).toBeLessThanOrEqual(0);
    }

    it("walks deposits (approve with its confirmation), payment methods and a user's page at 360 and 1366 px, in French and English", async () => {
      const method = await makeMethod(p, { percentBp: 150, fixed: "25" });
      const customers = await Promise.all([signUp(p), signUp(p)]);
      const deposits: number[] = [];
      for (const [i, c] of customers.entries()) {
        await p.services.db
          .updateTable("users")
          .set({ phone: `+225 07 00 00 0${i}`, full_name: "Awa Koné-Traoré" })
          .where("id", "=", c.user.id)
          .execute();
        const d = await deposit(p, c.token, { payment_method_id: method.id, amount: "125000", reference: newRef(), phone: "+225 07 12 34 56 78" });
        deposits.push(d.json.data.id);
      }
      const u = customers[0]!;
      await fund(p, u.user.id, "45000");
      const service = await insertService(p, { rate: "1250.5", name: "Instagram Followers [Réel, garantie 30 jours] très long nom de service" });
      await p.request("/api/user/orders", {
        method: "POST",
        token: u.token,
        json: { service_id: service.id, link: "https://instagram.com/awa", quantity: 1000 },
      });
      await p.request(`/api/admin/users/${u.user.id}/prices`, { method: "PUT", token: admin.token, json: { service_id: service.id, rate: "990" } });
      await p.request("/api/tickets", { method: "POST", token: u.token, json: { subject: "Ma commande ne démarre pas", message: "Bonjour" } });
      await createKeyVia(p, u.token, { name: "panel-principal", permissions: ALL_PERMISSIONS });

      for (const width of [360, 1366]) {
        const context = await browser.newContext({ viewport: { width, height: width === 360 ? 780 : 900 } });
        const page = await context.newPage();
        await signIn(page);
        const lang = width === 360 ? "fr" : "en";
        await page.goto(`${base}/admin/deposits?lang=${lang}`);
        await fits(page, `admin-deposits-${lang}`, width);
        await page.goto(`${base}/admin/deposits/${deposits[width === 360 ? 0 : 1]}`);
        await fits(page, `admin-deposit-${lang}`, width);
        await page.fill("textarea[name=note]", lang === "fr" ? "Reçu, merci" : "Received, thanks");
        await page.click("button[value=approve]");
        await page.waitForSelector(".admin-confirm");
        expect(await page.textContent(".admin-confirm")).toMatch(/123[\s,]?100/);
        await fits(page, `admin-deposit-confirm-${lang}`, width);
        await page.click(".admin-confirm button[type=submit]");
        await page.waitForURL(/done=approved/);
        await fits(page, `admin-deposits-done-${lang}`, width);

        await page.goto(`${base}/admin/deposits/methods`);
        await fits(page, `admin-methods-${lang}`, width);
        await page.goto(`${base}/admin/deposits/methods/new`);
        await page.fill("input[name=code]", "Not A Code");
        await page.fill("input[name=min_amount]", "900");
        await page.fill("input[name=max_amount]", "100");
        await page.click("form.admin-card button[type=submit]");
        await page.waitForSelector("#f-code-error");
        expect(await page.inputValue("input[name=code]")).toBe("Not A Code");
        await fits(page, `admin-method-errors-${lang}`, width);

        await page.goto(`${base}/admin/users?search=${encodeURIComponent(u.user.username)}`);
        await fits(page, `admin-users-${lang}`, width);
        await page.goto(`${base}/admin/users/${u.user.id}`);
        await fits(page, `admin-user-${lang}`, width);
        await page.fill("input[name=amount]", "-2500");
        await page.fill("input[name=reason]", lang === "fr" ? "Correction" : "Correction");
        await page.click("#adjust button[type=submit]");
        await page.waitForSelector(".admin-confirm");
        expect(await page.textContent(".admin-confirm")).toMatch(/2[\s,]?500/);
        await fits(page, `admin-adjust-confirm-${lang}`, width);
        await page.click(".admin-confirm button[type=submit]");
        await page.waitForURL(/done=adjusted/);
        await context.close();
      }
    });
  });
});
