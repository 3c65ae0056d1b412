import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, markEmailVerified } from "../harness/platform.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { customerOn, orderViaForm, siteWith, type SiteWorld } from "../chain/support.ts";
import { createKeyVia, ALL_PERMISSIONS, v2 } from "../developer-api/helpers.ts";
import { addService, adminToken, balanceOf, closeWorld, expectLedgerHolds, fundedUser, orderWorld, place, type World } from "./support.ts";

// The `unverified_may_order` setting: on by default (the demo works), off → every way in refuses an unverified account.
describeEachDialect("orders from accounts whose address is not verified", (dialect) => {
  let w: World;
  let site: SiteWorld;
  let service: { id: number };
  let admin: string;
  const setting = (value: string) => w.p.request("/api/admin/settings/unverified_may_order", { method: "PUT", token: admin, json: { value } });

  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
    admin = await adminToken(w);
    site = await siteWith(w, { resellerFunds: "100000" });
  });
  afterAll(async () => {
    if (admin) await setting("1");
    await closeWorld(w);
  });

  const order = { link: "https://instagram.com/p/verify", quantity: 100 };

  it("are placed while the setting is on, as the default is", async () => {
    const u = await fundedUser(w, "10000");
    expect((await place(w, u.token, { service_id: service.id, ...order })).status).toBe(201);
  });

  it("are refused on the JSON API and the v2 API with email_unverified when it is off, and go through once verified", async () => {
    expect((await setting("0")).status).toBe(200);
    const u = await fundedUser(w, "10000");
    const before = await balanceOf(w, u.user.id);
    const refused = await place(w, u.token, { service_id: service.id, ...order });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("email_unverified");
    expect(refused.body.error.message).toMatch(/Confirm your e-mail address/);
    const mass = await w.p.request("/api/user/orders/mass", {
      method: "POST",
      token: u.token,
      json: { orders: `${service.id}|https://instagram.com/p/m|100` },
    });
    expect(mass.status).toBe(403);

    const key = (await createKeyVia(w.p, u.token, { name: "bot", permissions: ALL_PERMISSIONS })).json.data.key as string;
    const viaV2 = await v2(w.p, { key, action: "add", service: service.id, link: order.link, quantity: order.quantity });
    expect(viaV2.json.error).toMatch(/Confirm your e-mail address/);
    const viaV1 = await w.p.request("/api/v1/orders", { method: "POST", headers: { "x-api-key": key }, json: { service_id: service.id, ...order } });
    expect(viaV1.status).toBe(403);
    expect(await balanceOf(w, u.user.id)).toBe(before);

    await markEmailVerified(w.p, u.user.id);
    expect((await place(w, u.token, { service_id: service.id, ...order })).status).toBe(201);
    expect((await v2(w.p, { key, action: "add", service: service.id, link: order.link, quantity: order.quantity })).json.order).toBeDefined();
    await expectLedgerHolds(w);
  });

  it("a site customer's order form says why it is refused, keeps the input and offers to send the link again", async () => {
    expect((await setting("0")).status).toBe(200);
    const customer = await customerOn(w, site, "10000");
    const before = await balanceOf(w, customer.user.id);
    const res = await orderViaForm(w, customer, { service: String(service.id), link: order.link, quantity: "100" });
    expect(res.status).toBe(422);
    expect(res.html).toContain("Confirmez votre adresse e-mail avant de commander");
    expect(res.html).toContain(`value="${order.link}"`);
    expect(res.html).toContain('action="/account/email/verification"');
    expect(await balanceOf(w, customer.user.id)).toBe(before);

    const page = await get(w.p, customer.host, "/orders/new", customer.jar);
    const resent = await post(w.p, customer.host, "/account/email/verification", customer.jar, { _csrf: csrfFrom(page.html), back: "/orders/new" });
    expect(resent.res.headers.get("location")).toBe("/orders/new?flash=verification_sent");

    await markEmailVerified(w.p, customer.user.id);
    const placed = await orderViaForm(w, customer, { service: String(service.id), link: order.link, quantity: "100" });
    expect(placed.status).toBe(303);
    expect(placed.uuid).toBeTruthy();
    await expectLedgerHolds(w);
  });

  it("the setting is listed for admins with its default and refuses a non-boolean", async () => {
    const list = (await body(await w.p.request("/api/admin/settings", { token: admin }))).data as { key: string; group: string }[];
    expect(list.find((s) => s.key === "unverified_may_order")).toMatchObject({ group: "orders" });
    expect((await setting("maybe")).status).toBe(422);
  });
});
