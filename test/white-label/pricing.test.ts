import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { listPricedServices } from "../../src/catalog/prices.ts";
import { formatMoney } from "../../src/money/money.ts";
import { insertService, resellerWithSite, siteRow } from "./helpers.ts";
import { whiteLabelPlatform } from "./helpers.ts";

describeEachDialect("site pricing", (dialect) => {
  let p: TestPlatform;
  let s1: { id: number; categoryId: number };
  let s2: { id: number; categoryId: number };
  let tk: { id: number; categoryId: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    s1 = await insertService(p, { rate: "1000" });
    s2 = await insertService(p, { rate: "2000" });
    tk = await insertService(p, { rate: "500", categorySlug: "tiktok" });
  });
  afterAll(() => p.close());

  const put = (uuid: string, token: string, json: unknown) => p.request(`/api/white-label/sites/${uuid}/pricing`, { method: "PUT", token, json });

  async function sitePrices(uuid: string): Promise<Map<number, string>> {
    const site = await siteRow(p, uuid);
    const priced = await listPricedServices(p.ctx({ kind: "site", siteId: site.id, site }));
    return new Map(priced.map((s) => [s.id, formatMoney(s.rate)]));
  }

  it("applies the default margin, category and service rules to this site only", async () => {
    const a = await resellerWithSite(p);
    const b = await resellerWithSite(p);
    const res = await put(a.site.uuid, a.token, {
      default_margin: "50",
      categories: [{ category_id: tk.categoryId, margin: "10" }],
      services: [
        { service_id: s1.id, fixed_rate: "1800" },
        { service_id: s2.id, hidden: true },
      ],
    });
    expect(res.status).toBe(200);
    const data = (await body(res)).data;
    expect(data.default_margin).toBe("50");
    expect(data.services).toEqual(expect.arrayContaining([{ service_id: s1.id, margin: null, fixed_rate: "1800.00", hidden: false }]));
    const sample = new Map(data.prices.map((x: any) => [x.service_id, x]));
    expect(sample.get(s1.id)).toMatchObject({ rate: "1800.00", cost: "1000.00", shown: true });
    expect(sample.get(s2.id)).toEqual({ service_id: s2.id, shown: false });

    const onA = await sitePrices(a.site.uuid);
    expect(onA.get(s1.id)).toBe("1800.00");
    expect(onA.has(s2.id)).toBe(false);
    expect(onA.get(tk.id)).toBe("550.00");
    const onB = await sitePrices(b.site.uuid);
    expect([onB.get(s1.id), onB.get(s2.id), onB.get(tk.id)]).toEqual(["1300.00", "2600.00", "650.00"]);
    const platform = new Map((await listPricedServices(p.ctx())).map((s) => [s.id, formatMoney(s.rate)]));
    expect(platform.get(s1.id)).toBe("1000.00");
    expect((await siteRow(p, a.site.uuid)).content_version).toBe(2);
  });

  it("upserts listed rules, removes an empty rule, and replaces the whole set with reset", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, {
      default_margin: "12.5",
      services: [
        { service_id: s1.id, margin: "100" },
        { service_id: s2.id, hidden: true },
      ],
    });
    expect((await siteRow(p, a.site.uuid)).default_margin_bp).toBe(1250);
    expect((await sitePrices(a.site.uuid)).get(s1.id)).toBe("2000.00");

    await put(a.site.uuid, a.token, { services: [{ service_id: s1.id }] });
    let prices = await sitePrices(a.site.uuid);
    expect(prices.get(s1.id)).toBe("1125.00");
    expect(prices.has(s2.id)).toBe(false);

    const res = await put(a.site.uuid, a.token, { reset: true, categories: [{ category_id: s1.categoryId, fixed_rate: "999.5" }] });
    expect((await body(res)).data.services).toEqual([]);
    prices = await sitePrices(a.site.uuid);
    expect([prices.get(s1.id), prices.get(s2.id), prices.get(tk.id)]).toEqual(["999.50", "999.50", "562.50"]);
  });

  it("refuses unknown ids and malformed rules with 422 and changes nothing", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, { services: [{ service_id: s1.id, margin: "20" }] });
    const before = await siteRow(p, a.site.uuid);
    const pricesBefore = await sitePrices(a.site.uuid);
    const bad: [unknown, string][] = [
      [{ services: [{ service_id: 99999999, margin: "10" }] }, "services.0.service_id"],
      [{ categories: [{ category_id: 99999999, hidden: true }] }, "categories.0.category_id"],
      [{ services: [{ service_id: s1.id, margin: "10", fixed_rate: "5" }] }, "services.0.fixed_rate"],
      [
        {
          services: [
            { service_id: s1.id, margin: "10" },
            { service_id: s1.id, margin: "20" },
          ],
        },
        "services.1.service_id",
      ],
      [{ default_margin: "1000.01" }, "default_margin"],
      [{ default_margin: "12.555" }, "default_margin"],
      [{ default_margin: "-5" }, "default_margin"],
      [{ services: [{ service_id: s1.id, fixed_rate: "0" }] }, "services.0.fixed_rate"],
    ];
    for (const [json, field] of bad) {
      const res = await put(a.site.uuid, a.token, json);
      expect(res.status, field).toBe(422);
      expect((await body(res)).error.details[field], field).toBeDefined();
    }
    expect(await siteRow(p, a.site.uuid)).toEqual(before);
    expect(await sitePrices(a.site.uuid)).toEqual(pricesBefore);
  });

  const preview = (uuid: string, token: string, json: unknown, query = "") =>
    p.request(`/api/white-label/sites/${uuid}/pricing/preview${query}`, { method: "POST", token, json });

  it("previews an update without saving it: every changed service before and after, what the update then charges", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, { default_margin: "30", services: [{ service_id: s2.id, hidden: true }] });
    const before = await siteRow(p, a.site.uuid);
    const change = {
      default_margin: "40",
      categories: [{ category_id: tk.categoryId, margin: "10" }],
      services: [{ service_id: s1.id, fixed_rate: "900" }, { service_id: s2.id }],
    };
    const res = await preview(a.site.uuid, a.token, change, "?per_page=100");
    expect(res.status).toBe(200);
    const { data, meta } = await body(res);
    expect(data.default_margin).toEqual({ before: "30", after: "40" });
    const lines = new Map(data.services.map((l: any) => [l.service_id, l]));
    // Below cost first, with its cause.
    expect(data.services[0]).toMatchObject({
      service_id: s1.id,
      cost: "1000.00",
      before: { price: "1300.00", hidden: false },
      after: { price: "900.00", hidden: false },
      margin_amount: "-100.00",
      margin: "-10",
      warning: "fixed_below_cost",
    });
    expect(lines.get(s2.id)).toMatchObject({ before: { price: null, hidden: true }, after: { price: "2800.00", hidden: false }, margin: "40", warning: null });
    expect(lines.get(tk.id)).toMatchObject({ before: { price: "650.00" }, after: { price: "550.00" } });
    expect(data.below_cost).toBe(1);
    expect(data.shown).toBe(1);
    expect(meta).toEqual({ page: 1, per_page: 100, total: data.affected });
    // Nothing saved.
    expect(await siteRow(p, a.site.uuid)).toEqual(before);

    // The update then gives exactly the previewed prices, for every changed service.
    expect((await put(a.site.uuid, a.token, change)).status).toBe(200);
    const now = await sitePrices(a.site.uuid);
    for (const l of data.services) expect(now.get(l.service_id) ?? null, String(l.service_id)).toBe(l.after.price);

    const paged = await body(await preview(a.site.uuid, a.token, { default_margin: "55", categories: [{ category_id: tk.categoryId }] }, "?per_page=1&page=2"));
    expect(paged.meta).toEqual({ page: 2, per_page: 1, total: 2 });
    expect(paged.data.services).toHaveLength(1);
  });

  it("refuses a bad preview with the update's 422s, and another owner's site is a 404", async () => {
    const a = await resellerWithSite(p);
    const b = await resellerWithSite(p);
    for (const [json, field] of [
      [{ services: [{ service_id: 99999999, margin: "10" }] }, "services.0.service_id"],
      [{ default_margin: "abc" }, "default_margin"],
      [{ services: [{ service_id: s1.id, fixed_rate: "-5" }] }, "services.0.fixed_rate"],
    ] as const) {
      const res = await preview(a.site.uuid, a.token, json);
      expect(res.status, field).toBe(422);
      expect((await body(res)).error.details[field], field).toBeDefined();
    }
    expect((await preview(a.site.uuid, b.token, { default_margin: "10" })).status).toBe(404);
  });
});
