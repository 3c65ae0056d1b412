import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { putSetting } from "../../src/settings/service.ts";
import { countRows } from "../wallet/helpers.ts";
import {
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  fundedUser,
  ledgerOf,
  money,
  orderRow,
  orderWorld,
  place,
  simOrderOf,
  type World,
} from "./support.ts";

describeEachDialect("placing orders", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  const countOrders = (userId: number) => countRows(w.p, "orders", userId);

  it("a Default order is charged at the server's price whatever price the client sends, and goes to the provider", async () => {
    const svc = await addService(w, { rate: "1000", providerRate: "1" });
    const u = await fundedUser(w, "2000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://instagram.com/p/abc", quantity: 500, charge: "0.01", price: "0.01", rate: "0" });
    expect(r.status).toBe(201);
    expect(r.order).toMatchObject({ status: "pending", charge: "500.00", quantity: 500, currency: "XOF", link: "https://instagram.com/p/abc" });
    expect(await balanceOf(w, u.user.id)).toBe(money("1500"));
    const row = await orderRow(w, r.order.uuid);
    // 0.5 USD at 600 XOF: the provider's cost is recorded, so profit is known.
    expect(Number(row.provider_cost)).toBe(money("300"));
    expect(row).toMatchObject({ site_id: 0, user_id: u.user.id, dispatch_state: "sent", status: "processing", source: "web" });
    const debit = (await ledgerOf(w, u.user.id)).find((t) => t.type === "order")!;
    expect(Number(debit.amount)).toBe(-money("500"));
    expect(debit.order_id).toBe(row.id);
    const atProvider = await simOrderOf(w, r.order.uuid);
    expect(atProvider).toMatchObject({ service: svc.simId, quantity: 500, link: "https://instagram.com/p/abc" });
  });

  it("a drip-feed order is charged runs × quantity and sent with its runs and interval", async () => {
    const svc = await addService(w, { rate: "1000", dripfeed: true });
    const u = await fundedUser(w, "1000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/drip", quantity: 100, runs: 3, interval: 15 });
    expect(r.status).toBe(201);
    expect(r.order).toMatchObject({ charge: "300.00", quantity: 100, runs: 3, interval: 15, total_quantity: 300 });
    expect(await balanceOf(w, u.user.id)).toBe(money("700"));
    expect(await simOrderOf(w, r.order.uuid)).toMatchObject({ quantity: 300, runs: 3, interval: 15 });
  });

  it("drip-feed fields on a service without drip-feed are refused", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/nodrip", quantity: 100, runs: 3, interval: 15 });
    expect(r.status).toBe(422);
    expect(r.body.error.details.runs).toBeDefined();
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("a Package is charged its flat rate, whatever quantity is sent", async () => {
    const svc = await addService(w, { type: "Package", rate: "2500", providerRate: "4", min: 1, max: 1 });
    const u = await fundedUser(w, "3000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/pkg", quantity: 999 });
    expect(r.status).toBe(201);
    expect(r.order).toMatchObject({ charge: "2500.00", quantity: 1 });
    expect(Number((await orderRow(w, r.order.uuid)).provider_cost)).toBe(money("2400"));
    expect(await balanceOf(w, u.user.id)).toBe(money("500"));
  });

  it("Custom Comments: the quantity is the number of non-empty lines", async () => {
    const svc = await addService(w, { type: "Custom Comments", rate: "10000", min: 2, max: 100 });
    const u = await fundedUser(w, "1000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/c", quantity: 50, comments: "Super !\n\n  Bravo  \r\nJ'adore\n" });
    expect(r.status).toBe(201);
    expect(r.order).toMatchObject({ quantity: 3, charge: "30.00", fields: { comments: "Super !\nBravo\nJ'adore" } });
    expect((await simOrderOf(w, r.order.uuid)).extra.comments).toBe("Super !\nBravo\nJ'adore");
  });

  it("each other type sends its own fields (mentions, comment likes, poll, subscriptions)", async () => {
    const u = await fundedUser(w, "100000");
    const cases: [Parameters<typeof addService>[1], Record<string, unknown>, Record<string, string>][] = [
      [
        { type: "Mentions with Hashtags" },
        { link: "https://x.test/m", quantity: 100, usernames: "a\nb", hashtags: "#x\n#y" },
        { usernames: "a\nb", hashtags: "#x\n#y" },
      ],
      [{ type: "Mentions Hashtag" }, { link: "https://x.test/m", quantity: 100, hashtag: "#izy" }, { hashtag: "#izy" }],
      [{ type: "Mentions User Followers" }, { link: "https://x.test/m", quantity: 100, username: "bob" }, { username: "bob" }],
      [{ type: "Mentions Media Likers" }, { link: "https://x.test/m", quantity: 100, media: "https://x.test/media/1" }, { media: "https://x.test/media/1" }],
      [{ type: "Comment Likes" }, { link: "https://x.test/m", quantity: 100, username: "alice" }, { username: "alice" }],
      [{ type: "Poll" }, { link: "https://x.test/poll", quantity: 100, answer_number: 2 }, { answer_number: "2" }],
    ];
    for (const [spec, json, extra] of cases) {
      const svc = await addService(w, spec);
      const r = await place(w, u.token, { service_id: svc.id, ...json });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await simOrderOf(w, r.order.uuid)).extra).toMatchObject(extra);
    }
    const sub = await addService(w, { type: "Subscriptions", rate: "1000", min: 50, max: 1000 });
    const r = await place(w, u.token, { service_id: sub.id, username: "creator", min: 100, max: 200, posts: 5, delay: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // Charged up front for the largest delivery over every post.
    expect(r.order).toMatchObject({ quantity: 1000, charge: "1000.00" });
    expect((await simOrderOf(w, r.order.uuid)).extra).toMatchObject({ username: "creator", min: "100", max: "200", posts: "5", delay: "30" });
  });

  it("invalid input answers 422 with per-field details and changes nothing", async () => {
    const svc = await addService(w, { rate: "1000", min: 100, max: 1000 });
    const comments = await addService(w, { type: "Custom Comments", min: 2, max: 5 });
    const sub = await addService(w, { type: "Subscriptions", min: 50, max: 1000 });
    const u = await fundedUser(w, "5000");
    const cases: [Record<string, unknown>, string][] = [
      [{ link: "https://x.test/a", quantity: 100 }, "service_id"],
      [{ service_id: "abc", link: "https://x.test/a", quantity: 100 }, "service_id"],
      [{ service_id: 999999, link: "https://x.test/a", quantity: 100 }, "service_id"],
      [{ service_id: svc.id, quantity: 100 }, "link"],
      [{ service_id: svc.id, link: "ftp://x.test/a", quantity: 100 }, "link"],
      [{ service_id: svc.id, link: "not a link", quantity: 100 }, "link"],
      [{ service_id: svc.id, link: `https://x.test/${"a".repeat(1000)}`, quantity: 100 }, "link"],
      [{ service_id: svc.id, link: "https://x.test/a", quantity: 99 }, "quantity"],
      [{ service_id: svc.id, link: "https://x.test/a", quantity: 1001 }, "quantity"],
      [{ service_id: svc.id, link: "https://x.test/a", quantity: "ten" }, "quantity"],
      [{ service_id: svc.id, link: "https://x.test/a", quantity: 150.5 }, "quantity"],
      [{ service_id: svc.id, link: "https://x.test/a" }, "quantity"],
      [{ service_id: comments.id, link: "https://x.test/a", comments: "only one" }, "comments"],
      [{ service_id: comments.id, link: "https://x.test/a" }, "comments"],
      [{ service_id: sub.id, username: "x", min: 300, max: 200, posts: 1 }, "max"],
      [{ service_id: sub.id, username: "x", min: 100, max: 200, posts: 1, delay: 7 }, "delay"],
    ];
    for (const [json, field] of cases) {
      const r = await place(w, u.token, json);
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.body.error.code).toBe("validation_failed");
      expect(Object.keys(r.body.error.details), JSON.stringify(json)).toContain(field);
    }
    expect(await balanceOf(w, u.user.id)).toBe(money("5000"));
    expect(await countOrders(u.user.id)).toBe(0);
    expect((await ledgerOf(w, u.user.id)).length).toBe(1);
  });

  it("an inactive service is refused with 422", async () => {
    const svc = await addService(w);
    await w.p.services.db.updateTable("services").set({ is_active: 0 }).where("id", "=", svc.id).execute();
    const u = await fundedUser(w, "1000");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/a", quantity: 100 });
    expect(r.status).toBe(422);
    expect(r.body.error.details.service_id).toBeDefined();
    expect(await countOrders(u.user.id)).toBe(0);
  });

  it("a service whose category or provider is switched off is refused with 422", async () => {
    const u = await fundedUser(w, "1000");
    const inOffCategory = await addService(w);
    const cat = await w.p.services.db
      .insertInto("categories")
      .values({ name: "Off", slug: `off-${inOffCategory.id}`, is_active: 0, created_at: dbNow(w.clock), updated_at: dbNow(w.clock) })
      .executeTakeFirstOrThrow();
    await w.p.services.db
      .updateTable("services")
      .set({ category_id: Number(cat.insertId) })
      .where("id", "=", inOffCategory.id)
      .execute();
    const r1 = await place(w, u.token, { service_id: inOffCategory.id, link: "https://x.test/a", quantity: 100 });
    expect(r1.status).toBe(422);
    expect(r1.body.error.details.service_id).toBeDefined();
    const svc = await addService(w);
    await w.p.services.db.updateTable("api_providers").set({ is_active: 0 }).where("id", "=", w.providerId).execute();
    try {
      const r2 = await place(w, u.token, { service_id: svc.id, link: "https://x.test/a", quantity: 100 });
      expect(r2.status).toBe(422);
      expect(r2.body.error.details.service_id).toBeDefined();
    } finally {
      await w.p.services.db.updateTable("api_providers").set({ is_active: 1 }).where("id", "=", w.providerId).execute();
    }
    expect(await countOrders(u.user.id)).toBe(0);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("a user's custom price is what their orders are charged; others pay the platform price", async () => {
    const svc = await addService(w, { rate: "1000" });
    const vip = await fundedUser(w, "1000");
    const plain = await fundedUser(w, "1000");
    await w.p.services.db
      .insertInto("service_prices_override")
      .values({ user_id: vip.user.id, service_id: svc.id, rate: money("600"), created_at: dbNow(w.clock), updated_at: dbNow(w.clock) })
      .execute();
    const a = await place(w, vip.token, { service_id: svc.id, link: "https://x.test/vip", quantity: 500 });
    const b = await place(w, plain.token, { service_id: svc.id, link: "https://x.test/plain", quantity: 500 });
    expect(a.order).toMatchObject({ rate: "600.00", charge: "300.00" });
    expect(b.order).toMatchObject({ rate: "1000.00", charge: "500.00" });
    expect(await balanceOf(w, vip.user.id)).toBe(money("700"));
    expect(await balanceOf(w, plain.user.id)).toBe(money("500"));
  });

  it("maintenance mode refuses new orders with 503 and charges nothing", async () => {
    const svc = await addService(w);
    const u = await fundedUser(w, "1000");
    await putSetting(w.p.ctx(), "maintenance_mode", "1");
    try {
      const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/a", quantity: 100 });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("maintenance");
    } finally {
      await putSetting(w.p.ctx(), "maintenance_mode", "0");
    }
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect(await countOrders(u.user.id)).toBe(0);
  });

  it("an order the balance cannot pay is refused with 422 and writes nothing", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "99.99");
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/a", quantity: 100 });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("insufficient_balance");
    expect(await balanceOf(w, u.user.id)).toBe(money("99.99"));
    expect(await countOrders(u.user.id)).toBe(0);
    expect((await ledgerOf(w, u.user.id)).length).toBe(1);
  });

  it("a retry with the same Idempotency-Key returns the same order and charges once", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const json = { service_id: svc.id, link: "https://x.test/idem", quantity: 100 };
    const first = await place(w, u.token, json, { "Idempotency-Key": "order-1" });
    const again = await place(w, u.token, json, { "Idempotency-Key": "order-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.order.uuid).toBe(first.order.uuid);
    expect(await countOrders(u.user.id)).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
    const other = await place(w, u.token, { ...json, quantity: 200 }, { "Idempotency-Key": "order-1" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it("the list shows only the caller's orders, newest first, filtered, searched and paginated", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "10000");
    const other = await fundedUser(w, "10000");
    const mine = [];
    for (const slug of ["alpha", "beta", "gamma"]) {
      mine.push((await place(w, u.token, { service_id: svc.id, link: `https://x.test/${slug}`, quantity: 100 })).order);
      w.clock.advance(1000);
    }
    await place(w, other.token, { service_id: svc.id, link: "https://x.test/alpha-other", quantity: 100 });
    const list = await body(await w.p.request("/api/user/orders?per_page=2", { token: u.token }));
    expect(list.meta).toEqual({ page: 1, per_page: 2, total: 3 });
    expect(list.data.map((o: { uuid: string }) => o.uuid)).toEqual([mine[2].uuid, mine[1].uuid]);
    expect(list.data[0]).not.toHaveProperty("provider_cost");
    expect(list.data[0].service.name).toBeTruthy();
    const page2 = await body(await w.p.request("/api/user/orders?per_page=2&page=2", { token: u.token }));
    expect(page2.data.map((o: { uuid: string }) => o.uuid)).toEqual([mine[0].uuid]);
    const byLink = await body(await w.p.request("/api/user/orders?search=alpha", { token: u.token }));
    expect(byLink.data.map((o: { uuid: string }) => o.uuid)).toEqual([mine[0].uuid]);
    const byUuid = await body(await w.p.request(`/api/user/orders?search=${mine[1].uuid}`, { token: u.token }));
    expect(byUuid.data.map((o: { uuid: string }) => o.uuid)).toEqual([mine[1].uuid]);
    const byStatus = await body(await w.p.request("/api/user/orders?status=completed", { token: u.token }));
    expect(byStatus.meta.total).toBe(0);
    expect((await w.p.request("/api/user/orders?status=nope", { token: u.token })).status).toBe(422);
    const show = await w.p.request(`/api/user/orders/${mine[0].uuid}`, { token: u.token });
    expect((await body(show)).data.uuid).toBe(mine[0].uuid);
  });

  it("another user's order answers 404 for show, refill and cancel", async () => {
    const svc = await addService(w, { refill: true, cancel: true });
    const owner = await fundedUser(w, "1000");
    const stranger = await fundedUser(w, "1000");
    const { order } = await place(w, owner.token, { service_id: svc.id, link: "https://x.test/mine", quantity: 100 });
    expect((await w.p.request(`/api/user/orders/${order.uuid}`, { token: stranger.token })).status).toBe(404);
    expect((await w.p.request(`/api/user/orders/${order.uuid}/refill`, { method: "POST", token: stranger.token })).status).toBe(404);
    expect((await w.p.request(`/api/user/orders/${order.uuid}/cancel`, { method: "POST", token: stranger.token })).status).toBe(404);
    expect((await w.p.request("/api/user/orders/not-a-uuid", { token: owner.token })).status).toBe(404);
    expect((await orderRow(w, order.uuid)).status).toBe("processing");
  });

  it("a mass order places each line on its own; bad lines do not block the others", async () => {
    const svc = await addService(w, { rate: "1000", min: 100, max: 1000 });
    const u = await fundedUser(w, "1000");
    const text = [
      `${svc.id}|https://x.test/m1|100`,
      "999999|https://x.test/m2|100",
      `${svc.id}|not-a-link|100`,
      "",
      `${svc.id}|https://x.test/m3|200`,
      "garbage",
      `${svc.id}|https://x.test/m4|900`,
    ].join("\n");
    const res = await w.p.request("/api/user/orders/mass", { method: "POST", token: u.token, json: { orders: text } });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.data.map((r: { line: number; ok: boolean }) => [r.line, r.ok])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [5, true],
      [6, false],
      [7, false],
    ]);
    expect(b.data[1].error.details.service_id).toBeDefined();
    expect(b.data[2].error.details.link).toBeDefined();
    expect(b.data[5].error.code).toBe("insufficient_balance");
    expect(b.meta).toEqual({ lines: 6, placed: 2, failed: 4 });
    expect(await balanceOf(w, u.user.id)).toBe(money("700"));
    const tooMany = Array.from({ length: 101 }, () => `${svc.id}|https://x.test/m|100`).join("\n");
    const refused = await w.p.request("/api/user/orders/mass", { method: "POST", token: u.token, json: { orders: tooMany } });
    expect(refused.status).toBe(422);
    expect(await balanceOf(w, u.user.id)).toBe(money("700"));
  });
});
