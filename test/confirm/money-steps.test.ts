import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, money, orderWorld, type World } from "../orders/support.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { csrfFrom, get, post, registerThroughForm } from "../storefront/helpers.ts";
import { customerOn, siteWith } from "../chain/support.ts";
import { balanceOf as resellerBalance, expectLedgerHolds as resellerLedgerHolds, fund, whiteLabelPlatform } from "../reseller/helpers.ts";

const keyIn = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)?.[1];
const xof = (amount: string) => displayMoney(money(amount), "XOF", "fr");

// Every money action of a person shows what will move first: nothing moves before Confirm, Confirm twice acts once.
describeEachDialect("an order from the form is confirmed first", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("shows the site price and the balance after, charges nothing until Confirm, and charges once for two Confirms", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const form = await get(w.p, c.host, "/orders/new", c.jar);
    const key = keyIn(form.html)!;
    const fields = { _csrf: csrfFrom(form.html), idempotency_key: key, service: String(service.id), link: "https://instagram.com/p/step", quantity: "100" };
    const step = await post(w.p, c.host, "/orders", c.jar, fields);
    expect(step.res.status).toBe(200);
    expect(step.html).toContain('class="card confirm-step"');
    // 1000 per 1000 at the platform, +50 % on this site: 150 for 100; 500 → 350.
    for (const shown of [xof("150"), xof("500"), xof("350")]) expect(step.html).toContain(shown);
    expect(keyIn(step.html)).toBe(key);
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", c.user.id).execute()).toHaveLength(0);

    const [first, second] = [
      await post(w.p, c.host, "/orders", c.jar, { ...fields, confirm: "yes" }),
      await post(w.p, c.host, "/orders", c.jar, { ...fields, confirm: "yes" }),
    ];
    await settleDispatchKicks(w.p.services);
    expect(first.res.status).toBe(303);
    expect(second.res.headers.get("location")).toBe(first.res.headers.get("location"));
    expect(await balanceOf(w, c.user.id)).toBe(money("350"));
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", c.user.id).execute()).toHaveLength(1);
  });

  it("Back returns to the form with what was typed; a refused form is re-rendered as before, without a step", async () => {
    const s = await siteWith(w, { resellerFunds: "1000" });
    const c = await customerOn(w, s, "100");
    const form = await get(w.p, c.host, "/orders/new", c.jar);
    const fields = {
      _csrf: csrfFrom(form.html),
      idempotency_key: keyIn(form.html)!,
      service: String(service.id),
      link: "https://instagram.com/p/back",
      quantity: "40",
    };
    const back = await post(w.p, c.host, "/orders", c.jar, { ...fields, confirm: "edit" });
    expect(back.res.status).toBe(200);
    expect(back.html).toContain('id="order-form"');
    expect(back.html).toContain('value="https://instagram.com/p/back"');
    expect(back.html).toContain('value="40"');
    expect(back.html).not.toContain("confirm-step");
    // Too dear for the balance (150 > 100): refused at once, the input kept.
    const dear = await post(w.p, c.host, "/orders", c.jar, { ...fields, quantity: "100" });
    expect(dear.res.status).toBe(422);
    expect(dear.html).not.toContain("confirm-step");
    expect(dear.html).toContain('value="https://instagram.com/p/back"');
    expect(await balanceOf(w, c.user.id)).toBe(money("100"));
  });
});

describeEachDialect("a site purchase is confirmed first", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  const HOST = "izyboost.test";
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterEach(() => resellerLedgerHolds(p));
  afterAll(() => p.close());

  it("shows plan, site, price and balance after; nothing is bought before Confirm; two Confirms buy one site", async () => {
    const { jar, username } = await registerThroughForm(p, HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    await fund(p, user.id, "100000");
    const plan = await p.services.db.selectFrom("white_label_plans").selectAll().where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
    const page = await get(p, HOST, "/white-label", jar);
    const slug = `step${Date.now().toString(36)}`;
    const fields = {
      _csrf: csrfFrom(page.html),
      idempotency_key: keyIn(page.html)!,
      plan_id: String(plan.id),
      template_id: String(template.id),
      billing_cycle: "monthly",
      site_name: "Boutique Étape",
      slug,
      custom_domain: "",
    };
    const step = await post(p, HOST, "/white-label", jar, fields);
    expect(step.res.status).toBe(200);
    expect(step.html).toContain('class="card confirm-step"');
    const price = Number(plan.price_monthly);
    for (const shown of [plan.name, "Boutique Étape", slug, displayMoney(price, "XOF", "fr"), displayMoney(money("100000") - price, "XOF", "fr")])
      expect(step.html).toContain(shown.replace(/'/g, "&#39;"));
    expect(await p.services.db.selectFrom("white_label_sites").select("id").where("slug", "=", slug).execute()).toHaveLength(0);
    expect(await resellerBalance(p, user.id)).toBe(money("100000"));

    const back = await post(p, HOST, "/white-label", jar, { ...fields, confirm: "edit" });
    expect(back.html).toContain(`value="${slug}"`);
    expect(back.html).not.toContain("confirm-step");

    const [first, second] = [
      await post(p, HOST, "/white-label", jar, { ...fields, confirm: "yes" }),
      await post(p, HOST, "/white-label", jar, { ...fields, confirm: "yes" }),
    ];
    expect(first.res.status).toBe(303);
    expect(second.res.headers.get("location")).toBe(first.res.headers.get("location"));
    expect(await p.services.db.selectFrom("white_label_sites").select("id").where("slug", "=", slug).execute()).toHaveLength(1);
    expect(await resellerBalance(p, user.id)).toBe(money("100000") - price);
  });
});
