import { afterAll, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { SITES, signUpAdmin, planBySlug, purchase, reseller, resellerWithSite, siteRow, whiteLabelPlatform } from "./helpers.ts";

describeEachDialect("white-label administration", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  it("is for administrators only", async () => {
    const user = await reseller(p);
    for (const path of [
      "/api/admin/white-label/sites",
      "/api/admin/white-label/plans",
      "/api/admin/white-label/templates",
      "/api/admin/white-label/subscriptions",
    ]) {
      expect((await p.request(path, { token: user.token })).status, path).toBe(403);
      expect((await p.request(path)).status, path).toBe(401);
    }
  });

  it("lists and filters sites, and shows one by id with its owner and subscriptions", async () => {
    const a = await resellerWithSite(p);
    const list = await body(await p.request(`/api/admin/white-label/sites?search=${a.site.slug}`, { token: admin.token }));
    expect(list.meta.total).toBe(1);
    expect(list.data[0]).toMatchObject({ uuid: a.site.uuid, owner: { id: a.user.id, username: a.user.username } });
    const byOwner = await body(await p.request(`/api/admin/white-label/sites?owner_id=${a.user.id}&status=active`, { token: admin.token }));
    expect(byOwner.data.map((s: any) => s.uuid)).toEqual([a.site.uuid]);
    expect((await p.request("/api/admin/white-label/sites?status=bogus", { token: admin.token })).status).toBe(422);

    const id = list.data[0].id;
    const one = await body(await p.request(`/api/admin/white-label/sites/${id}`, { token: admin.token }));
    expect(one.data).toMatchObject({ id, uuid: a.site.uuid, owner: { id: a.user.id } });
    expect(one.data.subscriptions).toHaveLength(1);
    expect((await p.request("/api/admin/white-label/sites/99999999", { token: admin.token })).status).toBe(404);
  });

  it("toggles a site between active and disabled (503), with an audit log", async () => {
    const a = await resellerWithSite(p);
    const { id } = await siteRow(p, a.site.uuid);
    const host = `${a.site.slug}.${SITES}`;
    const off = await p.request(`/api/admin/white-label/sites/${id}/toggle-status`, { method: "POST", token: admin.token });
    expect((await body(off)).data.status).toBe("disabled");
    expect((await p.request("/", { host })).status).toBe(503);
    const on = await p.request(`/api/admin/white-label/sites/${id}/toggle-status`, { method: "POST", token: admin.token });
    expect((await body(on)).data.status).toBe("active");
    expect((await p.request("/", { host })).status).not.toBe(503);
    const logs = await auditRows(p, "white_label.site.toggle_status", String(id));
    expect(logs.map((l) => JSON.parse(l.data!))).toEqual([
      { from: "active", to: "disabled" },
      { from: "disabled", to: "active" },
    ]);
    expect(logs[0]!.actor_id).toBe(admin.user.id);
  });

  it("re-enabling a site whose subscription is suspended keeps it suspended", async () => {
    const a = await resellerWithSite(p);
    const site = await siteRow(p, a.site.uuid);
    await p.services.db.updateTable("subscriptions").set({ status: "suspended" }).where("site_id", "=", site.id).execute();
    await p.services.db.updateTable("white_label_sites").set({ status: "disabled" }).where("id", "=", site.id).execute();
    const res = await p.request(`/api/admin/white-label/sites/${site.id}/toggle-status`, { method: "POST", token: admin.token });
    expect((await body(res)).data.status).toBe("suspended");
  });

  it("updates a plan with decimal-string prices, validates it, and audits the change", async () => {
    const plan = await planBySlug(p, "enterprise");
    const res = await p.request(`/api/admin/white-label/plans/${plan.id}`, {
      method: "PUT",
      token: admin.token,
      json: {
        price_monthly: "45000.5",
        price_yearly: "450000",
        features: ["custom domain", "priority support", "API"],
        max_customers: 100000,
        is_active: true,
      },
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({
      price_monthly: "45000.50",
      price_yearly: "450000.00",
      max_customers: 100000,
      features: ["custom domain", "priority support", "API"],
    });
    const logs = await auditRows(p, "white_label.plan.update", String(plan.id));
    expect(JSON.parse(logs[0]!.data!).before.price_monthly).toBe("40000.00");

    const before = await planBySlug(p, "enterprise");
    for (const json of [{ price_monthly: "abc" }, { price_monthly: "-5" }, { price_yearly: 0 }, { is_active: "yes" }, { surprise: 1 }]) {
      expect((await p.request(`/api/admin/white-label/plans/${plan.id}`, { method: "PUT", token: admin.token, json })).status, JSON.stringify(json)).toBe(422);
    }
    expect(await planBySlug(p, "enterprise")).toEqual(before);
    expect((await p.request("/api/admin/white-label/plans/99999", { method: "PUT", token: admin.token, json: { name: "X plan" } })).status).toBe(404);
  });

  it("a deactivated plan is no longer listed nor sold, but admins still see it", async () => {
    const starter = await planBySlug(p, "starter");
    await p.request(`/api/admin/white-label/plans/${starter.id}`, { method: "PUT", token: admin.token, json: { is_active: false } });
    const buyer = await reseller(p, "100000");
    const publicPlans = await body(await p.request("/api/white-label/plans", { token: buyer.token }));
    expect(publicPlans.data.map((x: any) => x.slug)).not.toContain("starter");
    expect((await purchase(p, buyer.token, { plan_id: starter.id })).res.status).toBe(422);
    const adminPlans = await body(await p.request("/api/admin/white-label/plans", { token: admin.token }));
    expect(adminPlans.data.find((x: any) => x.slug === "starter").is_active).toBe(false);
    await p.request(`/api/admin/white-label/plans/${starter.id}`, { method: "PUT", token: admin.token, json: { is_active: true } });
  });

  it("lists templates and subscriptions with filters", async () => {
    const a = await resellerWithSite(p);
    const templates = await body(await p.request("/api/admin/white-label/templates", { token: admin.token }));
    expect(templates.data.length).toBeGreaterThanOrEqual(3);
    expect(templates.data[0]).toHaveProperty("is_active");
    const subs = await body(await p.request(`/api/admin/white-label/subscriptions?user_id=${a.user.id}`, { token: admin.token }));
    expect(subs.meta.total).toBe(1);
    expect(subs.data[0]).toMatchObject({ status: "active", price: "15000.00", site: { uuid: a.site.uuid }, user: { id: a.user.id } });
  });
});
