import { afterAll, beforeAll, expect, it } from "vitest";
import { writeAudit } from "../../src/audit/audit.ts";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { insertSite } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

describeEachDialect("admin console: audit log", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("lists what admins did, newest first, with before and after readable and escaped, filtered from the URL", async () => {
    const admin = await staffJar(p, "admin");
    const changed = await p.request("/api/admin/settings/referral_hold_days", { method: "PUT", token: admin.token, json: { value: "9" } });
    expect(changed.status).toBe(200);
    const acting = {
      ...p.ctx(),
      user: { ...(await p.services.db.selectFrom("users").selectAll().where("id", "=", admin.user.id).executeTakeFirstOrThrow()) },
      ip: "203.0.113.9",
    };
    await writeAudit(acting, { action: "user.ban", targetType: "user", targetId: 4242, data: { reason: "<script>alert(1)</script>" } });

    const page = await visit(p, admin.jar, "/admin/audit?lang=en");
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("<code>user.ban</code> · user · 4242");
    expect(page.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.html).not.toContain("<script>alert(1)");
    expect(page.html.indexOf("user.ban")).toBeLessThan(page.html.indexOf("settings.update"));
    expect(page.html).toContain(">Before</p><pre>7</pre>");
    expect(page.html).toContain(">After</p><pre>9</pre>");

    const byIp = await visit(p, admin.jar, "/admin/audit?ip=203.0.113.9");
    expect(byIp.html).toContain("user.ban");
    expect(byIp.html).not.toContain("settings.update");
    expect(byIp.html).toContain('value="203.0.113.9"');
    const byAction = await visit(p, admin.jar, `/admin/audit?action=settings.&target_id=referral_hold_days&actor=${admin.user.username}`);
    expect(byAction.html).toContain("settings.update");
    expect(byAction.html).not.toContain("user.ban");
    const none = await visit(p, admin.jar, "/admin/audit?from=2001-01-01&to=2001-01-02&lang=en");
    expect(none.html).toContain("No entry matches.");

    const api = await body(await p.request("/api/admin/audit-logs?target_type=user&target_id=4242", { token: admin.token }));
    expect(api.meta.total).toBe(1);
    expect(api.data[0]).toMatchObject({ action: "user.ban", ip: "203.0.113.9", data: { reason: "<script>alert(1)</script>" }, actor: { id: admin.user.id } });
  });

  it("paginates and keeps the filters in the page links; a bad date names its field and keeps the input", async () => {
    const admin = await staffJar(p, "admin");
    for (let i = 0; i < 27; i++) await writeAudit(p.ctx(), { action: "test.many", targetType: "thing", targetId: i });
    const first = await visit(p, admin.jar, "/admin/audit?action=test.many");
    expect(first.html).toContain('href="/admin/audit?action=test.many&amp;page=2"');
    const second = await visit(p, admin.jar, "/admin/audit?action=test.many&page=2");
    expect(second.html).toContain("thing · 1<");
    expect(second.html).not.toContain("thing · 26<");
    const refused = await visit(p, admin.jar, "/admin/audit?from=2026-02-10&to=2026-02-01&lang=en");
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-to-error"');
    expect(refused.html).toContain('value="2026-02-10"');
    const api = await p.request("/api/admin/audit-logs?from=someday", { token: admin.token });
    expect(api.status).toBe(422);
    expect((await body(api)).error.details.from).toBeDefined();
  });

  it("is for admins only, shows no site's entries, and 404s on a site host", async () => {
    const support = await staffJar(p, "support");
    expect((await visit(p, support.jar, "/admin/audit")).res.status).toBe(403);
    expect((await p.request("/api/admin/audit-logs", { token: support.token })).status).toBe(403);
    const customer = await signUp(p);
    expect((await p.request("/api/admin/audit-logs", { token: customer.token })).status).toBe(403);
    const admin = await staffJar(p, "admin");
    const { site, host } = await insertSite(p);
    await writeAudit(p.ctx({ kind: "site", siteId: site.id, site }), { action: "reseller.secret_action", targetType: "site", targetId: site.id });
    expect((await visit(p, admin.jar, "/admin/audit?action=reseller.secret_action&lang=en")).html).toContain("No entry matches");
    expect((await visit(p, admin.jar, "/admin/audit", host)).res.status).toBe(404);
  });
});
