import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { expectLedgerHolds, plainSpaces } from "../harness/money.ts";
import { fund, insertService, ownerThroughForms, whiteLabelPlatform } from "./helpers.ts";
import { parseMoney } from "../../src/money/money.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's pricing page, its preview and its confirmation", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let cheap: { id: number; categoryId: number };
  let dear: { id: number; categoryId: number };
  let tiktok: { id: number; categoryId: number };
  const names = { cheap: uniqueName("Cheap followers"), dear: uniqueName("Dear followers"), tiktok: uniqueName("Tok views") };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    cheap = await insertService(p, { rate: "1000", name: names.cheap });
    dear = await insertService(p, { rate: "2000", name: names.dear });
    tiktok = await insertService(p, { rate: "500", name: names.tiktok, categorySlug: "tiktok" });
  });
  afterAll(() => p.close());

  /** A platform user who bought a site through the purchase form (default margin 30 %); the jar holds their session. */
  async function owner() {
    const o = await ownerThroughForms(p, { siteName: "Boost Korhogo", slugPrefix: "pr" });
    return { ...o, base: `${o.base}/pricing` };
  }

  const rulesOf = (siteId: number) =>
    p.services.db.selectFrom("site_price_rules").select(["scope", "target_id", "margin_bp", "fixed_rate", "hidden"]).where("site_id", "=", siteId).execute();

  const change = async (o: { jar: Jar; base: string }, path: "preview" | "confirm", fields: Record<string, string>, lang = "fr") => {
    const page = await get(p, HOST, o.base, o.jar);
    return post(p, HOST, `${o.base}/${path}?lang=${lang}`, o.jar, { _csrf: csrfFrom(page.html), ...fields });
  };

  it("lists the default margin, the categories and the services with cost, price and margin, filtered and paginated", async () => {
    const o = await owner();
    const { res, html } = await get(p, HOST, `${o.base}?lang=en&q=${encodeURIComponent(names.cheap)}`, o.jar);
    expect(res.status).toBe(200);
    const text = plainSpaces(html);
    expect(text).toContain("Default margin");
    expect(text).toContain(names.cheap);
    expect(text).not.toContain(names.dear);
    // Cost 1000, price 1300 at the purchase's default 30 %, margin 300 = 30 %.
    expect(text).toContain("F CFA 1,000");
    expect(text).toContain("F CFA 1,300");
    expect(text).toMatch(/F CFA 300(\.00)?<\/span> · <span class="wl-pr-num">30 %/);
    expect(text).toContain('name="f_q"');
    const all = await get(p, HOST, o.base, o.jar);
    // Never everything on one page: 20 services, then a link to the next page.
    expect((all.html.match(/class="wl-pr-item" id="service-/g) ?? []).length).toBeLessThanOrEqual(20);
    const byCategory = await get(p, HOST, `${o.base}?platform=tiktok&category=${tiktok.categoryId}`, o.jar);
    expect(byCategory.html).toContain(names.tiktok);
    expect(byCategory.html).not.toContain(names.cheap);
  });

  it("previews a category margin before → after without saving, and after Confirm the storefront charges the previewed price", async () => {
    const o = await owner();
    const preview = await change(o, "preview", { scope: "category", target: String(cheap.categoryId), kind: "margin", value: "50", f_q: "followers" }, "en");
    expect(preview.res.status).toBe(200);
    const text = plainSpaces(preview.html);
    expect(text).toContain(": 50 % margin");
    // cost 1000 → before 1300 (30 %) → after 1500; cost 2000 → 2600 → 3000.
    for (const price of ["F CFA 1,300", "F CFA 1,500", "F CFA 2,600", "F CFA 3,000"]) expect(text).toContain(price);
    expect(text).not.toContain(names.tiktok);
    expect(await rulesOf(o.site.id)).toEqual([]);

    const confirmed = await post(p, HOST, `${o.base}/confirm`, o.jar, {
      _csrf: csrfFrom(preview.html),
      scope: "category",
      target: String(cheap.categoryId),
      kind: "margin",
      value: "50",
      f_q: "followers",
    });
    expect(confirmed.res.status).toBe(303);
    expect(confirmed.res.headers.get("location")).toBe(`${o.base}?q=followers&done=saved`);
    expect(await rulesOf(o.site.id)).toEqual([{ scope: "category", target_id: cheap.categoryId, margin_bp: 5000, fixed_rate: null, hidden: 0 }]);
    const after = await get(p, HOST, `${o.base}?lang=en&done=saved`, o.jar);
    expect(after.html).toContain("Your prices are saved");

    // A customer of the site orders 1000 of each through the storefront's form: charged what the preview said.
    const customer = await registerThroughForm(p, o.host);
    expect(customer.res.status).toBe(303);
    const buyer = await p.services.db
      .selectFrom("users")
      .select("id")
      .where("site_id", "=", o.site.id)
      .where("username", "=", customer.username)
      .executeTakeFirstOrThrow();
    await fund(p, buyer.id, "10000");
    for (const [service, charge] of [
      [cheap.id, "1500"],
      [dear.id, "3000"],
      [tiktok.id, "650"],
    ] as const) {
      const form = await get(p, o.host, `/orders/new?service=${service}`, customer.jar);
      const key = /name="idempotency_key" value="([^"]+)"/.exec(form.html)![1]!;
      const placed = await post(p, o.host, "/orders", customer.jar, {
        _csrf: csrfFrom(form.html),
        idempotency_key: key,
        service: String(service),
        link: "https://instagram.com/korhogo",
        quantity: "1000",
        confirm: "yes",
      });
      expect(placed.res.status, placed.html.match(/field-error[^<]*<\/?[^>]*>[^<]*/g)?.join(" ")).toBe(303);
      const order = await p.services.db
        .selectFrom("orders")
        .select("charge")
        .where("user_id", "=", buyer.id)
        .where("service_id", "=", service)
        .executeTakeFirstOrThrow();
      expect(Number(order.charge)).toBe(parseMoney(charge));
    }
    await settleDispatchKicks(p.services);
    await expectLedgerHolds(p);
  });

  it("warns of a fixed price below cost, resets a rule to inherit, and a hidden service leaves the storefront", async () => {
    const o = await owner();
    const low = await change(o, "preview", { scope: "service", target: String(dear.id), kind: "fixed", value: "1500" }, "fr");
    expect(low.res.status).toBe(200);
    expect(plainSpaces(low.html)).toContain("Prix fixe inférieur à votre coût");
    await change(o, "confirm", { scope: "service", target: String(dear.id), kind: "fixed", value: "1500" });
    expect(await rulesOf(o.site.id)).toEqual([{ scope: "service", target_id: dear.id, margin_bp: null, fixed_rate: 1_500_000_000, hidden: 0 }]);

    const back = await change(o, "preview", { scope: "service", target: String(dear.id), kind: "inherit", value: "" }, "en");
    expect(plainSpaces(back.html)).toContain("F CFA 2,600");
    await change(o, "confirm", { scope: "service", target: String(dear.id), kind: "inherit", value: "" });
    expect(await rulesOf(o.site.id)).toEqual([]);

    const shop = new Jar();
    expect((await get(p, o.host, `/services?q=${encodeURIComponent(names.cheap)}`, shop)).html).toContain(`href="/services/${cheap.id}"`);
    await change(o, "confirm", { scope: "service", target: String(cheap.id), kind: "hidden", value: "" });
    const listing = await get(p, o.host, `/services?q=${encodeURIComponent(names.cheap)}`, shop);
    expect(listing.res.status).toBe(200);
    expect(listing.html).not.toContain(`href="/services/${cheap.id}"`);
    const page = await get(p, HOST, `${o.base}?lang=fr&q=${encodeURIComponent(names.cheap)}`, o.jar);
    expect(page.html).toContain("Masqué");
  });

  it("refuses a bad margin or fixed price with 422, the input kept and the field named, in French and English, and saves nothing", async () => {
    const o = await owner();
    const before = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", o.site.id).executeTakeFirstOrThrow();
    for (const [lang, margin, fixed] of [
      ["fr", "Indiquez une marge en pourcentage", "Indiquez un prix pour 1000 supérieur à 0"],
      ["en", "Enter a margin in percent", "Enter a price per 1000 above 0"],
    ] as const) {
      for (const path of ["preview", "confirm"] as const) {
        const bad = await change(o, path, { scope: "default", kind: "margin", value: "abc" }, lang);
        expect(bad.res.status).toBe(422);
        expect(bad.html).toContain(margin);
        expect(bad.html).toContain('id="default-value" name="value" type="text" inputmode="decimal" maxlength="20" value="abc" required aria-invalid="true"');

        const q = encodeURIComponent(names.dear);
        const page = await get(p, HOST, `${o.base}?q=${q}`, o.jar);
        const negative = await post(p, HOST, `${o.base}/${path}?lang=${lang}`, o.jar, {
          _csrf: csrfFrom(page.html),
          scope: "service",
          target: String(dear.id),
          kind: "fixed",
          value: "-5",
          f_q: names.dear,
        });
        expect(negative.res.status).toBe(422);
        expect(negative.html).toContain(fixed);
        expect(negative.html).toContain(
          `id="service-${dear.id}-value" name="value" type="text" inputmode="decimal" maxlength="20" value="-5" aria-invalid="true"`,
        );
        expect(negative.html).toMatch(new RegExp(`<option value="fixed" selected>`));
      }
    }
    const unknown = await change(o, "preview", { scope: "service", target: "99999999", kind: "margin", value: "10" });
    expect(unknown.res.status).toBe(422);
    const odd = await change(o, "preview", { scope: "site", kind: "margin", value: "10" });
    expect(odd.res.status).toBe(422);
    expect(await rulesOf(o.site.id)).toEqual([]);
    expect(await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", o.site.id).executeTakeFirstOrThrow()).toEqual(before);
  });

  it("another owner's site is a 404 for the page, the preview and the confirmation", async () => {
    const a = await owner();
    const b = await owner();
    expect((await get(p, HOST, a.base, b.jar)).res.status).toBe(404);
    const mine = await get(p, HOST, b.base, b.jar);
    for (const path of ["preview", "confirm"]) {
      const res = await post(p, HOST, `${a.base}/${path}`, b.jar, { _csrf: csrfFrom(mine.html), scope: "default", kind: "margin", value: "90" });
      expect(res.res.status).toBe(404);
    }
    expect(
      (await p.services.db.selectFrom("white_label_sites").select("default_margin_bp").where("id", "=", a.site.id).executeTakeFirstOrThrow()).default_margin_bp,
    ).toBe(a.site.default_margin_bp);
  });

  it("a preview of many changed services is paged, the change carried from page to page", async () => {
    const o = await owner();
    const ids: number[] = [];
    for (let i = 0; i < 26; i++) ids.push((await insertService(p, { rate: "100", name: uniqueName("Yt views"), categorySlug: "youtube" })).id);
    p.services.events.catalogChanged();
    const category = (await p.services.db.selectFrom("categories").select("id").where("slug", "=", "youtube").executeTakeFirstOrThrow()).id;
    const fields = { scope: "category", target: String(category), kind: "margin", value: "100" };
    const first = await change(o, "preview", fields, "en");
    expect(first.res.status).toBe(200);
    expect(first.html).toContain("Page 1 of 2");
    const shown = (html: string) => ids.filter((id) => html.includes(`#${id} `));
    expect(shown(first.html)).toHaveLength(25);
    const second = await post(p, HOST, `${o.base}/preview?lang=en`, o.jar, { _csrf: csrfFrom(first.html), ...fields, ppage: "2" });
    expect(second.html).toContain("Page 2 of 2");
    expect(shown(second.html)).toEqual(ids.filter((id) => !shown(first.html).includes(id)));
    expect(plainSpaces(second.html)).toContain("F CFA 200");
    expect(await rulesOf(o.site.id)).toEqual([]);
  });
});
