import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { describeEachDialect } from "../harness/platform.ts";
import { closeWorld, orderWorld, type World } from "../orders/support.ts";
import { customerOn, siteWith, type Customer, type SiteWorld } from "../chain/support.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const SHOTS = "/tmp/shots-h7/";

// The order form in Chromium: the chosen type's fields appear (and only they), French numbers are read, the order is placed.
describeEachDialect("the order form in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let w: World;
    let site: SiteWorld;
    let customer: Customer;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;
    const firstOf = async (type: string) =>
      w.p.services.db
        .selectFrom("services")
        .select(["id", "min"])
        .where("type", "=", type)
        .where("provider_id", "=", w.providerId)
        .orderBy("id")
        .executeTakeFirstOrThrow();

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      w = await orderWorld(dialect);
      await syncServices(w.p.ctx(), { providerId: w.providerId });
      site = await siteWith(w, { resellerFunds: "5000000", marginBp: 3000 });
      customer = await customerOn(w, { host: site.host, siteId: site.siteId }, "5000000");
      server = await serveOnLoopback(w.p);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await closeWorld(w);
    });

    async function formPage(width: number, path: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      await context.addCookies([...customer.jar.cookies].map(([name, value]) => ({ name, value, domain: site.host, path: "/" })));
      const page = await context.newPage();
      await page.goto(`http://${site.host}:${server.port}${path}`);
      return page;
    }

    const visible = (page: Page) =>
      page.$$eval("[data-order-field]", (els) => els.filter((el) => !el.closest("[hidden]")).map((el) => el.getAttribute("data-order-field")));

    it("choosing a poll shows its answer field; a French-typed quantity orders it", async () => {
      const poll = await firstOf("Poll");
      const page = await formPage(1366, "/orders/new");
      expect(await visible(page)).toEqual(["link", "quantity"]);
      await page.selectOption("select[name=service]", String(poll.id));
      expect(await visible(page)).toEqual(["link", "quantity", "answer_number"]);
      await page.fill("input[name=link]", "https://t.me/izy/42");
      await page.fill("input[name=quantity]", (1000).toLocaleString("fr-FR"));
      await page.fill("input[name=answer_number]", "3");
      await expect.poll(() => page.locator("#order-total").innerText()).toMatch(/\d/);
      await Promise.all([page.waitForNavigation(), page.click("#order-form button[type=submit]")]);
      await Promise.all([page.waitForNavigation(), page.click(".confirm-step button[name=confirm][value=yes]")]);
      expect(page.url()).toMatch(/\/orders\/[0-9a-f-]{36}$/);
      await settleDispatchKicks(w.p.services);
      const order = await w.p.services.db.selectFrom("orders").selectAll().where("uuid", "=", page.url().split("/").at(-1)!).executeTakeFirstOrThrow();
      expect(order).toMatchObject({ service_id: poll.id, quantity: 1000 });
      await page.context().close();
    });

    it("a subscription shows its own fields and no link; a mistake names the field and keeps the input", async () => {
      const sub = await firstOf("Subscriptions");
      const page = await formPage(1366, `/orders/new?service=${sub.id}`);
      expect(await visible(page)).toEqual(["username", "min", "max", "posts", "old_posts", "delay", "expiry"]);
      await page.fill("input[name=username]", "@creator");
      await page.fill("input[name=min]", "abc");
      await page.fill("input[name=max]", String(sub.min));
      await Promise.all([page.waitForNavigation(), page.click("#order-form button[type=submit]")]);
      expect(await page.locator("#f-min-error").innerText()).toMatch(/^Minimum par publication\s: ce n'est pas un nombre entier/);
      expect(await page.inputValue("input[name=min]")).toBe("abc");
      expect(await page.inputValue("input[name=username]")).toBe("@creator");
      await page.fill("input[name=min]", String(sub.min));
      await page.fill("input[name=posts]", "2");
      await Promise.all([page.waitForNavigation(), page.click("#order-form button[type=submit]")]);
      await Promise.all([page.waitForNavigation(), page.click(".confirm-step button[name=confirm][value=yes]")]);
      expect(page.url()).toMatch(/\/orders\/[0-9a-f-]{36}$/);
      await page.context().close();
    });

    it("looks right at 360 and 1366 px for a poll, a subscription and comments", async () => {
      for (const type of ["Poll", "Subscriptions", "Custom Comments"]) {
        const s = await firstOf(type);
        for (const width of [360, 1366]) {
          const page = await formPage(width, `/orders/new?service=${s.id}`);
          if (type === "Custom Comments") await page.fill("textarea[name=comments]", "Super !\nBravo\nTop\nGénial\nMerci");
          if (type === "Poll") await page.fill("input[name=quantity]", "10 000");
          // Nothing wider than the screen.
          expect(Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")), `${width} px`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: `${SHOTS}order-${type.replace(/\s+/g, "-").toLowerCase()}-${width}.png`, fullPage: true });
          await page.context().close();
        }
      }
    });
  });
});
