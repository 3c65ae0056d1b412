import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { insertSite, Jar, registerThroughForm } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";
import { putSetting } from "../../src/settings/service.ts";

describeEachDialect("admin console: access and dashboard", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("sends an admin to the console after signing in and shows the dashboard in both languages", async () => {
    const admin = await staffJar(p, "admin");
    expect(admin.landing).toBe("/admin");
    const fr = await visit(p, admin.jar, "/admin");
    expect(fr.res.status).toBe(200);
    expect(fr.html).toContain("Console d&#39;administration");
    expect(fr.html).toContain("Tableau de bord");
    expect(fr.html).toContain('<svg viewBox="0 0 640 240"');
    expect(fr.res.headers.get("cache-control")).toContain("no-store");
    const en = await visit(p, admin.jar, "/admin?lang=en&days=7");
    expect(en.html).toContain("Admin console");
    expect(en.html).toContain('aria-current="page">7 days');
    // The header links the console for staff.
    expect(en.html).toContain('href="/admin"');
  });

  it("when the platform requires two-factor sign-in, staff without it are sent to enrol before any console page", async () => {
    const admin = await staffJar(p, "admin");
    const support = await staffJar(p, "support");
    await putSetting(p.ctx(), "admin_two_factor_required", "1");
    try {
      for (const [jar, path] of [
        [admin.jar, "/admin"],
        [support.jar, "/admin/support"],
      ] as const) {
        const res = await visit(p, jar, path);
        expect(res.res.status).toBe(303);
        expect(res.res.headers.get("location")).toBe("/account/settings?flash=two_factor_required#two-factor");
      }
      expect((await p.request("/api/admin/support/tickets", { token: support.token })).status).toBe(403);
    } finally {
      await putSetting(p.ctx(), "admin_two_factor_required", "0");
    }
    expect((await visit(p, admin.jar, "/admin")).res.status).toBe(200);
  });

  it("a customer lands on the account and gets 403 on the console; anonymous visitors are asked to sign in", async () => {
    const user = await staffJar(p, "user");
    expect(user.landing).toBe("/account");
    expect((await visit(p, user.jar, "/admin")).res.status).toBe(403);
    const account = await visit(p, user.jar, "/account");
    expect(account.html).not.toContain('href="/admin"');
    const anonymous = await visit(p, new Jar(), "/admin");
    expect(anonymous.res.status).toBe(303);
    expect(anonymous.res.headers.get("location")).toBe("/login?next=%2Fadmin");
  });

  it("does not exist on a site's host, even for a platform admin's cookie or a site account made admin", async () => {
    const site = await insertSite(p);
    const admin = await staffJar(p, "admin");
    expect((await visit(p, admin.jar, "/admin", site.host)).res.status).toBe(404);
    const customer = await registerThroughForm(p, site.host);
    await p.services.db.updateTable("users").set({ role: "admin" }).where("username", "=", customer.username).execute();
    expect((await visit(p, customer.jar, "/admin", site.host)).res.status).toBe(404);
    expect((await visit(p, customer.jar, "/account", site.host)).html).not.toContain('href="/admin"');
  });
});

describeEachDialect("staff roles on the admin API", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  /** Every admin API route from the router, with a concrete path. */
  function adminRoutes() {
    const out = new Map<string, { method: string; path: string }>();
    for (const r of p.app.routes) {
      if (r.method === "ALL" || !r.path.startsWith("/api/admin/")) continue;
      out.set(`${r.method} ${r.path}`, {
        method: r.method,
        path: r.path.replace(/:([A-Za-z]+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_m, name: string) =>
          name === "uuid" ? "00000000-0000-4000-8000-000000000000" : "1",
        ),
      });
    }
    return [...out.values()];
  }

  it("support reads orders and users and works tickets; every other admin route, and every write outside support, is 403", async () => {
    const support = await signUp(p);
    await p.services.db.updateTable("users").set({ role: "support" }).where("id", "=", support.user.id).execute();
    const wrong: string[] = [];
    for (const r of adminRoutes()) {
      const res = await p.request(r.path, { method: r.method, token: support.token, json: r.method === "GET" || r.method === "DELETE" ? undefined : {} });
      const read = r.method === "GET" && /^\/api\/admin\/(orders|users)(\/|$)/.test(r.path);
      const inbox = r.path.startsWith("/api/admin/support/");
      if (read || inbox ? res.status === 403 : res.status !== 403) wrong.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect((await p.request("/api/admin/orders", { token: support.token })).status).toBe(200);
    expect((await p.request("/api/admin/support/tickets", { token: support.token })).status).toBe(200);
  });

  it("support opening the console without a section of theirs gets 403 on the dashboard, an admin 200", async () => {
    const support = await staffJar(p, "support");
    expect(support.landing).toBe("/admin");
    const res = await visit(p, support.jar, "/admin");
    expect([303, 403]).toContain(res.res.status);
    const admin = await staffJar(p, "admin");
    expect((await visit(p, admin.jar, "/admin")).res.status).toBe(200);
  });

  it("a role is set by an admin through the users API and refused when unknown", async () => {
    const admin = await signUp(p);
    await p.services.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.user.id).execute();
    const u = await signUp(p);
    const ok = await p.request(`/api/admin/users/${u.user.id}`, { method: "PUT", token: admin.token, json: { role: "support" } });
    expect(ok.status).toBe(200);
    const bad = await p.request(`/api/admin/users/${u.user.id}`, { method: "PUT", token: admin.token, json: { role: "owner" } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.role).toBeDefined();
    expect((await p.request("/api/admin/orders", { token: u.token })).status).toBe(200);
  });
});
