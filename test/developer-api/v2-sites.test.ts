import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, uniqueName } from "../harness/platform.ts";
import type { Tenant } from "../../src/context.ts";
import { registerUser } from "../../src/auth/service.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, money, orderWorld, type World } from "../orders/support.ts";
import { ALL_PERMISSIONS, createKeyVia, fund, v2 } from "./helpers.ts";
import { siteWith } from "../chain/support.ts";

// Each white-label site serves /api/v2 on its own host, for its own customers, at its own prices.
describeEachDialect("standard SMM API v2 on a white-label site", (dialect) => {
  let w: World;
  let service: { id: number };
  let site: Tenant;
  let host: string;
  let customer: { id: number; key: string };

  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
    // A business-plan site (its customers may use the API) with a 50% margin.
    ({ tenant: site, host } = await siteWith(w, { resellerFunds: "50000" }));
    const ctx = w.p.ctx(site);
    const user = await registerUser(ctx, { username: uniqueName("c"), email: `${uniqueName("c")}@example.com`, password: "correct-horse-9", welcome: false });
    await fund(w.p, user.id, "3000", ctx);
    customer = { id: user.id, key: (await createApiKey(ctx, user.id, { name: "panel", permissions: ALL_PERMISSIONS })).raw };
  });
  afterAll(() => closeWorld(w));

  it("lists the catalogue at the site's prices and the customer's balance on that site", async () => {
    const services = await v2(w.p, { key: customer.key, action: "services" }, { host });
    expect(services.json.find((s: { service: number }) => s.service === service.id)).toMatchObject({ rate: "1500.00" });
    expect((await v2(w.p, { key: customer.key, action: "balance" }, { host })).json).toEqual({ balance: "3000.00", currency: "XOF" });
  });

  it("a site customer's key is unknown on the platform host, and a platform key is unknown on the site", async () => {
    expect((await v2(w.p, { key: customer.key, action: "balance" })).json).toEqual({ error: "Invalid API key" });
    const platformUser = await fundedUser(w, "10");
    const made = await createKeyVia(w.p, platformUser.token, { name: "p", permissions: ALL_PERMISSIONS });
    expect((await v2(w.p, { key: made.json.data.key, action: "balance" }, { host })).json).toEqual({ error: "Invalid API key" });
  });

  it("does not serve the developer API v1 or the key endpoints on a site host", async () => {
    const res = await w.p.request("/api/v1/balance", { host, headers: { "x-api-key": customer.key } });
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe("not_found");
  });

  // The chain's money on both sides is covered in test/chain; here: add answers the customer's own order number on the site.
  it("add places the customer's order through the storefront chain, at the site's price", async () => {
    const r = await v2(w.p, { key: customer.key, action: "add", service: service.id, link: "https://x.com/a", quantity: 100 }, { host });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(["order"]);
    expect(await balanceOf(w, customer.id)).toBe(money("3000") - money("150"));
    const order = await w.p.services.db
      .selectFrom("orders")
      .selectAll()
      .where("site_id", "=", site.siteId)
      .where("number", "=", r.json.order)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ site_id: site.siteId, user_id: customer.id, dispatch_state: "delegated" });
    await expectLedgerHolds(w);
  });
});
