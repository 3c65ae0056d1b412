import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { expectLedgerHolds } from "../harness/money.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { addService, balanceOf, closeWorld, orderWorld, type World } from "../orders/support.ts";
import { chainOf, customerOn, orderViaForm, siteWith } from "../chain/support.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { parseMoney } from "../../src/money/money.ts";
import { gatewayAccount, simGatewayFor } from "./helpers.ts";

const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));

// Issue 13's finish line: a customer of a reseller's site tops up through the site's own automatic
// account and orders, and no person approves anything on the way.
describeEachDialect("a site's customer tops up automatically and orders, with no person involved", (dialect) => {
  let w: World;
  let sim: SimGateway;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    sim = await simGatewayFor(w.p);
  });
  afterAll(async () => {
    await sim?.close();
    await closeWorld(w);
  });

  it("funds page → confirmation → the gateway confirms → credited once → an order on the site and its reseller's platform order", async () => {
    const service = await addService(w, { rate: "1000" });
    const site = await siteWith(w, { resellerFunds: "50000", marginBp: 5000 });
    const account = await gatewayAccount(w.p, sim, { siteId: site.siteId, feeBp: 0 });
    const customer = await customerOn(w, site);

    const funds = await get(w.p, site.host, "/funds", customer.jar);
    expect(funds.html).toContain('action="/funds/gateway"');
    const step = await post(w.p, site.host, "/funds/gateway", customer.jar, { _csrf: csrfFrom(funds.html), gateway: String(account), amount: "5000" });
    expect(step.res.status).toBe(200);
    const started = await post(w.p, site.host, "/funds/gateway", customer.jar, { ...hidden(step.html), confirm: "yes" });
    expect(started.res.status).toBe(303);
    const payment = await w.p.services.db.selectFrom("gateway_payments").selectAll().where("user_id", "=", customer.user.id).executeTakeFirstOrThrow();
    expect(payment.site_id).toBe(site.siteId);
    const at = sim.sim.byTransaction(payment.uuid)!;
    await sim.sim.pay(at);
    await sim.sim.pay(at); // a second notification of the same payment changes nothing
    expect(await balanceOf(w, customer.user.id)).toBe(parseMoney("5000"));
    const followed = await get(w.p, site.host, `/funds/payments/${payment.uuid}`, customer.jar);
    expect(followed.res.status).toBe(200);

    const placed = await orderViaForm(w, customer, { service: String(service.id), link: "https://instagram.com/awa", quantity: "1000" });
    expect(placed.status).toBe(303);
    const chain = await chainOf(w, placed.uuid!);
    expect(chain.platform.user_id).toBe(site.owner.user.id);
    // 1000 at 1 000 F per 1000 with a 50 % margin: the customer pays 1 500 F of the 5 000 F.
    expect(await balanceOf(w, customer.user.id)).toBe(parseMoney("3500"));
    // Nothing waits for a person: no pending deposit anywhere for this customer.
    const pending = await w.p.services.db
      .selectFrom("transactions")
      .select("id")
      .where("user_id", "=", customer.user.id)
      .where("status", "=", "pending")
      .execute();
    expect(pending).toEqual([]);
    await expectLedgerHolds(w.p);
  });
});
