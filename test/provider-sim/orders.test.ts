import { beforeEach, describe, expect, it } from "vitest";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import { MINUTE, post, START, useSimProvider } from "./harness.ts";

describe("order progression, refill and cancel", () => {
  const provider = useSimProvider({ balance: "100" });
  let refillable: number;
  let plain: number;

  beforeEach(() => {
    const { sim } = provider();
    sim.setOutcomeShares({ partial: 0, canceled: 0 });
    refillable = sim.addService({ name: "Refill Followers", rate: "2.5", min: 10, max: 10_000, refill: true, cancel: true }).service;
    plain = sim.addService({ name: "Plain Likes", rate: "1", min: 10, max: 10_000, dripfeed: true }).service;
  });

  const add = async (fields: Record<string, string | number>): Promise<number> => {
    const answer = await provider().call("add", fields);
    expect(answer).toEqual({ order: expect.any(Number) });
    return answer.order;
  };
  const status = (order: number) => provider().call("status", { order });

  it("moves an order from Pending to In progress to Completed as the clock advances", async () => {
    const order = await add({ service: refillable, link: "https://instagram.com/alice", quantity: 1000 });
    expect(await status(order)).toEqual({
      charge: "2.50000",
      start_count: "0",
      status: "Pending",
      remains: "1000",
      currency: "USD",
    });
    provider().sim.advance(MINUTE);
    expect(await status(order)).toMatchObject({ status: "In progress", remains: "1000" });
    provider().sim.advance(5 * MINUTE);
    expect(await status(order)).toMatchObject({ status: "In progress", remains: "500" });
    provider().sim.advance(5 * MINUTE);
    const done = await status(order);
    expect(done).toMatchObject({ status: "Completed", remains: "0", charge: "2.50000" });
    expect(Number(done.start_count)).toBeGreaterThan(0);
  });

  it("answers a batch status keyed by id, with an error for unknown ids", async () => {
    const first = await add({ service: plain, link: "https://x.test/1", quantity: 100 });
    const second = await add({ service: plain, link: "https://x.test/2", quantity: 200 });
    const answer = await provider().call("status", { orders: `${first},${second},424242` });
    expect(answer).toEqual({
      [first]: expect.objectContaining({ status: "Pending", remains: "100" }),
      [second]: expect.objectContaining({ status: "Pending", remains: "200" }),
      424242: { error: "Incorrect order ID" },
    });
    expect(await status(424242)).toEqual({ error: "Incorrect order ID" });
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(",");
    expect(await provider().call("status", { orders: tooMany })).toEqual({ error: "Maximum 100 IDs per request" });
  });

  it("ends an order whose link says 'partial' as Partial with half remaining, refunding the rest", async () => {
    const order = await add({ service: refillable, link: "https://x.test/partial", quantity: 1000 });
    expect(await provider().call("balance")).toEqual({ balance: "97.50000", currency: "USD" });
    provider().sim.advance(11 * MINUTE);
    expect(await status(order)).toMatchObject({ status: "Partial", remains: "500", charge: "1.25000" });
    expect((await provider().call("balance")).balance).toBe("98.75000");
  });

  it("ends an order whose link says 'cancel' as Canceled with a full refund", async () => {
    const order = await add({ service: plain, link: "https://x.test/cancel-me", quantity: 1000 });
    expect((await provider().call("balance")).balance).toBe("99.00000");
    provider().sim.advance(MINUTE);
    expect(await status(order)).toMatchObject({ status: "Canceled", remains: "1000", charge: "0.00000" });
    expect((await provider().call("balance")).balance).toBe("100.00000");
  });

  it("lets a test force an order's outcome, including after it finished", async () => {
    const { sim } = provider();
    const partial = await add({ service: plain, link: "https://x.test/a", quantity: 1000 });
    const stuck = await add({ service: plain, link: "https://x.test/b", quantity: 1000 });
    const finished = await add({ service: plain, link: "https://x.test/c", quantity: 1000 });
    sim.setOrderOutcome(partial, { status: "Partial", remains: 300 });
    sim.setOrderOutcome(stuck, { status: "In progress" });
    sim.advance(60 * MINUTE);
    expect(await status(partial)).toMatchObject({ status: "Partial", remains: "300", charge: "0.70000" });
    expect(await status(stuck)).toMatchObject({ status: "In progress" });
    expect(await status(finished)).toMatchObject({ status: "Completed" });
    sim.setOrderOutcome(finished, { status: "Canceled" });
    expect(await status(finished)).toMatchObject({ status: "Canceled", remains: "1000" });
  });

  it("ends a deterministic share of unforced orders Partial or Canceled, the same on every run", async () => {
    const run = async (p: SimProvider): Promise<any[]> => {
      const service = p.sim.addService({ name: "Share Views", rate: "1", min: 10, max: 1000 }).service;
      const orders: number[] = [];
      for (let i = 0; i < 80; i++) {
        orders.push((await post(p.url, { key: p.apiKey, action: "add", service, link: `https://x.test/u${i}`, quantity: 100 })).order);
      }
      p.sim.advance(11 * MINUTE);
      const answer = await post(p.url, { key: p.apiKey, action: "status", orders: orders.join(",") });
      return orders.map((id) => answer[id]);
    };
    provider().sim.setOutcomeShares({ partial: 10, canceled: 5 });
    const ended = await run(provider());
    const statuses = ended.map((s) => s.status);
    expect(statuses).toContain("Partial");
    expect(statuses).toContain("Canceled");
    expect(statuses.filter((s) => s === "Completed").length).toBeGreaterThan(60);
    for (const partial of ended.filter((s) => s.status === "Partial")) {
      expect(Number(partial.remains)).toBeGreaterThan(0);
      expect(Number(partial.remains)).toBeLessThan(100);
    }
    const again = await startSimProvider({ clock: () => START, balance: "100" });
    try {
      expect(await run(again)).toEqual(ended);
    } finally {
      await again.close();
    }
  });

  it("runs a drip-feed order for runs × interval", async () => {
    const order = await add({ service: plain, link: "https://x.test/drip", quantity: 100, runs: 3, interval: 60 });
    provider().sim.advance(MINUTE + 179 * MINUTE);
    expect(await status(order)).toMatchObject({ status: "In progress" });
    provider().sim.advance(MINUTE);
    expect(await status(order)).toMatchObject({ status: "Completed", remains: "0" });
  });

  it("refills a Completed order of a refill service and reports the refill's progress", async () => {
    const order = await add({ service: refillable, link: "https://x.test/r", quantity: 100 });
    expect(await provider().call("refill", { order })).toEqual({ error: "Order is not eligible for refill" });
    provider().sim.advance(11 * MINUTE);
    const { refill } = await provider().call("refill", { order });
    expect(refill).toMatch(/^\d+$/);
    expect(await provider().call("refill_status", { refill })).toEqual({ status: "Pending" });
    expect(await provider().call("refill", { order })).toEqual({ error: "Refill request already in progress" });
    provider().sim.advance(11 * MINUTE);
    expect(await provider().call("refill_status", { refill })).toEqual({ status: "Completed" });
    expect(await provider().call("refill_status", { refill: 999 })).toEqual({ error: "Refill not found" });
  });

  it("refills a Partial order but not one of a service without refill", async () => {
    const partial = await add({ service: refillable, link: "https://x.test/partial", quantity: 100 });
    const noRefill = await add({ service: plain, link: "https://x.test/n", quantity: 100 });
    provider().sim.advance(11 * MINUTE);
    expect(await provider().call("refill", { order: partial })).toEqual({ refill: expect.any(String) });
    expect(await provider().call("refill", { order: noRefill })).toEqual({ error: "Refill is disabled for this service" });
  });

  it("answers batch refill and refill_status with a result or an error per id", async () => {
    const ok = await add({ service: refillable, link: "https://x.test/ok", quantity: 100 });
    const no = await add({ service: plain, link: "https://x.test/no", quantity: 100 });
    provider().sim.advance(11 * MINUTE);
    const answer = await provider().call("refill", { orders: `${ok},${no},77` });
    expect(answer).toEqual([
      { order: ok, refill: expect.any(Number) },
      { order: no, refill: { error: "Refill is disabled for this service" } },
      { order: 77, refill: { error: "Incorrect order ID" } },
    ]);
    expect(await provider().call("refill_status", { refills: `${answer[0].refill},555` })).toEqual([
      { refill: answer[0].refill, status: "Pending" },
      { refill: 555, status: { error: "Refill not found" } },
    ]);
  });

  it("cancels only Pending orders of cancel-able services, refunding them", async () => {
    const cancelable = await add({ service: refillable, link: "https://x.test/p1", quantity: 400 });
    const notCancelable = await add({ service: plain, link: "https://x.test/p2", quantity: 400 });
    expect((await provider().call("balance")).balance).toBe("98.60000");
    expect(await provider().call("cancel", { orders: `${cancelable},${notCancelable},31337` })).toEqual([
      { order: cancelable, cancel: 1 },
      { order: notCancelable, cancel: { error: "Cancel is disabled for this service" } },
      { order: 31337, cancel: { error: "Incorrect order ID" } },
    ]);
    expect(await status(cancelable)).toMatchObject({ status: "Canceled", charge: "0.00000" });
    expect((await provider().call("balance")).balance).toBe("99.60000");
    expect(await provider().call("cancel", { orders: String(cancelable) })).toEqual([{ order: cancelable, cancel: { error: "Order cannot be canceled" } }]);
  });

  it("refuses to cancel an order already In progress", async () => {
    const order = await add({ service: refillable, link: "https://x.test/late", quantity: 100 });
    provider().sim.advance(2 * MINUTE);
    expect(await provider().call("cancel", { orders: String(order) })).toEqual([{ order, cancel: { error: "Order cannot be canceled" } }]);
  });

  it("starts from the configured balance, lowers it with each order and can be reset", async () => {
    expect(await provider().call("balance")).toEqual({ balance: "100.00000", currency: "USD" });
    await add({ service: plain, link: "https://x.test/b1", quantity: 1234 });
    await add({ service: refillable, link: "https://x.test/b2", quantity: 10 });
    expect((await provider().call("balance")).balance).toBe("98.74100");
    expect(provider().sim.setBalance("5")).toBe("5.00000");
    expect((await provider().call("balance")).balance).toBe("5.00000");
  });

  it("places several orders through its admin endpoint as as many add calls would, each charged and answered by status", async () => {
    const admin = provider().url.replace(/\/api\/v2$/, "/__sim");
    const res = await fetch(`${admin}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: plain, link: "https://x.test/seed", quantity: 1000, count: 3 }),
    });
    expect(res.status).toBe(201);
    const { orders } = (await res.json()) as { orders: number[] };
    expect(orders).toHaveLength(3);
    expect(orders.map((id) => provider().sim.getOrder(id)?.link)).toEqual(["https://x.test/seed0", "https://x.test/seed1", "https://x.test/seed2"]);
    expect(await provider().call("status", { order: orders[2]! })).toMatchObject({ status: "Pending", remains: "1000", charge: "1.00000" });
    expect((await provider().call("balance")).balance).toBe("97.00000");
    // An unknown service is refused as `add` refuses it, and places nothing.
    const refused = await fetch(`${admin}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: 999_999, link: "https://x.test/none", quantity: 1000, count: 2 }),
    });
    expect(refused.status).toBe(400);
    expect(provider().sim.orderIds()).toHaveLength(3);
  });
});
