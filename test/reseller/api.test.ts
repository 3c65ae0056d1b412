import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { parseMoney } from "../../src/money/money.ts";
import {
  activeMethod,
  api,
  auditRows,
  balanceOf,
  customerOf,
  customerOrder,
  customerTicket,
  expectLedgerHolds,
  insertService,
  pendingDeposit,
  resellerSite,
  whiteLabelPlatform,
  type Reseller,
} from "./helpers.ts";

describeEachDialect("reseller management API", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let service: { id: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    service = await insertService(p, { rate: "1000" });
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  const get = async (r: Reseller, path: string) => {
    const res = await p.request(api(r, path), { token: r.token });
    return { status: res.status, body: await body(res) };
  };
  const send = async (r: Reseller, method: string, path: string, json?: unknown) => {
    const res = await p.request(api(r, path), { method, token: r.token, json: json ?? {} });
    return { status: res.status, body: await body(res) };
  };

  it("lists the site's customers with search, balance, orders count and ban state, and shows one customer", async () => {
    const r = await resellerSite(p);
    const awa = await customerOf(p, r, "2500");
    const ben = await customerOf(p, r);
    await customerOrder(p, r, awa, service.id);
    const list = await get(r, "/customers?per_page=10");
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, per_page: 10, total: 2 });
    const row = list.body.data.find((c: { id: number }) => c.id === awa.id);
    expect(row).toMatchObject({ username: awa.username, email: awa.email, orders_count: 1, is_banned: false });
    expect(parseMoney(row.balance)).toBe(parseMoney("2500")! - parseMoney("1300")!);
    expect(row.joined_at).toMatch(/Z$/);
    expect(row).not.toHaveProperty("password_hash");

    const found = await get(r, `/customers?search=${encodeURIComponent(ben.username)}`);
    expect(found.body.data.map((c: { id: number }) => c.id)).toEqual([ben.id]);
    const none = await get(r, "/customers?search=%25");
    expect(none.body.meta.total).toBe(0);

    const one = await get(r, `/customers/${awa.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ id: awa.id, orders_count: 1, stats: { orders_count: 1, total_spent: "1300.00" } });
    expect((await get(r, "/customers/999999999")).status).toBe(404);
    expect((await get(r, "/customers/abc")).status).toBe(404);
  });

  it("adjusts a customer's site balance up and down as ledger adjustments, refuses going below zero, and audits with the site id", async () => {
    const r = await resellerSite(p);
    const c = await customerOf(p, r);
    const up = await send(r, "POST", `/customers/${c.id}/adjust-balance`, { amount: "1200", reason: "Geste commercial" });
    expect(up.status).toBe(200);
    expect(up.body.data).toMatchObject({ amount: "1200.00", balance_before: "0.00", balance_after: "1200.00" });
    const down = await send(r, "POST", `/customers/${c.id}/adjust-balance`, { amount: "-200", reason: "Correction" });
    expect(down.status).toBe(200);
    expect(await balanceOf(p, c.id)).toBe(parseMoney("1000"));

    const tooMuch = await send(r, "POST", `/customers/${c.id}/adjust-balance`, { amount: "-1001", reason: "Correction" });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe("insufficient_balance");
    const bad = await send(r, "POST", `/customers/${c.id}/adjust-balance`, { amount: "abc", reason: "x" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["amount", "reason"]);
    expect(await balanceOf(p, c.id)).toBe(parseMoney("1000"));

    const rows = await p.services.db.selectFrom("transactions").selectAll().where("user_id", "=", c.id).orderBy("id").execute();
    expect(rows.map((t) => [t.type, t.amount, t.site_id])).toEqual([
      ["adjustment", parseMoney("1200"), r.tenant.siteId],
      ["adjustment", -parseMoney("200")!, r.tenant.siteId],
    ]);
    const audits = await auditRows(p, "user.adjust_balance", c.id);
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.site_id === r.tenant.siteId && a.actor_id === r.user.id)).toBe(true);
    await expectLedgerHolds(p);
  });

  it("an adjustment replays with the same Idempotency-Key instead of crediting twice", async () => {
    const r = await resellerSite(p);
    const c = await customerOf(p, r);
    const headers = { "idempotency-key": `adj-${c.id}` };
    const first = await p.request(api(r, `/customers/${c.id}/adjust-balance`), {
      method: "POST",
      token: r.token,
      headers,
      json: { amount: "300", reason: "Bonus fidélité" },
    });
    const again = await p.request(api(r, `/customers/${c.id}/adjust-balance`), {
      method: "POST",
      token: r.token,
      headers,
      json: { amount: "300", reason: "Bonus fidélité" },
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await balanceOf(p, c.id)).toBe(parseMoney("300"));
  });

  it("bans and unbans a customer, ending their sessions, audited with the site id", async () => {
    const r = await resellerSite(p);
    const c = await customerOf(p, r);
    const ban = await send(r, "POST", `/customers/${c.id}/toggle-ban`, { reason: "Fraude" });
    expect(ban.status).toBe(200);
    expect(ban.body.data).toMatchObject({ id: c.id, is_banned: true, ban_reason: "Fraude" });
    const unban = await send(r, "POST", `/customers/${c.id}/toggle-ban`);
    expect(unban.body.data.is_banned).toBe(false);
    const audits = [...(await auditRows(p, "user.ban", c.id)), ...(await auditRows(p, "user.unban", c.id))];
    expect(audits.map((a) => a.site_id)).toEqual([r.tenant.siteId, r.tenant.siteId]);
  });

  it("lists deposits by status and approves one once: the customer is credited once and told in their language", async () => {
    const r = await resellerSite(p);
    const method = await activeMethod(p, r);
    const c = await customerOf(p, r);
    await p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", c.id).execute();
    const dep = await pendingDeposit(p, r, c, method.id, "5000");
    const other = await pendingDeposit(p, r, c, method.id, "700");

    const pending = await get(r, "/deposits?status=pending");
    expect(pending.status).toBe(200);
    expect(pending.body.data.map((d: { id: number }) => d.id).sort()).toEqual([dep.id, other.id].sort());
    expect(pending.body.data[0]).toMatchObject({ type: "deposit", status: "pending", user: { id: c.id, username: c.username } });
    expect((await get(r, "/deposits?status=nope")).status).toBe(422);

    const ok = await send(r, "POST", `/deposits/${dep.id}/verify`, { action: "approve" });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ status: "completed", amount: "5000.00" });
    const twice = await send(r, "POST", `/deposits/${dep.id}/verify`, { action: "approve" });
    expect(twice.status).toBe(409);
    expect(await balanceOf(p, c.id)).toBe(parseMoney("5000"));

    const rejected = await send(r, "POST", `/deposits/${other.id}/verify`, { action: "reject", note: "Référence introuvable" });
    expect(rejected.body.data.status).toBe("failed");
    expect(await balanceOf(p, c.id)).toBe(parseMoney("5000"));
    expect((await get(r, "/deposits?status=completed")).body.data.map((d: { id: number }) => d.id)).toEqual([dep.id]);

    const notes = await p.services.db.selectFrom("notifications").select(["type", "title"]).where("user_id", "=", c.id).orderBy("id").execute();
    expect(notes).toEqual([
      { type: "deposit_approved", title: "Deposit approved" },
      { type: "deposit_rejected", title: "Deposit rejected" },
    ]);
    const audits = await auditRows(p, "deposit.approve", dep.id);
    expect(audits.map((a) => [a.site_id, a.actor_id])).toEqual([[r.tenant.siteId, r.user.id]]);
    await expectLedgerHolds(p);
  });

  it("lists the site's customer orders with site price, reseller cost and profit, filters by status and shows one", async () => {
    const r = await resellerSite(p);
    const c = await customerOf(p, r, "10000");
    const { order, fulfil } = await customerOrder(p, r, c, service.id, 2000);
    await p.services.db.updateTable("orders").set({ status: "completed" }).where("id", "=", order.id).execute();
    await customerOrder(p, r, c, service.id, 1000);

    const list = await get(r, "/orders?per_page=5");
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, per_page: 5, total: 2 });
    const done = await get(r, "/orders?status=completed");
    expect(done.body.data).toHaveLength(1);
    // Site price at the default 30 % margin over the reseller's cost (the platform price).
    expect(done.body.data[0]).toMatchObject({
      uuid: order.uuid,
      customer: { id: c.id, username: c.username },
      quantity: 2000,
      status: "completed",
      site_price: "2600.00",
      reseller_cost: "2000.00",
      profit: "600.00",
      net_profit: "600.00",
      platform_order_uuid: fulfil.uuid,
    });
    const one = await get(r, `/orders/${order.uuid}`);
    expect(one.body.data).toMatchObject({ uuid: order.uuid, site_price: "2600.00", service: { id: service.id } });
    // The reseller's own platform order is not a customer order of the site.
    expect((await get(r, `/orders/${fulfil.uuid}`)).status).toBe(404);
    expect((await get(r, "/orders?status=bogus")).status).toBe(422);
    await expectLedgerHolds(p);
  });

  it("answers and closes the site's tickets as its staff, telling the customer", async () => {
    const r = await resellerSite(p);
    const c = await customerOf(p, r);
    const t = await customerTicket(p, r, c);
    const list = await get(r, "/tickets");
    expect(list.body.data.map((x: { uuid: string }) => x.uuid)).toEqual([t.uuid]);
    expect(list.body.data[0]).toMatchObject({ status: "open", user: { id: c.id } });
    const one = await get(r, `/tickets/${t.uuid}`);
    expect(one.body.data.messages).toHaveLength(1);

    const reply = await send(r, "POST", `/tickets/${t.uuid}/reply`, { message: "C'est en cours, merci." });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ status: "answered", assigned_to: { id: r.user.id } });
    expect(reply.body.data.messages.at(-1)).toMatchObject({ is_staff: true, message: "C'est en cours, merci." });
    expect((await send(r, "POST", `/tickets/${t.uuid}/reply`, { message: "" })).status).toBe(422);
    const closed = await send(r, "POST", `/tickets/${t.uuid}/close`);
    expect(closed.body.data.status).toBe("closed");
    const notes = await p.services.db.selectFrom("notifications").select("type").where("user_id", "=", c.id).orderBy("id").execute();
    expect(notes.map((n) => n.type)).toEqual(["ticket.staff_replied", "ticket.closed_by_staff"]);
    expect((await auditRows(p, "ticket.reply", t.uuid)).map((a) => a.site_id)).toEqual([r.tenant.siteId]);
  });

  it("a new site starts with the region's methods, inactive and without accounts; the reseller creates, edits and removes its own", async () => {
    const r = await resellerSite(p);
    const initial = await get(r, "/payment-methods");
    expect(initial.body.data.map((m: { code: string }) => m.code)).toEqual(["orange_money", "mtn_momo", "moov_money", "wave", "bank_transfer"]);
    expect(initial.body.data.every((m: { is_active: boolean; account_number: string | null }) => !m.is_active && m.account_number === null)).toBe(true);

    const wave = initial.body.data.find((m: { code: string }) => m.code === "wave");
    const noAccount = await send(r, "PUT", `/payment-methods/${wave.id}`, { is_active: true });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.error.details).toHaveProperty("account_number");
    const on = await send(r, "PUT", `/payment-methods/${wave.id}`, {
      account_number: "+225 07 99 99 99",
      account_name: "Ma Boutique",
      min_amount: "1000",
      is_active: true,
    });
    expect(on.status).toBe(200);
    expect(on.body.data).toMatchObject({ code: "wave", is_active: true, account_number: "+225 07 99 99 99", min_amount: "1000.00", max_amount: "5000000.00" });
    expect((await send(r, "PUT", `/payment-methods/${wave.id}`, { max_amount: "10" })).status).toBe(422);

    const created = await send(r, "POST", "/payment-methods", {
      code: "djamo",
      name: "Djamo",
      type: "other",
      instructions_fr: "Payez par carte Djamo",
      min_amount: "500",
      max_amount: null,
      is_active: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ code: "djamo", type: "other", is_active: true, max_amount: null, instructions_en: null });
    expect((await send(r, "POST", "/payment-methods", { code: "djamo", name: "Again" })).status).toBe(422);
    expect((await send(r, "POST", "/payment-methods", { code: "Bad Code!", name: "x", type: "cash" })).body.error.details).toHaveProperty("type");

    const unused = await send(r, "DELETE", `/payment-methods/${created.body.data.id}`);
    expect(unused.body.data).toEqual({ id: created.body.data.id, deleted: true, deactivated: false });
    const c = await customerOf(p, r);
    await pendingDeposit(p, r, c, wave.id, "2000");
    const used = await send(r, "DELETE", `/payment-methods/${wave.id}`);
    expect(used.body.data).toEqual({ id: wave.id, deleted: false, deactivated: true });
    const after = await get(r, "/payment-methods");
    expect(after.body.data.map((m: { code: string }) => m.code)).not.toContain("djamo");
    expect(after.body.data.find((m: { id: number }) => m.id === wave.id).is_active).toBe(false);
    const audits = await p.services.db
      .selectFrom("audit_logs")
      .select(["action", "site_id"])
      .where("action", "like", "site.payment_method.%")
      .where("site_id", "=", r.tenant.siteId)
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(
      ["site.payment_method.create", "site.payment_method.deactivate", "site.payment_method.delete", "site.payment_method.update"].sort(),
    );
  });

  it("sums up the site: customers, orders, revenue, profit, pending deposits and open tickets", async () => {
    const r = await resellerSite(p);
    const method = await activeMethod(p, r);
    const c = await customerOf(p, r, "10000");
    await customerOf(p, r);
    await customerOrder(p, r, c, service.id, 1000);
    await customerOrder(p, r, c, service.id, 3000);
    await pendingDeposit(p, r, c, method.id, "800");
    await customerTicket(p, r, c);
    const stats = await get(r, "/stats");
    expect(stats.status).toBe(200);
    expect(stats.body.data).toMatchObject({
      customers: { total: 2, banned: 0 },
      orders: { all_time: { count: 2, revenue: "5200.00", cost: "4000.00", profit: "1200.00" }, active: 2 },
      revenue: "5200.00",
      profit: "1200.00",
      pending_deposits: { count: 1, amount: "800.00" },
      open_tickets: 1,
    });
  });
});
