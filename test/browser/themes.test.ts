import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { ARTIFACTS, browserSkipReason, launchBrowser, serveOnLoopback } from "./browser.ts";

const THEMES = ["aurora", "midnight", "savane"] as const;

async function seedCatalogue(p: TestPlatform) {
  const now = dbNow();
  const prov = await p.services.db
    .insertInto("api_providers")
    .values({ name: "shots", url: "http://127.0.0.1:9/api/v2", api_key: "k", created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const cats = await p.services.db.selectFrom("categories").select(["id", "name"]).limit(4).execute();
  let n = 0;
  for (const c of cats) {
    for (let i = 0; i < 4; i++) {
      n++;
      await p.services.db
        .insertInto("services")
        .values({
          provider_id: Number(prov.insertId),
          provider_service_id: `shot-${n}`,
          category_id: c.id,
          name: `${c.name} followers — qualité ${i + 1}`,
          type: "Default",
          provider_rate: 1_000_000 * (i + 1),
          base_rate: 600_000_000 * (i + 1),
          rate: 780_000_000 * (i + 1),
          min: 100,
          max: 50_000,
          refill: i % 2,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }
}

// Only one dialect needs to drive the browser: rendering does not depend on the database.
describeEachDialect("every theme in a real browser", (dialect) => {
  const skip = browserSkipReason(dialect);
  describe.skipIf(skip !== null)(skip ?? "in Chromium", () => {
    let p: TestPlatform;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveOnLoopback>>;

    beforeAll(async () => {
      p = await makePlatform(dialect);
      await seedCatalogue(p);
      const owner = await signUp(p);
      const now = dbNow();
      for (const theme of THEMES) {
        const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", theme).executeTakeFirstOrThrow();
        await p.services.db
          .insertInto("white_label_sites")
          .values({
            uuid: randomUUID(),
            owner_id: owner.user.id,
            plan_id: 1,
            template_id: template.id,
            name: `Boutique ${theme}`,
            slug: `shot-${theme}`,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      p.invalidateTenants();
      server = await serveOnLoopback(p);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
      await p.close();
    });

    for (const theme of THEMES) {
      it(`${theme}: home and catalogue render without console or CSP errors, on desktop and mobile`, async () => {
        for (const viewport of [
          { width: 1280, height: 900, tag: "desktop" },
          { width: 390, height: 844, tag: "mobile" },
        ]) {
          const page = await browser.newPage({ viewport });
          const problems: string[] = [];
          // Chromium notes that COOP needs HTTPS; the test server is plain HTTP on loopback, production is not.
          page.on("console", (m) => (m.type() === "error" && !m.text().includes("Cross-Origin-Opener-Policy") ? problems.push(m.text()) : undefined));
          page.on("pageerror", (e) => problems.push(e.message));
          const base = `http://shot-${theme}.sites.izyboost.test:${server.port}`;
          const home = await page.goto(`${base}/`);
          expect(home?.status()).toBe(200);
          expect(await page.title()).toContain(`Boutique ${theme}`);
          await page.screenshot({ path: `${ARTIFACTS}screenshots/${theme}-home-${viewport.tag}.png`, fullPage: true });
          const cat = await page.goto(`${base}/services`);
          expect(cat?.status()).toBe(200);
          await expect.poll(() => page.locator("body").innerText()).toContain("followers");
          await page.screenshot({ path: `${ARTIFACTS}screenshots/${theme}-catalogue-${viewport.tag}.png`, fullPage: true });
          // Nothing overflows sideways on a phone.
          const overflow = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
          expect(overflow).toBeLessThanOrEqual(1);
          expect(problems).toEqual([]);
          await page.close();
        }
      });
    }
  });
});
