import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { ALL_PERMISSIONS, v1, v2 } from "../developer-api/helpers.ts";
import { chainOf, customerOn, orderViaForm, PLATFORM_HOST, siteWith } from "../chain/support.ts";
import { UNLIMITED_POSTS } from "../../src/orders/fields.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, money, orderRow, orderWorld, place, simOrderOf, type World } from "./support.ts";

// Orders as real panels' clients send them, through every entry point: the JSON API, v1, v2 and the order form.
describeEachDialect("orders as real panels' clients send them", (dialect) => {
  let w: World;
  let plain: { id: number };
  let subs: { id: number };
  let commentLikes: { id: number };
  let simCount = 0;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000", min: 10, max: 10_000, dripfeed: false });
    subs = await addService(w, { type: "Subscriptions", rate: "1000", min: 50, max: 1000 });
    commentLikes = await addService(w, { type: "Comment Likes", rate: "1000", min: 10, max: 1000 });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** The panel received exactly `n` more orders since the last check. */
  function expectSentToPanel(n: number) {
    const now = w.sim.sim.orderIds().length;
    expect(now - simCount).toBe(n);
    simCount = now;
  }

  async function keyed(funds = "100000") {
    const u = await fundedUser(w, funds);
    const made = await w.p.request("/api/user/api-keys", { method: "POST", token: u.token, json: { name: "panel", permissions: ALL_PERMISSIONS } });
    return { ...u, key: (await body(made)).data.key as string };
  }

  async function v2Add(key: string, fields: Record<string, string | number>) {
    const r = await v2(w.p, { key, action: "add", ...fields });
    await settleDispatchKicks(w.p.services);
    return r.json as { order?: number; error?: string };
  }

  const rowById = (id: number) => w.p.services.db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const simOrderById = async (id: number) => w.sim.sim.getOrder(Number((await rowById(id)).provider_order_id))!;

  it("links without a scheme get https:// on the JSON API, v1 and v2; what is not a link is still refused", async () => {
    simCount = w.sim.sim.orderIds().length;
    const u = await keyed();
    const json = await place(w, u.token, { service_id: plain.id, link: "instagram.com/izy.json", quantity: 100 });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(json.order.link).toBe("https://instagram.com/izy.json");
    expect((await simOrderOf(w, json.order.uuid)).link).toBe("https://instagram.com/izy.json");

    const viaV1 = await v1(w.p, "/orders", u.key, { method: "POST", json: { service_id: plain.id, link: "www.tiktok.com/@izy/video/1", quantity: 100 } });
    await settleDispatchKicks(w.p.services);
    expect(viaV1.status).toBe(201);
    expect((await body(viaV1)).data.link).toBe("https://www.tiktok.com/@izy/video/1");

    const viaV2 = await v2Add(u.key, { service: plain.id, link: "m.youtube.com/watch?v=abc", quantity: 100 });
    expect((await rowById(viaV2.order!)).link).toBe("https://m.youtube.com/watch?v=abc");
    expect((await simOrderById(viaV2.order!)).link).toBe("https://m.youtube.com/watch?v=abc");
    expectSentToPanel(3);

    for (const link of ["izy", "@izy", "javascript:alert(1)", "ftp://x.test/a"]) {
      const r = await place(w, u.token, { service_id: plain.id, link, quantity: 100 });
      expect(r.status, link).toBe(422);
      expect(r.body.error.details.link, link).toBeDefined();
      expect((await v2Add(u.key, { service: plain.id, link, quantity: 100 })).error, link).toBe("Incorrect link: Not a valid link (https://…).");
    }
    expectSentToPanel(0);
    expect(await balanceOf(w, u.user.id)).toBe(money("100000") - money("300"));
  });

  it("runs=0&interval=0 on a service without drip-feed is an ordinary order; real runs are still refused there", async () => {
    simCount = w.sim.sim.orderIds().length;
    const u = await keyed("10000");
    const viaV2 = await v2Add(u.key, { service: plain.id, link: "https://x.test/no-drip", quantity: 200, runs: 0, interval: 0 });
    expect(viaV2.error).toBeUndefined();
    expect(await rowById(viaV2.order!)).toMatchObject({ runs: null, interval: null, quantity: 200, charge: money("200") });
    expect((await simOrderById(viaV2.order!)).runs).toBeUndefined();

    const json = await place(w, u.token, { service_id: plain.id, link: "https://x.test/no-drip-json", quantity: 100, runs: 0, interval: 0 });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(json.order).toMatchObject({ runs: null, interval: null, charge: "100.00" });
    expectSentToPanel(2);

    expect((await v2Add(u.key, { service: plain.id, link: "https://x.test/drip", quantity: 100, runs: 3, interval: 10 })).error).toBe(
      "Incorrect runs: Drip-feed is not available for this service.",
    );
    expectSentToPanel(0);
    expect(await balanceOf(w, u.user.id)).toBe(money("10000") - money("300"));
  });

  it("subscriptions take @name or name (or the profile as link), posts=0 as unlimited and old_posts", async () => {
    simCount = w.sim.sim.orderIds().length;
    const u = await keyed("1000000");
    // The stock call: unlimited new posts and the last 2 posts too.
    const unlimited = await v2Add(u.key, { service: subs.id, username: "@creator", min: 100, max: 200, posts: 0, old_posts: 2, delay: 0 });
    expect(unlimited.error).toBeUndefined();
    const row = await rowById(unlimited.order!);
    // Charged up front for the largest delivery: 200 per post over the capped new posts and the 2 old ones.
    expect(row).toMatchObject({ link: "creator", quantity: 200 * (UNLIMITED_POSTS + 2), charge: money(String(200 * (UNLIMITED_POSTS + 2))) });
    expect((await simOrderById(unlimited.order!)).extra).toMatchObject({ username: "creator", posts: String(UNLIMITED_POSTS), old_posts: "2" });

    const bare = await v2Add(u.key, { service: subs.id, username: "creator2", min: 100, max: 100, posts: 3 });
    expect((await simOrderById(bare.order!)).extra).toMatchObject({ username: "creator2", posts: "3" });
    expect(Number((await rowById(bare.order!)).charge)).toBe(money("300"));

    // No posts at all is the stock "unlimited" too; the profile sent as `link`.
    const viaLink = await v1(w.p, "/orders", u.key, { method: "POST", json: { service_id: subs.id, link: "@creator3", min: 100, max: 100 } });
    await settleDispatchKicks(w.p.services);
    expect(viaLink.status, JSON.stringify(await body(viaLink.clone()))).toBe(201);
    const linkOrder = (await body(viaLink)).data;
    expect(linkOrder).toMatchObject({ link: "creator3", quantity: 100 * UNLIMITED_POSTS });
    expect((await simOrderOf(w, linkOrder.uuid)).extra).toMatchObject({ username: "creator3", posts: String(UNLIMITED_POSTS) });

    const likes = await place(w, u.token, { service_id: commentLikes.id, link: "instagram.com/p/xyz", quantity: 50, username: "@alice" });
    expect(likes.status, JSON.stringify(likes.body)).toBe(201);
    expect((await simOrderOf(w, likes.order.uuid)).extra).toMatchObject({ username: "alice" });
    expectSentToPanel(4);

    for (const bad of [
      { username: "@", min: 100, max: 100 },
      { username: "x", min: 100, max: 100, posts: -1 },
      { username: "x", min: 100, max: 100, old_posts: "many" },
    ]) {
      const r = await place(w, u.token, { service_id: subs.id, ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
    }
    expectSentToPanel(0);
    const spent = 200 * (UNLIMITED_POSTS + 2) + 300 + 100 * UNLIMITED_POSTS + 50;
    expect(await balanceOf(w, u.user.id)).toBe(money("1000000") - money(String(spent)));
  });

  it("the order forms of the platform and of a site take a link without a scheme", async () => {
    simCount = w.sim.sim.orderIds().length;
    const buyer = await customerOn(w, PLATFORM_HOST, "10000");
    const mine = await orderViaForm(w, buyer, { service: String(plain.id), link: "instagram.com/form.platform", quantity: "100" });
    expect(mine.status, mine.html.slice(0, 300)).toBe(303);
    expect((await orderRow(w, mine.uuid!)).link).toBe("https://instagram.com/form.platform");

    const site = await siteWith(w, { resellerFunds: "10000" });
    const customer = await customerOn(w, site, "10000");
    const theirs = await orderViaForm(w, customer, { service: String(plain.id), link: "www.instagram.com/form.site", quantity: "100", runs: "", interval: "" });
    expect(theirs.status, theirs.html.slice(0, 300)).toBe(303);
    const chain = await chainOf(w, theirs.uuid!);
    expect([chain.customer.link, chain.platform.link]).toEqual(["https://www.instagram.com/form.site", "https://www.instagram.com/form.site"]);
    expect(w.sim.sim.getOrder(Number(chain.platform.provider_order_id))?.link).toBe("https://www.instagram.com/form.site");
    expectSentToPanel(2);
  });
});
