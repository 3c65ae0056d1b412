import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { registerUser } from "../../src/auth/service.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { resellerSite, type Reseller } from "../reseller/helpers.ts";
import { planBySlug, whiteLabelPlatform } from "./helpers.ts";

describeEachDialect("each plan's limits on a site's customers", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(async () => {
    await p.close();
  });

  async function onPlan(r: Reseller, slug: "starter" | "business", extra: { max_customers?: number } = {}) {
    const plan = await planBySlug(p, slug);
    await p.services.db.updateTable("white_label_sites").set({ plan_id: plan.id }).where("id", "=", r.tenant.siteId).execute();
    if (extra.max_customers !== undefined) await p.services.db.updateTable("white_label_plans").set(extra).where("id", "=", plan.id).execute();
    p.invalidateTenants();
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", r.tenant.siteId).executeTakeFirstOrThrow();
    r.tenant = { kind: "site", siteId: site.id, site };
  }
  const siteName = (r: Reseller) => (r.tenant.kind === "site" ? r.tenant.site.name : "");
  const v2 = (host: string, key: string) =>
    p.request("/api/v2", {
      host,
      method: "POST",
      body: new URLSearchParams({ key, action: "balance" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });

  it("a business site's customers use the API; on starter, keys are refused in the site's name (v2, key creation, the account page)", async () => {
    const r = await resellerSite(p);
    const { jar, username } = await registerThroughForm(p, r.host);
    const customer = await p.services.db
      .selectFrom("users")
      .selectAll()
      .where("site_id", "=", r.tenant.siteId)
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    const made = await createApiKey({ ...p.ctx(r.tenant), user: customer }, customer.id, { name: "bot", permissions: ["balance.read"] });
    expect(await (await v2(r.host, made.raw)).json()).toHaveProperty("balance");

    await onPlan(r, "starter");
    const refusal = await (await v2(r.host, made.raw)).json();
    expect(refusal).toEqual({ error: `The API is not available on ${siteName(r)}` });
    expect(JSON.stringify(refusal)).not.toMatch(/izyboost/i);
    await expect(createApiKey({ ...p.ctx(r.tenant), user: customer }, customer.id, { name: "bot2", permissions: ["balance.read"] })).rejects.toMatchObject({
      code: "api_not_in_plan",
    });

    // The account page says so and offers no key; a forged post makes none.
    const page = await get(p, r.host, "/api-access", jar);
    expect(page.html).toContain(`L&#39;API n&#39;est pas disponible sur ${siteName(r)}`);
    expect(page.html).not.toContain('action="/api-access"');
    const keysBefore = await p.services.db.selectFrom("api_keys").select("id").where("user_id", "=", customer.id).execute();
    const forced = await post(p, r.host, "/api-access", jar, { _csrf: csrfFrom(page.html) });
    expect(forced.res.status).toBe(303);
    expect(await p.services.db.selectFrom("api_keys").select("id").where("user_id", "=", customer.id).execute()).toHaveLength(keysBefore.length);

    await onPlan(r, "business");
    expect(await (await v2(r.host, made.raw)).json()).toHaveProperty("balance");
  });

  it("a site at its plan's maximum of customers takes no new sign-up, with a clear message", async () => {
    const r = await resellerSite(p);
    await registerThroughForm(p, r.host);
    await onPlan(r, "starter", { max_customers: 1 });
    try {
      const jar = new Jar();
      const page = await get(p, r.host, "/register", jar);
      expect(page.html).toContain(`${siteName(r)} n&#39;accepte pas de nouvelles inscriptions`);
      const name = uniqueName("c");
      expect(page.html).not.toContain('action="/register"');
      // A post made anyway (a stale form): refused, nobody registered.
      const login = await get(p, r.host, "/login", jar);
      const refused = await post(p, r.host, "/register", jar, {
        _csrf: csrfFrom(login.html),
        username: name,
        email: `${name}@example.com`,
        password: "correct-horse-9",
        password_confirmation: "correct-horse-9",
      });
      expect(refused.res.status).toBe(403);
      expect(await p.services.db.selectFrom("users").select("id").where("site_id", "=", r.tenant.siteId).execute()).toHaveLength(1);
      await expect(
        registerUser(p.ctx(r.tenant), { username: name, email: `${name}@example.com`, password: "correct-horse-9", welcome: false }),
      ).rejects.toMatchObject({
        code: "site_full",
        status: 403,
      });
    } finally {
      await onPlan(r, "starter", { max_customers: 500 });
    }
  });

  it("ten sign-ups at once on a site with room for one more: exactly one gets in", async () => {
    const r = await resellerSite(p);
    await registerThroughForm(p, r.host);
    await onPlan(r, "starter", { max_customers: 2 });
    try {
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, () => {
          const name = uniqueName("rush");
          return registerUser(p.ctx(r.tenant), { username: name, email: `${name}@example.com`, password: "correct-horse-9", welcome: false });
        }),
      );
      expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
      for (const a of attempts) if (a.status === "rejected") expect(a.reason).toMatchObject({ code: "site_full" });
      expect(await p.services.db.selectFrom("users").select("id").where("site_id", "=", r.tenant.siteId).execute()).toHaveLength(2);
    } finally {
      await onPlan(r, "starter", { max_customers: 500 });
    }
  });
});
