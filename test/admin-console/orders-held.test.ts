import { plainSpaces } from "../harness/money.ts";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { csrfFrom } from "../storefront/helpers.ts";
import {
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  fundedUser,
  money,
  orderRow,
  orderWorld,
  place,
  runDispatch,
  type World,
} from "../orders/support.ts";
import { staffJar, visit } from "./helpers.ts";
import { confirmFields, postForm } from "./order-forms.ts";

// Orders held because their provider refuses orders (out of funds here): its own world, since the provider's incident stays open.
describeEachDialect("admin console: orders held by their provider", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("the held queue refunds the ticked orders after a confirmation, and re-sends one now once the provider takes orders again", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "errorFunds" });
    const placed = [];
    for (const link of ["https://x.test/held-a", "https://x.test/held-b"]) {
      const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
      placed.push(await orderRow(w, r.order.uuid));
    }
    const [a, b] = placed as [(typeof placed)[0], (typeof placed)[0]];
    expect(a).toMatchObject({ dispatch_state: "queued", status: "pending" });
    expect(a.held_since).not.toBeNull();

    const admin = await staffJar(w.p, "admin");
    const queue = await visit(w.p, admin.jar, "/admin/orders?dispatch=held&lang=en");
    expect(queue.html).toContain(`name="order_ids" value="${a.id}"`);
    expect(queue.html).toContain(`name="order_ids" value="${b.id}"`);
    const ask = await postForm(w.p, admin.jar, "/admin/orders/reconcile", {
      _csrf: csrfFrom(queue.html),
      queue: "held",
      action: "refund",
      order_ids: [String(a.id)],
    });
    expect(ask.res.status).toBe(200);
    expect(plainSpaces(ask.html)).toContain("F CFA 100");
    expect(await balanceOf(w, u.user.id)).toBe(money("800"));
    const done = await postForm(w.p, admin.jar, "/admin/orders/reconcile", confirmFields(ask.html));
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toMatch(/^\/admin\/orders\?dispatch=held&done=bulk&settled=1/);
    expect(await orderRow(w, a.uuid)).toMatchObject({ status: "failed", dispatch_state: "failed" });
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
    expect(await auditRows(w.p, "order.reconcile.refund", a.id)).toHaveLength(1);

    const held = await visit(w.p, admin.jar, `/admin/orders/${b.id}`);
    expect(held.html).toContain("Try again now");
    expect(held.html).not.toContain('name="provider_order_id"');
    // The provider's order number means nothing for an order it never took.
    const login = await w.p.request("/api/login", { method: "POST", json: { login: admin.user.email, password: admin.password } });
    const token = (await body(login)).data.token as string;
    const marked = await w.p.request(`/api/admin/orders/${b.id}/reconcile`, { method: "POST", token, json: { action: "mark_sent", provider_order_id: "1" } });
    expect(marked.status).toBe(409);

    w.sim.sim.clearFaults();
    const resent = await w.p.request(`/api/admin/orders/${b.id}/reconcile`, { method: "POST", token, json: { action: "resend" } });
    expect(resent.status).toBe(200);
    await runDispatch(w);
    expect(await orderRow(w, b.uuid)).toMatchObject({ dispatch_state: "sent", status: "processing" });
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });
});
