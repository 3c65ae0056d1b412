import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { body, describeEachDialect, uniqueName } from "../harness/platform.ts";
import { addService, closeWorld, orderWorld, runDispatch, runSync, type World } from "../orders/support.ts";
import { siteWith, type SiteWorld } from "../chain/support.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

// A customer on a reseller's site, in a real browser: sign up, add funds (the reseller verifies), order, follow the status.
describeEachDialect("a site customer's journey in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let site: SiteWorld;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    let serviceName: string;

    beforeAll(async () => {
      w = await orderWorld(dialect);
      const service = await addService(w, { rate: "1000", min: 100, max: 10_000 });
      serviceName = (await w.p.services.db.selectFrom("services").select("name").where("id", "=", service.id).executeTakeFirstOrThrow()).name;
      site = await siteWith(w, { resellerFunds: "50000", marginBp: 5000 });
      const method = await w.p.request(`/api/white-label/sites/${site.tenant.site.uuid}/payment-methods`, {
        method: "POST",
        token: site.owner.token,
        json: {
          code: "wave",
          name: "Wave",
          type: "mobile_money",
          instructions_fr: "Envoyez au numéro Wave",
          instructions_en: "Send to the Wave number",
          account_number: "+225 07 12 34 56",
          account_name: "Ma Boutique",
          min_amount: "500",
          is_active: true,
        },
      });
      expect(method.status).toBe(201);
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await closeWorld(w);
    });

    it("registers, is credited after the reseller verifies, orders and sees the order complete", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const base = `http://${site.host}:${server.port}`;
      const username = uniqueName("cust");

      await page.goto(`${base}/register`);
      await page.fill("input[name=username]", username);
      await page.fill("input[name=email]", `${username}@example.com`);
      await page.fill("input[name=password]", "customer-pass-1");
      await page.fill("input[name=password_confirmation]", "customer-pass-1");
      await Promise.all([page.waitForNavigation(), page.click("form[action='/register'] button[type=submit]")]);
      expect(new URL(page.url()).host).toBe(`${site.host}:${server.port}`);
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name.includes("izy_session"))!;
      expect(session.httpOnly).toBe(true);
      expect(session.domain).toBe(site.host); // host-only: no Domain attribute shared with other sites

      await page.goto(`${base}/funds`);
      await page.check("input[name=method][value=wave]");
      await page.fill("input[name=amount]", "5000");
      await page.fill("input[name=reference]", "WAVE-TX-0001");
      await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
      // The fee and the amount to be credited are shown first; the declaration is recorded on confirmation.
      await page.screenshot({ path: `${ARTIFACTS}screenshots/journey-funds-confirm.png`, fullPage: true });
      await Promise.all([page.waitForNavigation(), page.click("button[name=confirm][value=yes]")]);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/journey-funds-pending.png`, fullPage: true });
      expect(await page.locator("body").innerText()).toContain("WAVE-TX-0001");

      const deposits = await body(await w.p.request(`/api/white-label/sites/${site.tenant.site.uuid}/deposits?status=pending`, { token: site.owner.token }));
      expect(deposits.data).toHaveLength(1);
      const verified = await w.p.request(`/api/white-label/sites/${site.tenant.site.uuid}/deposits/${deposits.data[0].id}/verify`, {
        method: "POST",
        token: site.owner.token,
        json: { action: "approve" },
      });
      expect(verified.status).toBe(200);

      await page.goto(`${base}/orders/new`);
      const option = page.locator("select[name=service] option", { hasText: serviceName });
      await page.selectOption("select[name=service]", await option.getAttribute("value"));
      await page.fill("input[name=link]", "https://instagram.com/my-shop");
      await page.fill("input[name=quantity]", "1000");
      // The live price: 1000 XOF per 1000 at the platform, +50% on this site.
      await expect.poll(() => page.locator(".order-total").innerText()).toMatch(/1[\s\u202f\u00a0]?500/);
      await Promise.all([page.waitForNavigation(), page.click("#order-form button[type=submit]")]);
      // The confirmation step: the site's price (1 500), nothing charged yet.
      expect(await page.locator(".confirm-step").innerText()).toMatch(/1[\s\u202f\u00a0]?500/);
      await Promise.all([page.waitForNavigation(), page.click(".confirm-step button[name=confirm][value=yes]")]);
      expect(page.url()).toMatch(/\/orders\/[0-9a-f-]{36}/);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/journey-order-placed.png`, fullPage: true });

      await runDispatch(w);
      w.sim.sim.advance(60 * 60_000);
      await runSync(w);
      await page.reload();
      const text = await page.locator("body").innerText();
      expect(text).toMatch(/Terminée|Completed/);
      await page.screenshot({ path: `${ARTIFACTS}screenshots/journey-order-completed.png`, fullPage: true });

      const customer = await w.p.services.db
        .selectFrom("users")
        .select(["balance"])
        .where("username", "=", username)
        .where("site_id", "=", site.siteId)
        .executeTakeFirstOrThrow();
      expect(Number(customer.balance)).toBe(
        5000_000_000 -
          1500_000_000 -
          Number((await w.p.services.db.selectFrom("transactions").select("fee").where("reference", "=", "WAVE-TX-0001").executeTakeFirstOrThrow()).fee),
      );
      expect(await ledgerViolations(w.p.ctx())).toEqual([]);
      await page.close();
    });
  });
});
