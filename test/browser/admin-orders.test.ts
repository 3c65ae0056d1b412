import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect, signUp } from "../harness/platform.ts";
import { addService, balanceOf, closeWorld, fundedUser, money, orderRow, orderWorld, place, type World } from "../orders/support.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

// The console's Orders section in Chromium: the list, the reconciliation queue with a bulk refund behind
// its confirmation page, an order's detail and a refund's confirmation, at 360 px (French) and 1366 px (English).
describeEachDialect("the admin console's orders in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let base: string;

    beforeAll(async () => {
      w = await orderWorld(dialect);
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
      base = `http://izyboost.test:${server.port}`;
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await closeWorld(w);
    });

    const fits = async (page: Page, what: string) => {
      expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), what).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/${what}.png`, fullPage: true });
    };

    it("fits 360 px and 1366 px on every page, and refunds held orders only after the confirmation page", async () => {
      const svc = await addService(w, { rate: "1000", providerRate: "1" });
      const customer = await fundedUser(w, "5000");
      const order = async (link: string, fault: boolean) => {
        if (fault) w.sim.sim.setFault({ action: "add", kind: "badjson", times: 1 });
        const r = await place(w, customer.token, { service_id: svc.id, link, quantity: 1000 });
        return orderRow(w, r.order.uuid);
      };
      const sent = await order("https://instagram.com/p/a-rather-long-link-that-must-not-widen-the-page-on-a-phone-0123456789", false);
      const held = [await order("https://instagram.com/p/held-one", true), await order("https://instagram.com/p/held-two", true)];
      const admin = await signUp(w.p);
      await w.p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();

      for (const [width, lang] of [
        [360, "fr"],
        [1366, "en"],
      ] as const) {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        await page.goto(`${base}/login?lang=${lang}`);
        await page.fill("input[name=login]", admin.user.email);
        await page.fill("input[name=password]", admin.password);
        await page.click("main form button[type=submit]");
        await page.waitForURL((u) => !u.pathname.startsWith("/login"));

        await page.goto(`${base}/admin/orders`);
        expect(await page.locator(".admin-order-row").count()).toBeGreaterThanOrEqual(3);
        await fits(page, `admin-orders-list-${width}`);

        await page.goto(`${base}/admin/orders/${sent.id}`);
        await fits(page, `admin-order-detail-${width}`);
        await page.fill("input[name=amount]", "125");
        await page.fill("input[name=reason]", "Slow start");
        await page.click("#refund button[type=submit]");
        await expect(page.locator(".admin-confirm-total strong").textContent()).resolves.toMatch(/125\sF\sCFA|F\sCFA\s125/);
        await fits(page, `admin-order-refund-confirm-${width}`);
        // Going back does nothing: no refund without the confirmation.
        await page.click(".admin-confirm a.button");
        await page.waitForURL(`${base}/admin/orders/${sent.id}`);
        expect(Number((await orderRow(w, sent.uuid)).refunded)).toBe(0);

        if (width === 1366) {
          await page.goto(`${base}/admin/orders?dispatch=unknown`);
          for (const o of held) await page.check(`input[name=order_ids][value="${o.id}"]`);
          await fits(page, `admin-orders-queue-${width}`);
          await page.click("button[name=action][value=refund]");
          expect(await page.locator(".admin-confirm-lines > div").count()).toBe(2);
          await expect(page.locator(".admin-confirm-total strong").textContent()).resolves.toMatch(/2\s000\sF\sCFA|F\sCFA\s2,000/);
          await fits(page, `admin-orders-bulk-confirm-${width}`);
          await page.click(".admin-confirm button[type=submit]");
          await page.waitForURL(/done=bulk/);
          expect(await page.locator(".alert-success").textContent()).toContain("2 order(s) settled");
          expect(await balanceOf(w, customer.user.id)).toBe(money("4000"));
          await page.goto(`${base}/admin/orders/${held[0]!.id}`);
          expect(await page.locator(".admin-history").first().textContent()).toContain("Reconciled: refunded and closed");
          await fits(page, `admin-order-settled-${width}`);
        } else {
          await page.goto(`${base}/admin/orders?dispatch=unknown`);
          await fits(page, `admin-orders-queue-${width}`);
          await page.goto(`${base}/admin/orders/${held[0]!.id}`);
          await fits(page, `admin-order-held-${width}`);
        }
        await page.close();
      }
    });
  });
});
