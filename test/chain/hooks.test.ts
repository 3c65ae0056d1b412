import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { addService, closeWorld, expectLedgerHolds, finishAtProvider, orderWorld, type World } from "../orders/support.ts";
import { createEvents } from "../../src/context.ts";
import { syncOrderStatuses } from "../../src/orders/sync.ts";
import { chainOf, customerOn, orderViaForm, siteWith } from "./support.ts";

// Issue 8: orders announce a change through ctx.events; the storefront chain follows only because the composition root subscribes it.
describeEachDialect("the storefront chain listens to order changes through the app's hooks", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("a status sync without the chain subscribed leaves the customer's order behind; the app's hooks bring it to the platform order's state", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/hooks", quantity: "100" });
    expect(placed.status).toBe(303);
    finishAtProvider(w);

    // The orders code alone: the platform order completes, nobody mirrors it down.
    await syncOrderStatuses({ ...w.p.ctx(), events: createEvents() });
    const alone = await chainOf(w, placed.uuid!);
    expect(alone.platform.status).toBe("completed");
    expect(alone.customer).toMatchObject({ status: "processing", completed_at: null });

    // The running app's hooks (src/app/events.ts) carry the same announcement to the chain, late and harmlessly.
    await w.p.services.events.orderChanged(w.p.ctx(), alone.platform.id);
    const mirrored = await chainOf(w, placed.uuid!);
    expect(mirrored.customer).toMatchObject({ status: "completed", remains: 0, refunded: 0 });
    expect(mirrored.customer.completed_at).not.toBeNull();
  });
});
