import { afterAll, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { csrfFrom, post } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

describeEachDialect("admin console: support", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  const openTicket = async (token: string, subject: string, host?: string) => {
    const res = await p.request("/api/tickets", { method: "POST", token, host, json: { subject, message: "My order has not started", priority: "high" } });
    expect(res.status).toBe(201);
    return (await body(res)).data.uuid as string;
  };

  it("support staff land on the inbox, reply (the customer is told), assign and close, each audited", async () => {
    const customer = await signUp(p);
    const uuid = await openTicket(customer.token, "Order stuck at zero");
    const support = await staffJar(p, "support");
    const admin = await staffJar(p, "admin");
    // Support has no dashboard: the console sends them to their section.
    const landing = await visit(p, support.jar, "/admin");
    expect(landing.res.status).toBe(303);
    expect(landing.res.headers.get("location")).toBe("/admin/support");
    const inbox = await visit(p, support.jar, "/admin/support?search=stuck");
    expect(inbox.res.status).toBe(200);
    expect(inbox.html).toContain("Order stuck at zero");
    expect(inbox.html).toContain(`/admin/support/${uuid}`);
    // The nav shows support only what their role opens.
    expect(inbox.html).not.toContain('href="/admin">');

    const page = await visit(p, support.jar, `/admin/support/${uuid}`);
    expect(page.html).toContain("My order has not started");
    const replied = await post(p, "izyboost.test", `/admin/support/${uuid}/reply`, support.jar, { _csrf: csrfFrom(page.html), message: "We restarted it." });
    expect(replied.res.status).toBe(303);
    const detail = await body(await p.request(`/api/tickets/${uuid}`, { token: customer.token }));
    expect(detail.data.status).toBe("answered");
    expect(detail.data.messages.at(-1)).toMatchObject({ message: "We restarted it.", is_staff: true });
    const notices = await body(await p.request("/api/notifications", { token: customer.token }));
    expect(JSON.stringify(notices.data)).toContain("Order stuck at zero");
    expect(await auditRows(p, "ticket.reply", uuid)).toHaveLength(1);

    const assigned = await post(p, "izyboost.test", `/admin/support/${uuid}/assign`, support.jar, {
      _csrf: csrfFrom(page.html),
      admin_id: String(admin.user.id),
    });
    expect(assigned.res.status).toBe(303);
    expect((await visit(p, admin.jar, "/admin/support?assigned_to=me")).html).toContain("Order stuck at zero");
    const closed = await post(p, "izyboost.test", `/admin/support/${uuid}/close`, support.jar, { _csrf: csrfFrom(page.html) });
    expect(closed.res.status).toBe(303);
    expect((await body(await p.request(`/api/tickets/${uuid}`, { token: customer.token }))).data.status).toBe("closed");
    expect(await auditRows(p, "ticket.close", uuid)).toHaveLength(1);
  });

  it("a refused reply names its field and keeps what was typed; a foreign form is refused", async () => {
    const customer = await signUp(p);
    const uuid = await openTicket(customer.token, "Refused reply");
    const support = await staffJar(p, "support");
    const page = await visit(p, support.jar, `/admin/support/${uuid}`);
    const long = `Kept text ${"x".repeat(5000)}`;
    const refused = await post(p, "izyboost.test", `/admin/support/${uuid}/reply`, support.jar, { _csrf: csrfFrom(page.html), message: long });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-message-error"');
    expect(refused.html).toContain("Kept text xxx");
    const badAssignee = await post(p, "izyboost.test", `/admin/support/${uuid}/assign`, support.jar, {
      _csrf: csrfFrom(page.html),
      admin_id: String(customer.user.id),
    });
    expect(badAssignee.res.status).toBe(422);
    expect(badAssignee.html).toContain('id="f-admin-error"');
    const forged = await post(p, "izyboost.test", `/admin/support/${uuid}/reply`, support.jar, { _csrf: "nope", message: "hi" });
    expect(forged.res.status).toBe(403);
    expect((await body(await p.request(`/api/tickets/${uuid}`, { token: customer.token }))).data.messages).toHaveLength(1);
  });

  it("saved replies: create, refuse with the field named, insert into a reply, edit, delete; also on the JSON API", async () => {
    const customer = await signUp(p);
    const uuid = await openTicket(customer.token, "Saved reply ticket");
    const support = await staffJar(p, "support");
    const list = await visit(p, support.jar, "/admin/support/replies");
    const csrf = csrfFrom(list.html);
    const bad = await post(p, "izyboost.test", "/admin/support/replies", support.jar, { _csrf: csrf, title: "x", body: "Keep this body" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-title-error"');
    expect(bad.html).toContain("Keep this body");
    expect(
      (await post(p, "izyboost.test", "/admin/support/replies", support.jar, { _csrf: csrf, title: "Delay", body: "Your order starts within 24 hours." })).res
        .status,
    ).toBe(303);
    const saved = await p.services.db.selectFrom("saved_replies").selectAll().where("title", "=", "Delay").executeTakeFirstOrThrow();
    expect(saved.site_id).toBe(0);
    const prefilled = await visit(p, support.jar, `/admin/support/${uuid}?use=${saved.id}`);
    expect(prefilled.html).toContain(">Your order starts within 24 hours.</textarea>");
    expect(
      (
        await post(p, "izyboost.test", `/admin/support/replies/${saved.id}`, support.jar, {
          _csrf: csrf,
          title: "Delay (24 h)",
          body: "Starts within 24 hours.",
        })
      ).res.status,
    ).toBe(303);
    const api = await body(await p.request("/api/admin/support/saved-replies", { token: support.token }));
    expect(api.data.map((r: { title: string }) => r.title)).toContain("Delay (24 h)");
    expect((await post(p, "izyboost.test", `/admin/support/replies/${saved.id}/delete`, support.jar, { _csrf: csrf })).res.status).toBe(303);
    expect(await p.services.db.selectFrom("saved_replies").select("id").where("id", "=", saved.id).executeTakeFirst()).toBeUndefined();
    expect(await auditRows(p, "saved_reply.delete", saved.id)).toHaveLength(1);
    const viaApi = await p.request("/api/admin/support/saved-replies", { method: "POST", token: support.token, json: { title: "", body: "" } });
    expect(viaApi.status).toBe(422);
    expect(Object.keys((await body(viaApi)).error.details).sort()).toEqual(["body", "title"]);
  });

  it("a site's tickets never reach the platform's inbox or ticket pages", async () => {
    const site = await resellerSite(p);
    const ticket = await p.services.db
      .insertInto("tickets")
      .values({
        uuid: "11111111-2222-4333-8444-555555555555",
        site_id: site.tenant.siteId,
        user_id: site.user.id,
        subject: "Site customer secret",
        status: "open",
        created_at: "2026-12-01 10:00:00.000",
        updated_at: "2026-12-01 10:00:00.000",
      })
      .execute();
    expect(ticket).toBeDefined();
    const admin = await staffJar(p, "admin");
    expect((await visit(p, admin.jar, "/admin/support?search=secret")).html).not.toContain("Site customer secret");
    expect((await visit(p, admin.jar, "/admin/support/11111111-2222-4333-8444-555555555555")).res.status).toBe(404);
  });
});
