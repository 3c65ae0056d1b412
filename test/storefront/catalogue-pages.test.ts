import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { listPricedServices, type PricedService } from "../../src/catalog/prices.ts";
import { parseMoney } from "../../src/money/money.ts";
import { siteRate } from "../../src/pricing/pricing.ts";
import { displayRate } from "../../src/storefront/format.ts";
import { insertCatalog } from "./helpers.ts";
import { resellerWithSite, siteRow, whiteLabelPlatform } from "../white-label/helpers.ts";

// The catalogue page reads only the services it shows (src/catalog/catalogue-index.ts): each page,
// category and count must still be those of the site's whole priced catalogue, and fresh after a change.
const PER_PAGE = 60;

/** What a catalogue page shows: its rows (id and price, in order), its groups' categories, its category chips with their counts. */
function readPage(html: string) {
  const rows = [...html.matchAll(/class="cell-id">(\d+)<\/td>[\s\S]*?class="cell-price"><strong>([^<]*)<\/strong>/g)].map((m) => ({
    id: Number(m[1]),
    price: m[2],
  }));
  const groups = [...html.matchAll(/<h2 id="group-([^"]+)"/g)].map((m) => m[1]);
  const chips = [...html.matchAll(/<a class="chip" href="[^"]*category=([^"&]+)[^"]*"[^>]*>[^<]*<span class="chip-count">(\d+)<\/span>/g)].map((m) => [
    decodeURIComponent(m[1]!),
    Number(m[2]),
  ]);
  return { rows, groups, chips };
}

/** Categories in order of first appearance, with their counts, as the chips list them. */
function chipsOf(services: PricedService[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of services) counts.set(s.category_slug, (counts.get(s.category_slug) ?? 0) + 1);
  return [...counts];
}

describeEachDialect("the storefront catalogue, a page at a time", (dialect) => {
  let p: TestPlatform;
  let admin: string;
  let big: Awaited<ReturnType<typeof insertCatalog>>;
  let small: Awaited<ReturnType<typeof insertCatalog>>;
  let last: Awaited<ReturnType<typeof insertCatalog>>;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    admin = (await signUpAdmin(p)).token;
    // More than two pages in one category, then two small ones; the second on another platform.
    big = await insertCatalog(
      p,
      Array.from({ length: 130 }, (_, i) => ({ name: `Followers Big ${i}`, rate: i % 2 ? "1000" : "2000" })),
    );
    small = await insertCatalog(p, [
      { name: "Views Small 0", rate: "500" },
      { name: "Views Small 1", rate: "700" },
    ]);
    last = await insertCatalog(p, [
      { name: "Likes Last 0", rate: "300" },
      { name: "Likes Last 1", rate: "400" },
      { name: "Likes Last 2", rate: "600", inactive: true },
    ]);
    await p.services.db.updateTable("categories").set({ platform: "tiktok" }).where("id", "=", small.categoryId).execute();
    // An admin's order inside the category: one service last, one second.
    await p.services.db.updateTable("services").set({ sort_order: 1000 }).where("id", "=", big.serviceIds[5]!).execute();
    await p.services.db.updateTable("services").set({ sort_order: 0 }).where("id", "=", big.serviceIds[7]!).execute();
    p.services.events.catalogChanged();
  });
  afterAll(() => p.close());

  async function openSite() {
    const owner = await resellerWithSite(p);
    const row = await siteRow(p, owner.site.uuid);
    const host = `${row.slug}.sites.izyboost.test`;
    const api = (path: string, method: string, json: unknown) => p.request(`/api/white-label/sites/${row.uuid}${path}`, { method, token: owner.token, json });
    /** The site's whole priced catalogue, as a search or the API lists it: what every page must agree with. */
    const whole = async () => {
      const site = await siteRow(p, owner.site.uuid);
      return listPricedServices(p.ctx({ kind: "site", siteId: site.id, site }));
    };
    return { row, host, api, whole, currency: /^[A-Z]{3}$/.test(row.currency) ? row.currency : "XOF" };
  }

  const page = async (host: string, query: string) => {
    const res = await p.request(`/services?lang=en${query}`, { host });
    expect(res.status).toBe(200);
    return res.text();
  };

  /** Every page of the whole catalogue and of each category: the rows, prices, groups and chips of the whole priced list. */
  async function expectEveryPageAgrees(host: string, currency: string, all: PricedService[]) {
    const chips = chipsOf(all);
    for (const slug of [null, ...chips.map(([s]) => s)]) {
      const matching = slug ? all.filter((s) => s.category_slug === slug) : all;
      const pages = Math.max(1, Math.ceil(matching.length / PER_PAGE));
      for (let n = 1; n <= pages; n++) {
        const want = matching.slice((n - 1) * PER_PAGE, n * PER_PAGE);
        const shown = readPage(await page(host, `&page=${n}${slug ? `&category=${slug}` : ""}`));
        const where = `category ${slug ?? "all"}, page ${n}`;
        expect(shown.rows, where).toEqual(want.map((s) => ({ id: s.id, price: displayRate(s.rate, currency, "en") })));
        expect(shown.groups, where).toEqual(want.map((s) => s.category_slug).filter((s, i, a) => s !== a[i - 1]));
        expect(shown.chips, where).toEqual(chips);
      }
    }
  }

  it("every page and category shows the services, order, prices and counts of the site's whole catalogue, under its rules", async () => {
    const site = await openSite();
    const [hidden, fixed] = big.serviceIds;
    expect(
      (
        await site.api("/pricing", "PUT", {
          default_margin: "20",
          categories: [{ category_id: last.categoryId, margin: "50" }],
          services: [
            { service_id: hidden, hidden: true },
            { service_id: fixed, fixed_rate: "1234.5" },
          ],
        })
      ).status,
    ).toBe(200);
    expect((await site.api(`/catalogue/categories/${last.categoryId}/move`, "POST", { direction: "up" })).status).toBe(200);
    expect((await site.api(`/catalogue/categories/${last.categoryId}/move`, "POST", { direction: "up" })).status).toBe(200);
    expect((await site.api("/catalogue/platforms/tiktok", "PUT", { hidden: true })).status).toBe(200);

    const all = await site.whole();
    // The site's order (its moved category first), its hidden service and platform left out, its prices.
    expect(all.map((s) => s.category_slug).filter((s, i, a) => s !== a[i - 1])).toEqual([last.categorySlug, big.categorySlug]);
    expect(all.map((s) => s.id)).not.toContain(hidden);
    expect(all.find((s) => s.id === fixed)?.rate).toBe(parseMoney("1234.5"));
    expect(all.find((s) => s.id === last.serviceIds[0])?.rate).toBe(siteRate(parseMoney("300")!, 5000));
    expect(all).toHaveLength(2 + 129);
    expect([all[2]?.id, all.at(-1)?.id]).toEqual([big.serviceIds[7], big.serviceIds[5]]);
    await expectEveryPageAgrees(site.host, site.currency, all);

    // An unknown category shows nothing, and a page past the end shows the last one.
    expect(readPage(await page(site.host, "&category=nowhere")).rows).toEqual([]);
    expect(readPage(await page(site.host, "&page=99")).rows.map((r) => r.id)).toEqual(all.slice(2 * PER_PAGE).map((s) => s.id));
  });

  it("a margin change shows the new prices and the new set of services at once, though the pages were cached", async () => {
    const site = await openSite();
    const second = `&page=2&category=${big.categorySlug}`;
    const before = readPage(await page(site.host, second));
    const [first] = before.rows;
    const odd = big.serviceIds.indexOf(first!.id) % 2 === 1;
    expect(first!.price).toBe(displayRate(siteRate(parseMoney(odd ? "1000" : "2000")!, site.row.default_margin_bp), site.currency, "en"));

    expect((await site.api("/pricing", "PUT", { default_margin: "45" })).status).toBe(200);
    const after = readPage(await page(site.host, second));
    expect(after.rows.map((r) => r.id)).toEqual(before.rows.map((r) => r.id));
    expect(after.rows[0]!.price).toBe(displayRate(siteRate(parseMoney(odd ? "1000" : "2000")!, 4500), site.currency, "en"));

    // Hiding a service of page 1 moves the first service of page 2 onto page 1.
    expect((await site.api("/pricing", "PUT", { services: [{ service_id: big.serviceIds[0], hidden: true }] })).status).toBe(200);
    const pageOne = readPage(await page(site.host, `&category=${big.categorySlug}`));
    expect(pageOne.rows.map((r) => r.id)).not.toContain(big.serviceIds[0]);
    expect(pageOne.rows.at(-1)!.id).toBe(first!.id);
    expect(pageOne.chips).toContainEqual([big.categorySlug, 129]);
    await expectEveryPageAgrees(site.host, site.currency, await site.whole());
  });

  it("a catalogue change shows at once: a new platform price, a service switched off, a service renamed", async () => {
    const site = await openSite();
    const second = `&page=2&category=${big.categorySlug}`;
    const before = readPage(await page(site.host, second));
    const target = before.rows[1]!.id;

    // As a provider sync reprices: the platform price changes, the change is announced.
    await p.services.db
      .updateTable("services")
      .set({ rate: parseMoney("3000")! })
      .where("id", "=", target)
      .execute();
    p.services.events.catalogChanged();
    const repriced = readPage(await page(site.host, second));
    expect(repriced.rows[1]).toEqual({ id: target, price: displayRate(siteRate(parseMoney("3000")!, site.row.default_margin_bp), site.currency, "en") });

    // An admin switches the first service of page 2 off and renames the next one.
    const auth = { token: admin };
    expect((await p.request(`/api/admin/services/${before.rows[0]!.id}`, { method: "PUT", ...auth, json: { is_active: false } })).status).toBe(200);
    expect((await p.request(`/api/admin/services/${before.rows[2]!.id}`, { method: "PUT", ...auth, json: { name_en: "Renamed in English" } })).status).toBe(
      200,
    );
    const html = await page(site.host, second);
    const after = readPage(html);
    expect(after.rows.map((r) => r.id)).not.toContain(before.rows[0]!.id);
    expect(after.rows[0]!.id).toBe(target);
    expect(html).toContain("Renamed in English");
    expect(after.chips).toContainEqual([big.categorySlug, 129]);
    await expectEveryPageAgrees(site.host, site.currency, await site.whole());
    // Put back for the other tests' counts.
    expect((await p.request(`/api/admin/services/${before.rows[0]!.id}`, { method: "PUT", ...auth, json: { is_active: true } })).status).toBe(200);
  });

  it("a provider that stops selling takes its services off every page at once", async () => {
    const site = await openSite();
    const db = p.services.db;
    const { provider_id } = await db.selectFrom("services").select("provider_id").where("id", "=", last.serviceIds[0]!).executeTakeFirstOrThrow();
    expect(readPage(await page(site.host, "")).chips.map(([slug]) => slug)).toContain(last.categorySlug);
    await db.updateTable("api_providers").set({ is_active: 0 }).where("id", "=", provider_id).execute();
    p.services.events.catalogChanged();
    try {
      const all = await site.whole();
      expect(all.map((s) => s.category_slug)).not.toContain(last.categorySlug);
      expect(readPage(await page(site.host, "")).chips.map(([slug]) => slug)).not.toContain(last.categorySlug);
      await expectEveryPageAgrees(site.host, site.currency, all);
    } finally {
      await db.updateTable("api_providers").set({ is_active: 1 }).where("id", "=", provider_id).execute();
      p.services.events.catalogChanged();
    }
  });

  it("a search still finds services on every page of the catalogue", async () => {
    const site = await openSite();
    const found = readPage(await page(site.host, "&q=big%20129"));
    expect(found.rows.map((r) => r.id)).toEqual([big.serviceIds[129]]);
  });
});
