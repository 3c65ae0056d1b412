import { afterAll, beforeAll, expect, it } from "vitest";
import type { User } from "../../src/db/schema.ts";
import { createKey } from "../../src/developer-api/service.ts";
import { PERMISSIONS } from "../../src/developer-api/keys.ts";
import { placeSiteOrder } from "../../src/order-chain/chain.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import * as m0023 from "../../migrations/0023_order_numbers.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { createKeyVia, v1, v2, ALL_PERMISSIONS } from "../developer-api/helpers.ts";
import { chainOf, customerOn, orderViaForm, siteWith, type Customer, type SiteWorld } from "../chain/support.ts";
import { addService, closeWorld, expectLedgerHolds, fundedUser, orderWorld, place, type World } from "./support.ts";

// One order number everywhere: each tenant counts its own orders, and every way in names an order by it.
describeEachDialect("order numbers", (dialect) => {
  let w: World;
  let plain: { id: number };

  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000" });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const db = () => w.p.services.db;
  const lastNumber = async (siteId: number) =>
    Number(
      (
        await db()
          .selectFrom("orders")
          .select((e) => e.fn.max("number").as("n"))
          .where("site_id", "=", siteId)
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const numberOf = async (uuid: string) => (await db().selectFrom("orders").select("number").where("uuid", "=", uuid).executeTakeFirstOrThrow()).number!;
  const order = { service: "", link: "https://instagram.com/p/numbers", quantity: "100" };

  async function siteCustomerKey(s: SiteWorld, c: Customer): Promise<string> {
    const made = await createKey(
      { ...w.p.ctx(s.tenant), user: c.user as User },
      { name: "panel", permissions: [...PERMISSIONS], rate_limit_per_minute: 600, ip_whitelist: null, expires_at: null },
    );
    return made.raw;
  }

  it("a site counts its own orders one by one, and the reseller's platform order behind each takes the platform's next number", async () => {
    const s = await siteWith(w, { resellerFunds: "10000" });
    const c = await customerOn(w, s, "5000");
    const platformBefore = await lastNumber(0);
    const first = await orderViaForm(w, c, { ...order, service: String(plain.id) });
    const second = await orderViaForm(w, c, { ...order, service: String(plain.id) });
    expect([await numberOf(first.uuid!), await numberOf(second.uuid!)]).toEqual([1, 2]);
    const chains = [await chainOf(w, first.uuid!), await chainOf(w, second.uuid!)];
    expect(chains.map((ch) => ch.platform.number)).toEqual([platformBefore + 1, platformBefore + 2]);

    // A platform user's order takes the platform's next one, shown beside the uuid in the JSON API.
    const u = await fundedUser(w, "1000");
    const placed = await place(w, u.token, { service_id: plain.id, link: order.link, quantity: 100 });
    expect(placed.order.number).toBe(platformBefore + 3);
    expect(placed.order.uuid).toMatch(/^[0-9a-f-]{36}$/);
    for (const ref of [String(placed.order.number), encodeURIComponent(`#${placed.order.number}`), placed.order.uuid]) {
      const res = await w.p.request(`/api/user/orders/${ref}`, { token: u.token });
      expect((await body(res)).data.uuid, ref).toBe(placed.order.uuid);
    }
    // The order list finds it by the number as shown.
    const listed = await body(await w.p.request(`/api/user/orders?search=%23${placed.order.number}`, { token: u.token }));
    expect(listed.data.map((o: { uuid: string }) => o.uuid)).toEqual([placed.order.uuid]);

    // The pages show the number: the list, the detail's heading, and the link to a ticket about it.
    const list = await get(w.p, s.host, "/orders?lang=en", c.jar);
    expect(list.html).toContain(">#1</a>");
    expect(list.html).toContain(">#2</a>");
    expect(list.html).not.toContain(`#${first.uuid!.slice(0, 8)}`);
    const detail = await get(w.p, s.host, `/orders/${first.uuid}?lang=en`, c.jar);
    expect(detail.html).toContain("<h1>Order #1</h1>");
    expect(detail.html).toContain('href="/tickets/new?order=1"');
    await expectLedgerHolds(w);
  });

  it("v1 and v2 answer and look orders up by that number, on the platform and on a site", async () => {
    const u = await fundedUser(w, "1000");
    const key = (await createKeyVia(w.p, u.token, { name: "bot", permissions: ALL_PERMISSIONS })).json.data.key as string;
    const made = await body(await v1(w.p, "/orders", key, { method: "POST", json: { service_id: plain.id, link: order.link, quantity: 100 } }));
    await settleDispatchKicks(w.p.services);
    expect(made.data.number).toBe(await numberOf(made.data.uuid));
    expect((await body(await v1(w.p, `/orders/${made.data.number}`, key))).data.uuid).toBe(made.data.uuid);
    expect((await v1(w.p, `/orders/${(await lastNumber(0)) + 1}`, key)).status).toBe(404);
    const listed = await body(await v1(w.p, "/orders", key));
    expect(listed.data[0]).toMatchObject({ number: made.data.number, uuid: made.data.uuid });

    const added = await v2(w.p, { key, action: "add", service: plain.id, link: order.link, quantity: 100 });
    await settleDispatchKicks(w.p.services);
    expect(added.json.order).toBe(made.data.number + 1);
    expect((await v2(w.p, { key, action: "status", order: added.json.order })).json.status).toBeTypeOf("string");

    // On a site the customer's orders carry the site's numbers, whatever the platform's counter says.
    const s = await siteWith(w, { resellerFunds: "10000" });
    const c = await customerOn(w, s, "5000");
    const siteKey = await siteCustomerKey(s, c);
    const onSite = await v2(w.p, { key: siteKey, action: "add", service: plain.id, link: order.link, quantity: 100 }, { host: s.host });
    await settleDispatchKicks(w.p.services);
    expect(onSite.json).toEqual({ order: 1 });
    const both = await v2(w.p, { key: siteKey, action: "status", orders: "1,2" }, { host: s.host });
    expect(both.json["1"].status).toBeTypeOf("string");
    expect(both.json["2"]).toEqual({ error: "Incorrect order ID" });
    await expectLedgerHolds(w);
  });

  it("a ticket takes the number shown (#1234 or 1234) and finds it within the tenant only", async () => {
    const a = await siteWith(w, { resellerFunds: "10000" });
    const b = await siteWith(w, { resellerFunds: "10000" });
    const ca = await customerOn(w, a, "5000");
    const cb = await customerOn(w, b, "5000");
    const onA = await orderViaForm(w, ca, { ...order, service: String(plain.id) });
    await orderViaForm(w, cb, { ...order, service: String(plain.id) });
    await orderViaForm(w, cb, { ...order, service: String(plain.id) });
    const aOrder = await chainOf(w, onA.uuid!);

    // From the order's page: the form comes prefilled with the order, a subject naming it and the "order" category.
    const form = await get(w.p, a.host, "/tickets/new?order=1&lang=fr", ca.jar);
    expect(form.html).toContain('value="#1"');
    expect(form.html).toContain('value="À propos de la commande #1"');
    expect(form.html).toMatch(/<option value="order" selected>/);
    const opened = await post(w.p, a.host, "/tickets", ca.jar, {
      _csrf: csrfFrom(form.html),
      subject: "À propos de la commande #1",
      category: "order",
      order: "#1",
      message: "Rien n'arrive",
    });
    expect(opened.res.status).toBe(303);
    const ticketPath = opened.res.headers.get("location")!;
    const ticket = await db().selectFrom("tickets").select(["order_id", "site_id"]).where("uuid", "=", ticketPath.split("/").pop()!).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ order_id: aOrder.customer.id, site_id: a.siteId });
    // The ticket's page is headed by its subject.
    expect((await get(w.p, a.host, ticketPath, ca.jar)).html).toContain("<h1>À propos de la commande #1</h1>");

    // B has an order #2, the platform many: on A, #2 is nobody's and the form says so under its field.
    const refused = await post(w.p, a.host, "/tickets", ca.jar, {
      _csrf: csrfFrom(form.html),
      subject: "Commande deux",
      order: "2",
      message: "Et celle-ci ?",
    });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toMatch(/id="f-order"[^>]*aria-invalid="true"/);
    expect(refused.html).toContain('value="2"');

    // The JSON API: the number as text or as a number; another user's number on the platform is refused.
    const u = await fundedUser(w, "1000");
    const mine = await place(w, u.token, { service_id: plain.id, link: order.link, quantity: 100 });
    for (const ref of [`#${mine.order.number}`, mine.order.number]) {
      const res = await w.p.request("/api/tickets", { method: "POST", token: u.token, json: { subject: "My order", message: "Hello", order: ref } });
      expect(res.status).toBe(201);
      expect((await body(res)).data).toMatchObject({ order_number: mine.order.number, order_uuid: mine.order.uuid });
    }
    const theirs = aOrder.platform.number!;
    const res = await w.p.request("/api/tickets", { method: "POST", token: u.token, json: { subject: "Not mine", message: "Hello", order: theirs } });
    expect(res.status).toBe(422);
    expect((await body(res)).error.details.order).toBeDefined();
  });

  it("parallel placements on one tenant never share a number, leave no gap, and each charge names its order's number", async () => {
    const s = await siteWith(w, { resellerFunds: "100000" });
    const platformBefore = await lastNumber(0);
    const customers = await Promise.all(Array.from({ length: 4 }, () => customerOn(w, s, "5000")));
    const platformUsers = await Promise.all(Array.from({ length: 4 }, () => fundedUser(w, "5000")));
    const input = { service_id: plain.id, link: order.link, quantity: 100 };
    await Promise.all([
      ...customers.flatMap((c) => [1, 2, 3].map(() => placeSiteOrder({ ...w.p.ctx(s.tenant), user: c.user as User }, input, { source: "web" }))),
      ...platformUsers.flatMap((u) => [1, 2, 3].map(() => place(w, u.token, input))),
    ]);
    await settleDispatchKicks(w.p.services);
    const siteNumbers = (await db().selectFrom("orders").select("number").where("site_id", "=", s.siteId).execute()).map((r) => r.number);
    expect(siteNumbers.sort((x, y) => x! - y!)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const platformNumbers = (await db().selectFrom("orders").select("number").where("site_id", "=", 0).execute()).map((r) => r.number);
    expect(new Set(platformNumbers).size).toBe(platformNumbers.length);
    expect(platformNumbers.every((n) => n !== null && n > 0)).toBe(true);
    // 12 platform users' orders and the 12 reseller orders behind the customers' take the next 24 numbers.
    const placedNow = platformNumbers.filter((n) => n! > platformBefore).sort((x, y) => x! - y!);
    expect(placedNow).toEqual(Array.from({ length: 24 }, (_, i) => platformBefore + i + 1));
    const charges = await db()
      .selectFrom("transactions")
      .innerJoin("orders", "orders.id", "transactions.order_id")
      .select(["orders.number", "transactions.description"])
      .where("transactions.type", "=", "order")
      .execute();
    for (const c of charges) expect(c.description).toMatch(new RegExp(`^Order #${c.number}: `));
    await expectLedgerHolds(w);
  });

  // Last: it renumbers this world's orders as an upgrade would.
  it("the migration numbers existing orders per tenant by id, and each tenant's counter carries on after its last", async () => {
    const before = await db().selectFrom("orders").select(["id", "site_id", "number"]).orderBy("id").execute();
    await m0023.down(db());
    await m0023.up(db());
    const after = await db().selectFrom("orders").select(["id", "site_id", "number"]).orderBy("id").execute();
    const expected = new Map<number, number>();
    for (const o of after) {
      const n = (expected.get(o.site_id) ?? 0) + 1;
      expected.set(o.site_id, n);
      expect(o.number, `order ${o.id}`).toBe(n);
    }
    expect(after.map((o) => o.id)).toEqual(before.map((o) => o.id));
    const u = await fundedUser(w, "1000");
    const next = await place(w, u.token, { service_id: plain.id, link: order.link, quantity: 100 });
    expect(next.order.number).toBe(expected.get(0)! + 1);
  });
});
