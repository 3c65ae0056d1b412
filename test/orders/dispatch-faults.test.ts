import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { dbNow, HOUR } from "../../src/lib/time.ts";
import { formatMoney } from "../../src/money/money.ts";
import { backoffMs } from "../../src/orders/dispatch.ts";
import { HOLD_RETRY_MS } from "../../src/orders/holds.ts";
import type { FaultKind } from "../../src/provider-sim/faults.ts";
import { startSimProvider } from "../../src/provider-sim/server.ts";
import {
  addCalls,
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
  PROVIDER_KEY,
  runDispatch,
  type World,
} from "./support.ts";

/**
 * Each answer a panel (or the Cloudflare edge in front of it) can give to `add`, driven through a
 * real order placed over HTTP against the simulated panel on loopback: afterwards the panel holds at
 * most one order for ours, the order is where the classification says, and the ledger holds.
 */
describeEachDialect("dispatch against every kind of provider answer", (dialect) => {
  let w: World;
  let svc: { id: number; simId: number };
  let adminId: number;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    svc = await addService(w, { rate: "1000" });
    adminId = (await fundedUser(w, "0")).user.id;
    await w.p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", adminId).execute();
  });
  afterEach(async () => {
    w.sim.sim.clearFaults();
    await expectLedgerHolds(w);
  });
  afterAll(() => closeWorld(w));

  const panelOrders = (link: string) => w.sim.sim.orderIds().filter((id) => w.sim.sim.getOrder(id)!.link === link).length;
  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund");
  const adminNotices = (type: string) =>
    w.p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", adminId).where("type", "=", type).execute();
  const openIncidents = () => w.p.services.db.selectFrom("provider_incidents").selectAll().where("open_provider_id", "=", w.providerId).execute();

  // The panel may have acted: held as unknown, never re-sent. `acted`: the simulated panel did create the order.
  const mayHaveActed: [FaultKind, boolean][] = [
    ["http500", false],
    ["http503", true],
    ["http504", true],
    ["cf520", true],
    ["cf524", true],
    ["origin502", true],
    ["emptyBody", true],
    ["nonJson", true],
    ["badjson", false],
    ["orderZero", true],
    ["truncated", true],
    ["resetAfterRequest", true],
    ["hugeBody", true],
  ];
  for (const [kind, acted] of mayHaveActed) {
    it(`${kind}: the order is held as unknown and never sent again (${acted ? "one" : "no"} order on the panel)`, async () => {
      const u = await fundedUser(w, "1000");
      const link = `https://x.test/unknown-${kind}`;
      w.sim.sim.setFault({ action: "add", kind, times: 1, ...(kind === "hugeBody" ? { bytes: 3 * 1024 * 1024 } : {}) });
      const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
      expect(r.status).toBe(201);
      const row = await orderRow(w, r.order.uuid);
      expect(row).toMatchObject({ dispatch_state: "unknown", status: "pending", provider_order_id: null });
      expect(row.last_error).toMatch(/^Outcome unknown, held for reconciliation/);
      expect(panelOrders(link)).toBe(acted ? 1 : 0);
      const calls = await addCalls(w);
      // Long after any backoff, with the panel healthy again: nothing is re-sent.
      w.clock.advance(2 * HOUR);
      await runDispatch(w);
      await runDispatch(w);
      expect(await addCalls(w)).toBe(calls);
      expect(panelOrders(link)).toBe(acted ? 1 : 0);
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "unknown", status: "pending" });
      expect(await balanceOf(w, u.user.id)).toBe(money("900"));
      expect(await refunds(u.user.id)).toEqual([]);
    });
  }

  // Nothing reached the panel: retried after the backoff, and the panel ends with exactly one order.
  const notReached: FaultKind[] = ["cf502", "cf521", "cf522", "cf523", "http429"];
  for (const kind of notReached) {
    it(`${kind}: nothing reached the panel; the order is retried and placed exactly once`, async () => {
      const u = await fundedUser(w, "1000");
      const link = `https://x.test/transient-${kind}`;
      w.sim.sim.setFault({ action: "add", kind, times: 1 });
      const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "queued", status: "pending", dispatch_attempts: 1 });
      expect(panelOrders(link)).toBe(0);
      w.clock.advance(backoffMs(1));
      await runDispatch(w);
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "sent", status: "processing" });
      await runDispatch(w);
      expect(panelOrders(link)).toBe(1);
      expect(await balanceOf(w, u.user.id)).toBe(money("900"));
    });
  }

  it("a TLS handshake that fails and a name that does not resolve are transient: retried, placed once", async () => {
    const u = await fundedUser(w, "2000");
    const port = new URL(w.sim.url).port;
    for (const url of [`https://127.0.0.1:${port}/api/v2`, "http://panel.invalid/api/v2"]) {
      await w.p.services.db.updateTable("api_providers").set({ url }).where("id", "=", w.providerId).execute();
      const link = `https://x.test/not-connected-${url.slice(0, 5)}`;
      const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "queued", status: "pending" });
      await w.p.services.db.updateTable("api_providers").set({ url: w.sim.url }).where("id", "=", w.providerId).execute();
      w.clock.advance(backoffMs(1));
      await runDispatch(w);
      expect((await orderRow(w, r.order.uuid)).dispatch_state).toBe("sent");
      expect(panelOrders(link)).toBe(1);
    }
  });

  it("an error text about the order, or one nobody can classify, refunds at once", async () => {
    for (const message of ["Incorrect link", "Something odd happened"]) {
      const u = await fundedUser(w, "1000");
      w.sim.sim.setFault({ action: "add", kind: "error", message, times: 1 });
      const r = await place(w, u.token, { service_id: svc.id, link: `https://x.test/refused-${message.length}`, quantity: 100 });
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "failed", status: "failed" });
      expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    }
    expect(await openIncidents()).toEqual([]);
  });

  // Refusals about the provider: held pending (no refund), admins told once with the balance, sent once the cause clears.
  const aboutTheProvider: FaultKind[] = ["errorFunds", "errorKey", "errorRateLimit", "errorMaintenance", "redirectOtherHost"];
  for (const kind of aboutTheProvider) {
    it(`${kind}: orders are held without refund, the admins are told once, and they go out once the cause clears`, async () => {
      const elsewhere = kind === "redirectOtherHost" ? await startSimProvider({ apiKey: PROVIDER_KEY }) : null;
      try {
        const u = await fundedUser(w, "1000");
        const notices = (await adminNotices("provider_hold")).length;
        w.sim.sim.setFault({ action: "add", kind, ...(elsewhere ? { location: elsewhere.url } : {}) });
        const n = aboutTheProvider.indexOf(kind);
        const links = [`https://x.test/wait-${n}-1`, `https://x.test/wait-${n}-2`];
        const first = await place(w, u.token, { service_id: svc.id, link: links[0], quantity: 100 });
        const second = await place(w, u.token, { service_id: svc.id, link: links[1], quantity: 100 });
        for (const o of [first, second]) {
          const row = await orderRow(w, o.order.uuid);
          expect(row).toMatchObject({ dispatch_state: "queued", status: "pending", dispatch_attempts: 0 });
          expect(row.held_since).toBe(dbNow(w.clock));
          expect(row.last_error).toMatch(/^Held, the provider refuses orders/);
          // The customer sees a pending order, nothing of the panel's text.
          const seen = await body(await w.p.request(`/api/user/orders/${o.order.uuid}`, { token: u.token }));
          expect(seen.data.status).toBe("pending");
          expect(JSON.stringify(seen)).not.toMatch(/held|refuse|funds|API key|maintenance|too many|redirect/i);
        }
        expect(await balanceOf(w, u.user.id)).toBe(money("800"));
        expect(panelOrders(links[0]!) + panelOrders(links[1]!)).toBe(0);
        const told = (await adminNotices("provider_hold")).slice(notices);
        expect(told.length).toBe(1);
        const balance = w.sim.sim.balance();
        expect(told[0]!.body).toContain(`${formatMoney(money(balance))} USD`);
        expect(await openIncidents()).toMatchObject([{ provider_balance: money(balance), provider_currency: "USD" }]);
        if (elsewhere) expect(elsewhere.sim.orderIds()).toEqual([]);

        // Still refused on the next try: held again, no second notice.
        w.clock.advance(HOLD_RETRY_MS);
        const again = await runDispatch(w);
        expect(again.held).toBe(1);
        expect((await adminNotices("provider_hold")).length).toBe(notices + 1);

        w.sim.sim.clearFaults();
        w.clock.advance(HOLD_RETRY_MS);
        await runDispatch(w);
        await runDispatch(w);
        for (const o of [first, second])
          expect(await orderRow(w, o.order.uuid)).toMatchObject({ dispatch_state: "sent", status: "processing", held_since: null });
        expect(panelOrders(links[0]!)).toBe(1);
        expect(panelOrders(links[1]!)).toBe(1);
        expect(await openIncidents()).toEqual([]);
        expect((await adminNotices("provider_hold_cleared")).length).toBeGreaterThan(0);
        expect(await refunds(u.user.id)).toEqual([]);
        if (elsewhere) expect(elsewhere.sim.orderIds()).toEqual([]);
      } finally {
        await elsewhere?.close();
      }
    });
  }

  it("held orders are refunded once the provider stays refused past provider_hold_hours", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "errorFunds" });
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/held-too-long", quantity: 100 });
    expect((await orderRow(w, r.order.uuid)).dispatch_state).toBe("queued");
    w.clock.advance(23 * HOUR);
    const early = await runDispatch(w);
    expect(early.expired).toBe(0);
    expect((await orderRow(w, r.order.uuid)).status).toBe("pending");
    w.clock.advance(HOUR);
    const late = await runDispatch(w);
    expect(late.expired).toBe(1);
    expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "failed", status: "failed" });
    await runDispatch(w);
    expect((await refunds(u.user.id)).map((t) => Number(t.amount))).toEqual([money("100")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect(w.sim.sim.orderIds().some((id) => w.sim.sim.getOrder(id)!.link === "https://x.test/held-too-long")).toBe(false);
    // The provider comes back: the incident closes with the next order it accepts.
    w.sim.sim.clearFaults();
    await place(w, u.token, { service_id: svc.id, link: "https://x.test/after-hold", quantity: 100 });
    expect(await openIncidents()).toEqual([]);
  });
});
