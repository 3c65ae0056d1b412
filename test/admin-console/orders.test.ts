import { plainSpaces } from "../harness/money.ts";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { csrfFrom, insertSite, type Jar, post } from "../storefront/helpers.ts";
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
  type World,
} from "../orders/support.ts";
import { dbNow } from "../../src/lib/time.ts";
import { staffJar, visit } from "./helpers.ts";
import { confirmFields, postForm } from "./order-forms.ts";

const HOST = "izyboost.test";

describeEachDialect("admin console: orders", (dialect) => {
  let w: World;
  let svc: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    svc = await addService(w, { rate: "1000", providerRate: "1" });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  const postMany = (path: string, jar: Jar, fields: Record<string, string | string[]>) => postForm(w.p, jar, path, fields);

  /** A staff member signed in through the form, reading the console in English. */
  const staff = async (role: "admin" | "support") => {
    const s = await staffJar(w.p, role);
    await visit(w.p, s.jar, "/admin/orders?lang=en");
    return s;
  };

  const placed = async (token: string, link: string, quantity = 100) => {
    const r = await place(w, token, { service_id: svc.id, link, quantity });
    expect(r.status).toBe(201);
    return orderRow(w, r.order.uuid);
  };
  const unknownOrder = async (token: string, link: string) => {
    w.sim.sim.setFault({ action: "add", kind: "badjson", times: 1 });
    const row = await placed(token, link);
    expect(row.dispatch_state).toBe("unknown");
    return row;
  };
  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund").map((t) => Number(t.amount));

  it("admins list orders with filters kept in the URL, find one by number or link, and open it with its provider calls and history", async () => {
    const u = await fundedUser(w, "5000");
    const a = await placed(u.token, "https://x.test/console-list-a", 1000);
    await placed(u.token, "https://x.test/console-list-b");
    const admin = await staff("admin");
    const list = await visit(w.p, admin.jar, `/admin/orders?user=${u.user.id}&status=processing&page=1`);
    expect(list.res.status).toBe(200);
    expect(list.html).toContain("console-list-a");
    expect(list.html).toContain("console-list-b");
    expect(list.html).toContain(`value="${u.user.id}"`);
    const found = await visit(w.p, admin.jar, `/admin/orders?search=${a.id}`);
    expect(found.html).toContain(`/admin/orders/${a.id}"`);
    expect(found.html).not.toContain("console-list-b");
    expect((await visit(w.p, admin.jar, "/admin/orders?search=console-list-b")).html).not.toContain("console-list-a");
    const byName = await visit(w.p, admin.jar, `/admin/orders?user=${u.user.username}`);
    expect(byName.html).toContain("2 order(s)");
    expect(byName.html).toContain(`value="${u.user.username}"`);
    // A wrong filter is dropped, not a 500 or a refusal of the page.
    expect((await visit(w.p, admin.jar, "/admin/orders?status=lost&from=yesterday")).res.status).toBe(200);

    const detail = await visit(w.p, admin.jar, `/admin/orders/${a.id}`);
    expect(detail.res.status).toBe(200);
    expect(detail.html).toContain("https://x.test/console-list-a");
    expect(detail.html).toContain("[redacted]");
    expect(detail.html).not.toContain("orders-provider-key");
    expect(detail.html).toContain('action="/admin/orders/' + a.id + '/refund"');
    // Money in the currency's units, in the page's language.
    expect(plainSpaces(detail.html)).toContain("F CFA 1,000");
    expect((await visit(w.p, admin.jar, "/admin/orders/999999999")).res.status).toBe(404);
  });

  it("a refund shows its amount to confirm, runs once under a double submit, is audited; refusals name their field and keep the input", async () => {
    const u = await fundedUser(w, "1000");
    const o = await placed(u.token, "https://x.test/console-refund");
    const admin = await staff("admin");
    const page = await visit(w.p, admin.jar, `/admin/orders/${o.id}`);
    const csrf = csrfFrom(page.html);

    const tooMuch = await post(w.p, HOST, `/admin/orders/${o.id}/refund`, admin.jar, { _csrf: csrf, amount: "5000", reason: "Kept reason" });
    expect(tooMuch.res.status).toBe(422);
    expect(tooMuch.html).toContain('id="f-amount-error"');
    expect(tooMuch.html).toContain('value="5000"');
    expect(tooMuch.html).toContain('value="Kept reason"');
    const noReason = await post(w.p, HOST, `/admin/orders/${o.id}/refund`, admin.jar, { _csrf: csrf, amount: "40", reason: "x" });
    expect(noReason.res.status).toBe(422);
    expect(noReason.html).toContain('id="f-reason-error"');

    const ask = await post(w.p, HOST, `/admin/orders/${o.id}/refund`, admin.jar, { _csrf: csrf, amount: "40", reason: "Slow start" });
    expect(ask.res.status).toBe(200);
    expect(plainSpaces(ask.html)).toContain("F CFA 40");
    expect(ask.html).toContain("Partial refund");
    expect(await refunds(u.user.id)).toEqual([]);
    const fields = confirmFields(ask.html);
    expect(fields).toMatchObject({ confirm: "1", amount: "40", reason: "Slow start" });
    const first = await postMany(`/admin/orders/${o.id}/refund`, admin.jar, fields);
    expect(first.res.status).toBe(303);
    expect(first.res.headers.get("location")).toBe(`/admin/orders/${o.id}?done=refunded`);
    const again = await postMany(`/admin/orders/${o.id}/refund`, admin.jar, fields);
    expect(again.res.status).toBe(303);
    expect(await refunds(u.user.id)).toEqual([money("40")]);
    expect(await auditRows(w.p, "order.refund", o.id)).toHaveLength(1);
    const after = await visit(w.p, admin.jar, `/admin/orders/${o.id}?done=refunded`);
    expect(after.html).toContain("Refund done.");
    expect(after.html).toContain(`Refund by ${admin.user.username}`);

    // In French, the confirmation speaks French and the amount is in French units.
    const fr = await post(w.p, HOST, `/admin/orders/${o.id}/refund?lang=fr`, admin.jar, { _csrf: csrf, reason: "Tout rendre" });
    expect(plainSpaces(fr.html)).toMatch(/Rembourser 60 F CFA/);
  });

  it("a status that refunds asks for confirmation with the amount; one that does not runs at once", async () => {
    const u = await fundedUser(w, "1000");
    const o = await placed(u.token, "https://x.test/console-status");
    const admin = await staff("admin");
    const csrf = csrfFrom((await visit(w.p, admin.jar, `/admin/orders/${o.id}`)).html);
    const noRemains = await post(w.p, HOST, `/admin/orders/${o.id}/status`, admin.jar, { _csrf: csrf, status: "partial", remains: "", note: "kept note" });
    expect(noRemains.res.status).toBe(422);
    expect(noRemains.html).toContain('id="f-remains-error"');
    expect(noRemains.html).toContain('value="kept note"');

    const progress = await post(w.p, HOST, `/admin/orders/${o.id}/status`, admin.jar, { _csrf: csrf, status: "in_progress" });
    expect(progress.res.status).toBe(303);
    expect((await orderRow(w, o.uuid)).status).toBe("in_progress");

    const ask = await post(w.p, HOST, `/admin/orders/${o.id}/status`, admin.jar, { _csrf: csrf, status: "partial", remains: "25" });
    expect(ask.res.status).toBe(200);
    expect(plainSpaces(ask.html)).toContain("F CFA 25");
    expect((await orderRow(w, o.uuid)).status).toBe("in_progress");
    const done = await postMany(`/admin/orders/${o.id}/status`, admin.jar, confirmFields(ask.html));
    expect(done.res.status).toBe(303);
    expect(await orderRow(w, o.uuid)).toMatchObject({ status: "partial", refunded: money("25") });
    expect(await auditRows(w.p, "order.status", o.id)).toHaveLength(2);
    // A closed order's status no longer changes: said in words, not as an error page.
    const cancel = await postMany(`/admin/orders/${o.id}/status`, admin.jar, {
      ...confirmFields((await post(w.p, HOST, `/admin/orders/${o.id}/status`, admin.jar, { _csrf: csrf, status: "canceled" })).html),
    });
    expect(cancel.res.status).toBe(303);
    const closed = await post(w.p, HOST, `/admin/orders/${o.id}/status`, admin.jar, { _csrf: csrf, status: "completed" });
    expect(closed.res.status).toBe(409);
    expect(closed.html).toContain("This order is closed");
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("the dashboard's link opens the reconciliation queue; one order is marked sent with the provider's number", async () => {
    const u = await fundedUser(w, "1000");
    const o = await unknownOrder(u.token, "https://x.test/console-mark");
    const admin = await staff("admin");
    const dash = await visit(w.p, admin.jar, "/admin");
    expect(dash.html).toContain('href="/admin/orders?dispatch=unknown"');
    const queue = await visit(w.p, admin.jar, "/admin/orders?dispatch=unknown");
    expect(queue.html).toContain(`name="order_ids" value="${o.id}"`);
    expect(queue.html).toContain('aria-current="page">To reconcile');
    const csrf = csrfFrom(queue.html);
    const missing = await post(w.p, HOST, `/admin/orders/${o.id}/reconcile`, admin.jar, { _csrf: csrf, action: "mark_sent", provider_order_id: "" });
    expect(missing.res.status).toBe(422);
    expect(missing.html).toContain('id="f-provider-order-error"');
    const detail = await visit(w.p, admin.jar, `/admin/orders/${o.id}`);
    const key = /name="action" value="mark_sent">\s*<input type="hidden" name="idempotency_key" value="([^"]+)"/.exec(detail.html)?.[1];
    expect(key).toBeTruthy();
    const mark = { _csrf: csrf, action: "mark_sent", provider_order_id: "77123", idempotency_key: key! };
    const marked = await post(w.p, HOST, `/admin/orders/${o.id}/reconcile`, admin.jar, mark);
    expect(marked.res.status).toBe(303);
    // A double submit of the same form replays the first answer instead of refusing.
    const twice = await post(w.p, HOST, `/admin/orders/${o.id}/reconcile`, admin.jar, mark);
    expect(twice.res.status).toBe(303);
    expect(twice.res.headers.get("location")).toBe(`/admin/orders/${o.id}?done=reconciled`);
    const reused = await post(w.p, HOST, `/admin/orders/${o.id}/reconcile`, admin.jar, { ...mark, provider_order_id: "99999" });
    expect(reused.res.status).toBe(422);
    expect(reused.html).toContain("This form was already used for something else");
    expect(await orderRow(w, o.uuid)).toMatchObject({ dispatch_state: "sent", provider_order_id: "77123" });
    expect(await auditRows(w.p, "order.reconcile.mark_sent", o.id)).toHaveLength(1);
    expect((await visit(w.p, admin.jar, `/admin/orders/${o.id}`)).html).toContain("77123");
  });

  it("several held orders are refunded together after a confirmation listing each and the total, once however often it is sent", async () => {
    const u = await fundedUser(w, "1000");
    const a = await unknownOrder(u.token, "https://x.test/console-bulk-a");
    const b = await unknownOrder(u.token, "https://x.test/console-bulk-b");
    const admin = await staff("admin");
    const queue = await visit(w.p, admin.jar, "/admin/orders?dispatch=unknown");
    const csrf = csrfFrom(queue.html);
    const none = await postMany("/admin/orders/reconcile", admin.jar, { _csrf: csrf, action: "refund" });
    expect(none.res.status).toBe(422);
    expect(none.html).toContain('id="f-order_ids-error"');

    const ask = await postMany("/admin/orders/reconcile", admin.jar, { _csrf: csrf, action: "refund", order_ids: [String(a.id), String(b.id)] });
    expect(ask.res.status).toBe(200);
    expect(ask.html).toContain(`No. ${a.id}`);
    expect(ask.html).toContain(`No. ${b.id}`);
    expect(plainSpaces(ask.html)).toContain("F CFA 200");
    expect(await balanceOf(w, u.user.id)).toBe(money("800"));
    const fields = confirmFields(ask.html);
    expect(fields.order_ids).toEqual([String(a.id), String(b.id)]);
    const done = await postMany("/admin/orders/reconcile", admin.jar, fields);
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toContain("settled=2");
    const twice = await postMany("/admin/orders/reconcile", admin.jar, fields);
    expect(twice.res.status).toBe(303);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect(await refunds(u.user.id)).toHaveLength(2);
    expect(await auditRows(w.p, "order.reconcile.refund", a.id)).toHaveLength(1);
    expect((await orderRow(w, b.uuid)).status).toBe("failed");
    // A fresh confirmation of the same orders finds them settled: nothing more is refunded.
    const late = await postMany("/admin/orders/reconcile", admin.jar, { _csrf: csrf, action: "refund", order_ids: [String(a.id)] });
    expect(late.html).toContain("already settled");
  });

  it("the admin API settles several held orders in one call, the same verb as the console", async () => {
    const u = await fundedUser(w, "1000");
    const a = await unknownOrder(u.token, "https://x.test/api-bulk-a");
    const b = await placed(u.token, "https://x.test/api-bulk-b");
    const admin = await staff("admin");
    const login = await w.p.request("/api/login", { method: "POST", json: { login: admin.user.email, password: admin.password } });
    const token = (await body(login)).data.token as string;
    const res = await w.p.request("/api/admin/orders/reconcile", { method: "POST", token, json: { order_ids: [a.id, b.id], action: "resend" } });
    expect(res.status).toBe(200);
    const results = ((await res.json()) as { data: { id: number; done: boolean; code?: string }[] }).data;
    expect(results).toEqual([
      { id: a.id, done: true },
      { id: b.id, done: false, code: "not_reconcilable", message: expect.any(String) },
    ]);
    expect((await orderRow(w, a.uuid)).dispatch_state).not.toBe("unknown");
    const history = await body(await w.p.request(`/api/admin/orders/${a.id}`, { token }));
    expect(history.data.history).toMatchObject([{ action: "order.reconcile.resend" }]);
  });

  it("support staff read the list and an order without any action, and every action they post is refused", async () => {
    const u = await fundedUser(w, "1000");
    const o = await unknownOrder(u.token, "https://x.test/console-support");
    const support = await staff("support");
    const queue = await visit(w.p, support.jar, "/admin/orders?dispatch=unknown");
    expect(queue.res.status).toBe(200);
    expect(queue.html).toContain("console-support");
    expect(queue.html).not.toContain('name="order_ids"');
    const detail = await visit(w.p, support.jar, `/admin/orders/${o.id}`);
    expect(detail.res.status).toBe(200);
    expect(detail.html).not.toContain(`action="/admin/orders/${o.id}/`);
    expect(detail.html).toContain("Your role lets you read orders");
    const csrf = csrfFrom(queue.html);
    for (const [path, fields] of [
      [`/admin/orders/${o.id}/refund`, { reason: "not allowed", confirm: "1" }],
      [`/admin/orders/${o.id}/status`, { status: "canceled", confirm: "1" }],
      [`/admin/orders/${o.id}/reconcile`, { action: "refund", confirm: "1" }],
      ["/admin/orders/reconcile", { action: "refund", order_ids: String(o.id), confirm: "1" }],
    ] as const) {
      const res = await post(w.p, HOST, path, support.jar, { _csrf: csrf, ...fields });
      expect(res.res.status, path).toBe(403);
    }
    expect(await refunds(u.user.id)).toEqual([]);
    expect((await orderRow(w, o.uuid)).dispatch_state).toBe("unknown");
  });

  it("a site customer's order never shows on the platform's console; the site filter lists the platform orders fulfilling it; no console on a site host", async () => {
    const { site, owner, host } = await insertSite(w.p);
    const customer = await fundedUser(w, "0");
    const siteOrder = await insertOrderRow(w.p, customer.user.id, { site_id: site.id, link: "https://x.test/site-customer-secret" });
    const fulfilling = await insertOrderRow(w.p, owner.user.id, { link: "https://x.test/site-fulfilling" });
    await w.p.services.db
      .insertInto("site_orders")
      .values({
        site_id: site.id,
        customer_order_id: siteOrder.id,
        platform_order_id: fulfilling.id,
        site_price: 2,
        reseller_cost: 1,
        profit: 1,
        created_at: dbNow(w.p.services.clock),
        updated_at: dbNow(w.p.services.clock),
      })
      .execute();
    const admin = await staff("admin");
    const searched = await visit(w.p, admin.jar, "/admin/orders?search=site-customer-secret");
    expect(searched.html).toContain("0 order(s)");
    expect(searched.html).not.toContain(">https://x.test/site-customer-secret<");
    expect((await visit(w.p, admin.jar, `/admin/orders/${siteOrder.id}`)).res.status).toBe(404);
    const bySite = await visit(w.p, admin.jar, `/admin/orders?site=${site.id}`);
    expect(bySite.html).toContain(">https://x.test/site-fulfilling<");
    expect(bySite.html).toContain("1 order(s)");
    expect(bySite.html).toContain('class="admin-list admin-orders"');
    expect(bySite.html).not.toContain("console-list-a");
    expect((await visit(w.p, admin.jar, "/admin/orders", host)).res.status).toBe(404);
    expect((await visit(w.p, admin.jar, `/admin/orders/${fulfilling.id}`, host)).res.status).toBe(404);
  });
});
