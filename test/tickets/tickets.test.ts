import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { dbNow } from "../../src/lib/time.ts";
import { randomUUID } from "node:crypto";

describeEachDialect("support tickets", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let otherAdmin: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUp(p);
    otherAdmin = await signUp(p);
    await p.services.db.updateTable("users").set({ role: "admin" }).where("id", "in", [admin.user.id, otherAdmin.user.id]).execute();
  });
  afterAll(() => p.close());

  const call = async (path: string, token: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await p.request(path, { token, method: init.method ?? (init.json === undefined ? "GET" : "POST"), json: init.json });
    return { status: res.status, json: await body(res) };
  };
  const open = (token: string, json: Record<string, unknown>) => call("/api/tickets", token, { json });
  const notificationsOf = (userId: number) => p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).orderBy("id").execute();

  const orderOf = async (userId: number) => (await insertOrderRow(p, userId, { link: "https://x.com/a" })).uuid;

  it("opens a ticket with its first message, stored as written, and lists the caller's own", async () => {
    const u = await signUp(p);
    const raw = "<script>alert('x')</script>\nMy order & \"stuff\" is stuck";
    const made = await open(u.token, { subject: "Order stuck", message: raw, category: "order", priority: "high" });
    expect(made.status).toBe(201);
    expect(made.json.data).toMatchObject({ subject: "Order stuck", category: "order", priority: "high", status: "open", order_uuid: null });
    expect(made.json.data.messages).toEqual([expect.objectContaining({ message: raw, is_staff: false, author: u.user.username })]);
    const stored = await p.services.db.selectFrom("ticket_messages").select("message").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(stored.message).toBe(raw);

    await open(u.token, { subject: "Another one", message: "hello" });
    const list = await call("/api/tickets", u.token);
    expect(list.json.meta).toEqual({ page: 1, per_page: 20, total: 2 });
    expect(list.json.data[0]).toMatchObject({ subject: "Another one", category: "general", priority: "normal" });
    expect(list.json.data[0]).not.toHaveProperty("messages");
    expect((await call("/api/tickets?status=closed", u.token)).json.meta.total).toBe(0);
    expect((await call("/api/tickets?status=weird", u.token)).status).toBe(422);
  });

  it("refuses bad input with field details and creates nothing", async () => {
    const u = await signUp(p);
    const someoneElse = await signUp(p);
    const foreignOrder = await orderOf(someoneElse.user.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ message: "hi" }, "subject"],
      [{ subject: "Help", message: "" }, "message"],
      [{ subject: "Help", message: "x".repeat(5001) }, "message"],
      [{ subject: "Help", message: "hi", category: "love" }, "category"],
      [{ subject: "Help", message: "hi", priority: "asap" }, "priority"],
      [{ subject: "Help", message: "hi", order_uuid: "nope" }, "order_uuid"],
      [{ subject: "Help", message: "hi", order_uuid: foreignOrder }, "order_uuid"],
    ];
    for (const [json, field] of cases) {
      const res = await open(u.token, json);
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(422);
      expect(Object.keys(res.json.error.details)).toContain(field);
    }
    expect(await p.services.db.selectFrom("tickets").select("id").where("user_id", "=", u.user.id).execute()).toEqual([]);
  });

  it("links a ticket to one of the caller's own orders", async () => {
    const u = await signUp(p);
    const order = await orderOf(u.user.id);
    const made = await open(u.token, { subject: "About my order", message: "where is it?", order_uuid: order.toUpperCase() });
    expect(made.status).toBe(201);
    expect(made.json.data.order_uuid).toBe(order);
  });

  it("another user's ticket is not found, whatever the verb", async () => {
    const owner = await signUp(p);
    const stranger = await signUp(p);
    const t = (await open(owner.token, { subject: "Mine", message: "private" })).json.data;
    expect((await call(`/api/tickets/${t.uuid}`, stranger.token)).status).toBe(404);
    expect((await call(`/api/tickets/${t.uuid}/reply`, stranger.token, { json: { message: "hijack" } })).status).toBe(404);
    expect((await call(`/api/tickets/${t.uuid}/close`, stranger.token, { json: {} })).status).toBe(404);
    expect((await call("/api/tickets/not-a-uuid", owner.token)).status).toBe(404);
    const detail = await call(`/api/tickets/${t.uuid}`, owner.token);
    expect(detail.json.data.status).toBe("open");
    expect(detail.json.data.messages).toHaveLength(1);
  });

  it("runs the lifecycle: staff reply notifies the customer in their language, replies and close move the status", async () => {
    const u = await signUp(p);
    await p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", u.user.id).execute();
    const t = (await open(u.token, { subject: "Refund please", message: "It failed" })).json.data;

    const assigned = await call(`/api/admin/support/tickets/${t.uuid}/assign`, admin.token, { json: { admin_id: otherAdmin.user.id } });
    expect(assigned.status).toBe(200);
    expect(assigned.json.data.assigned_to).toEqual({ id: otherAdmin.user.id, username: otherAdmin.user.username });
    expect((await notificationsOf(otherAdmin.user.id)).map((n) => n.type)).toContain("ticket.assigned");

    const reply = await call(`/api/admin/support/tickets/${t.uuid}/reply`, otherAdmin.token, { json: { message: "Refunded, sorry!" } });
    expect(reply.status).toBe(200);
    expect(reply.json.data.status).toBe("answered");
    expect(reply.json.data.messages.at(-1)).toMatchObject({ message: "Refunded, sorry!", is_staff: true, author: { id: otherAdmin.user.id } });
    const [note] = await notificationsOf(u.user.id);
    expect(note).toMatchObject({ type: "ticket.staff_replied", title: "Support replied: Refund please" });
    expect(JSON.parse(note!.data!)).toEqual({ ticket_uuid: t.uuid });

    const mine = (await call(`/api/tickets/${t.uuid}`, u.token)).json.data;
    expect(mine.status).toBe("answered");
    expect(mine.messages[1]).toMatchObject({ is_staff: true, author: "support" });
    expect(JSON.stringify(mine)).not.toContain(otherAdmin.user.username);

    const back = await call(`/api/tickets/${t.uuid}/reply`, u.token, { json: { message: "Thanks, one more question" } });
    expect(back.json.data.status).toBe("customer_reply");
    expect((await notificationsOf(otherAdmin.user.id)).map((n) => n.type)).toContain("ticket.customer_replied");

    const closed = await call(`/api/admin/support/tickets/${t.uuid}/close`, admin.token, { json: {} });
    expect(closed.json.data.status).toBe("closed");
    expect(closed.json.data.closed_at).not.toBeNull();
    const again = await call(`/api/admin/support/tickets/${t.uuid}/close`, admin.token, { json: {} });
    expect(again.json.data.closed_at).toBe(closed.json.data.closed_at);
    expect((await notificationsOf(u.user.id)).filter((n) => n.type === "ticket.closed_by_staff")).toHaveLength(1);

    const reopened = await call(`/api/tickets/${t.uuid}/reply`, u.token, { json: { message: "It happened again" } });
    expect(reopened.json.data).toMatchObject({ status: "customer_reply", closed_at: null });
    const byCustomer = await call(`/api/tickets/${t.uuid}/close`, u.token, { json: {} });
    expect(byCustomer.json.data.status).toBe("closed");

    const audit = await p.services.db
      .selectFrom("audit_logs")
      .select(["action", "actor_id"])
      .where("target_type", "=", "ticket")
      .where("target_id", "=", t.uuid)
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "ticket.assign", actor_id: admin.user.id },
      { action: "ticket.reply", actor_id: otherAdmin.user.id },
      { action: "ticket.close", actor_id: admin.user.id },
    ]);
  });

  it("notifies a French-speaking customer in French", async () => {
    const u = await signUp(p);
    const t = (await open(u.token, { subject: "Paiement", message: "Bonjour" })).json.data;
    await call(`/api/admin/support/tickets/${t.uuid}/reply`, admin.token, { json: { message: "C'est réglé." } });
    const [note] = await notificationsOf(u.user.id);
    expect(note!.title).toBe("Réponse du support : Paiement");
  });

  it("a staff reply takes an unassigned ticket; assignment accepts only admins and null unassigns", async () => {
    const u = await signUp(p);
    const t = (await open(u.token, { subject: "Who takes it", message: "anyone?" })).json.data;
    const reply = await call(`/api/admin/support/tickets/${t.uuid}/reply`, admin.token, { json: { message: "Me." } });
    expect(reply.json.data.assigned_to).toEqual({ id: admin.user.id, username: admin.user.username });
    const notAdmin = await call(`/api/admin/support/tickets/${t.uuid}/assign`, admin.token, { json: { admin_id: u.user.id } });
    expect(notAdmin.status).toBe(422);
    expect(notAdmin.json.error.details).toHaveProperty("admin_id");
    expect((await call(`/api/admin/support/tickets/${t.uuid}/assign`, admin.token, { json: {} })).status).toBe(422);
    const unassigned = await call(`/api/admin/support/tickets/${t.uuid}/assign`, admin.token, { json: { admin_id: null } });
    expect(unassigned.json.data.assigned_to).toBeNull();
  });

  it("admins list platform tickets only, with filters, and see who wrote them", async () => {
    const u = await signUp(p);
    const a = (await open(u.token, { subject: "Filter me urgent", message: "x", priority: "urgent", category: "payment" })).json.data;
    await open(u.token, { subject: "Filter me low", message: "x", priority: "low" });
    // A white-label site's customer ticket (site_id ≠ 0) never shows in the platform's queue.
    const now = dbNow();
    await p.services.db
      .insertInto("tickets")
      .values({ uuid: randomUUID(), site_id: 4242, user_id: u.user.id, subject: "Filter me site ticket", status: "open", created_at: now, updated_at: now })
      .execute();

    const all = await call("/api/admin/support/tickets?search=Filter%20me&per_page=50", admin.token);
    expect(all.json.data.map((t: { subject: string }) => t.subject).sort()).toEqual(["Filter me low", "Filter me urgent"]);
    expect(all.json.data[0].user).toEqual({ id: u.user.id, username: u.user.username, email: u.user.email });
    const urgent = await call("/api/admin/support/tickets?priority=urgent&category=payment&search=Filter", admin.token);
    expect(urgent.json.data.map((t: { uuid: string }) => t.uuid)).toEqual([a.uuid]);
    const byUser = await call(`/api/admin/support/tickets?user_id=${u.user.id}`, admin.token);
    expect(byUser.json.meta.total).toBe(2);
    await call(`/api/admin/support/tickets/${a.uuid}/assign`, admin.token, { json: { admin_id: admin.user.id } });
    const mine = await call(`/api/admin/support/tickets?assigned_to=me&user_id=${u.user.id}`, admin.token);
    expect(mine.json.data.map((t: { uuid: string }) => t.uuid)).toEqual([a.uuid]);
    const nobody = await call(`/api/admin/support/tickets?assigned_to=none&user_id=${u.user.id}`, admin.token);
    expect(nobody.json.meta.total).toBe(1);
    const siteTicket = await p.services.db.selectFrom("tickets").select("uuid").where("site_id", "=", 4242).executeTakeFirstOrThrow();
    expect((await call(`/api/admin/support/tickets/${siteTicket.uuid}`, admin.token)).status).toBe(404);
    const detail = await call(`/api/admin/support/tickets/${a.uuid}`, admin.token);
    expect(detail.json.data.messages[0]).toMatchObject({ message: "x", is_staff: false, author: { id: u.user.id, username: u.user.username } });
  });

  it("the admin side refuses non-admins", async () => {
    const u = await signUp(p);
    const t = (await open(u.token, { subject: "Mine", message: "x" })).json.data;
    expect((await call("/api/admin/support/tickets", u.token)).status).toBe(403);
    expect((await call(`/api/admin/support/tickets/${t.uuid}/reply`, u.token, { json: { message: "self-answer" } })).status).toBe(403);
  });
});
