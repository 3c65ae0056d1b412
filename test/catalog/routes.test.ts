import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { withJobLock } from "../../src/jobs/locks.ts";
import { dbNow } from "../../src/lib/time.ts";
import { SECRET_KEY, simWithRow, type SimProvider } from "../providers/support.ts";

describeEachDialect("catalogue API", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let providerId: number;
  let admin: { token: string; user: { id: number } };
  let customer: { token: string; user: { id: number } };

  const firstService = (category = "instagram-followers") =>
    p.services.db
      .selectFrom("services")
      .innerJoin("categories", "categories.id", "services.category_id")
      .selectAll("services")
      .where("categories.slug", "=", category)
      .where("services.is_active", "=", 1)
      .orderBy("services.id")
      .executeTakeFirstOrThrow();
  const auditCount = async (action: string) => (await p.services.db.selectFrom("audit_logs").select("id").where("action", "=", action).execute()).length;

  beforeAll(async () => {
    p = await makePlatform(dialect);
    ({ sim, providerId } = await simWithRow(p));
    await syncServices(p.ctx(), { providerId });
    admin = await signUpAdmin(p);
    customer = await signUp(p);
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  it("lists services publicly at platform prices, with categories and pagination", async () => {
    const res = await p.request("/api/services?per_page=10");
    expect(res.status).toBe(200);
    const page = await body(res);
    expect(page.data).toHaveLength(10);
    expect(page.meta).toMatchObject({ page: 1, per_page: 10, currency: "XOF" });
    expect(page.meta.total).toBeGreaterThan(100);
    expect(page.meta.categories.some((c: { slug: string; services: number }) => c.slug === "youtube-views" && c.services > 0)).toBe(true);
    const s = page.data[0];
    expect(Object.keys(s).sort()).toEqual(["cancel", "category", "description", "dripfeed", "id", "max", "min", "name", "rate", "refill", "type"]);
    expect(s.rate).toMatch(/^\d+\.\d{2,6}$/);
    const row = await p.services.db.selectFrom("services").select(["rate"]).where("id", "=", s.id).executeTakeFirstOrThrow();
    expect(Number(s.rate) * 1_000_000).toBeCloseTo(Number(row.rate), 0);
  });

  it("filters by category slug or id and by a search in the name", async () => {
    const bySlug = await body(await p.request("/api/services?category=tiktok-likes&per_page=500"));
    expect(bySlug.data.length).toBeGreaterThan(0);
    expect(bySlug.data.every((s: { category: { slug: string } }) => s.category.slug === "tiktok-likes")).toBe(true);
    const byId = await body(await p.request(`/api/services?category=${bySlug.data[0].category.id}&per_page=500`));
    expect(byId.meta.total).toBe(bySlug.meta.total);
    const search = await body(await p.request("/api/services?search=Spotify&per_page=500"));
    expect(search.data.length).toBeGreaterThan(0);
    expect(search.data.every((s: { name: string }) => s.name.includes("Spotify"))).toBe(true);
    expect((await body(await p.request("/api/services?category=nope"))).data).toEqual([]);
  });

  it("answers 422 with field details on bad query parameters", async () => {
    const res = await p.request("/api/services?per_page=0&page=abc");
    expect(res.status).toBe(422);
    expect(Object.keys((await body(res)).error.details).sort()).toEqual(["page", "per_page"]);
  });

  it("shows a signed-in user their own custom price, and others the platform price", async () => {
    const service = await firstService();
    const now = dbNow();
    await p.services.db
      .insertInto("service_prices_override")
      .values({ user_id: customer.user.id, service_id: service.id, rate: 123_450_000, created_at: now, updated_at: now })
      .execute();
    const find = async (token?: string) => {
      const list = await body(await p.request(`/api/services?category=instagram-followers&per_page=500`, { token }));
      return list.data.find((s: { id: number }) => s.id === service.id);
    };
    expect((await find(customer.token)).rate).toBe("123.45");
    expect(Number((await find()).rate) * 1e6).toBeCloseTo(Number(service.rate), 0);
    expect(Number((await find(admin.token)).rate) * 1e6).toBeCloseTo(Number(service.rate), 0);
  });

  it("admin endpoints answer 401 without a session and 403 to a customer", async () => {
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/admin/services"],
      ["PUT", "/api/admin/services/1", { name: "x" }],
      ["GET", "/api/admin/services/categories"],
      ["PUT", "/api/admin/services/categories/1", { name: "x" }],
      ["GET", "/api/admin/services/providers"],
      ["PUT", `/api/admin/services/providers/${providerId}`, { name: "x" }],
      ["POST", "/api/admin/services/sync", {}],
    ];
    for (const [method, path, json] of calls) {
      expect((await p.request(path, { method, json })).status, `${method} ${path}`).toBe(401);
      expect((await p.request(path, { method, json, token: customer.token })).status, `${method} ${path}`).toBe(403);
    }
    const provider = await p.services.db.selectFrom("api_providers").select("name").where("id", "=", providerId).executeTakeFirstOrThrow();
    expect(provider.name).toBe("Test provider");
  });

  it("shows admins the provider rate, base rate, rate and margin of each service", async () => {
    const res = await p.request(`/api/admin/services?provider_id=${providerId}&search=TikTok&per_page=5`, { token: admin.token });
    expect(res.status).toBe(200);
    const page = await body(res);
    expect(page.data).toHaveLength(5);
    expect(page.meta.total).toBeGreaterThan(5);
    const s = page.data[0];
    expect(s).toMatchObject({ margin_bp: null, effective_margin_bp: 3000, is_active: true, provider: { id: providerId, currency: "USD" } });
    expect(Number(s.base_rate)).toBeCloseTo(Number(s.provider_rate) * 600, 4);
    expect(Number(s.rate)).toBeCloseTo(Number(s.base_rate) * 1.3, 4);
    const inactive = await body(await p.request("/api/admin/services?is_active=0", { token: admin.token }));
    expect(inactive.data.every((x: { is_active: boolean }) => !x.is_active)).toBe(true);
    expect((await p.request("/api/admin/services?is_active=maybe", { token: admin.token })).status).toBe(422);
  });

  it("an admin's service margin re-prices it, and the change is audited", async () => {
    const service = await firstService("youtube-views");
    const before = await auditCount("services.update");
    const res = await p.request(`/api/admin/services/${service.id}`, { method: "PUT", token: admin.token, json: { margin_bp: 10_000, name: "Vues YouTube" } });
    expect(res.status).toBe(200);
    const data = (await body(res)).data;
    expect(data).toMatchObject({ name: "Vues YouTube", margin_bp: 10_000, effective_margin_bp: 10_000 });
    expect(Number(data.rate)).toBeCloseTo(Number(data.base_rate) * 2, 4);
    expect(await auditCount("services.update")).toBe(before + 1);
    const back = await body(await p.request(`/api/admin/services/${service.id}`, { method: "PUT", token: admin.token, json: { margin_bp: null } }));
    expect(Number(back.data.rate)).toBe(Number(service.rate) / 1e6);
  });

  it("refuses bad service edits with 422 and changes nothing", async () => {
    const service = await firstService("telegram-members");
    const bad = [
      {},
      { margin_bp: -100 },
      { min: 0 },
      { max: service.provider_max! + 1 },
      { min: service.max + 1 },
      { is_active: "yes" },
      { price: 1 },
      { name: "" },
    ];
    for (const json of bad) {
      const res = await p.request(`/api/admin/services/${service.id}`, { method: "PUT", token: admin.token, json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect((await body(res)).error.details).toBeDefined();
    }
    expect(await p.services.db.selectFrom("services").selectAll().where("id", "=", service.id).executeTakeFirstOrThrow()).toEqual(service);
    expect((await p.request("/api/admin/services/999999", { method: "PUT", token: admin.token, json: { name: "x" } })).status).toBe(404);
  });

  it("a hidden service or category leaves the public catalogue", async () => {
    const service = await firstService("twitch-followers");
    await p.request(`/api/admin/services/${service.id}`, { method: "PUT", token: admin.token, json: { is_active: false } });
    const ids = async () => (await body(await p.request("/api/services?category=twitch-followers&per_page=500"))).data.map((s: { id: number }) => s.id);
    expect(await ids()).not.toContain(service.id);
    const cats = await body(await p.request("/api/admin/services/categories", { token: admin.token }));
    const twitch = cats.data.find((c: { slug: string }) => c.slug === "twitch-followers");
    expect(twitch).toMatchObject({ platform: "twitch", is_active: true });
    expect(twitch.services_count).toBe(twitch.active_services_count + 1);
    const res = await p.request(`/api/admin/services/categories/${twitch.id}`, {
      method: "PUT",
      token: admin.token,
      json: { is_active: false, name: "Twitch — abonnés", sort_order: 5, icon: "twitch" },
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ is_active: false, name: "Twitch — abonnés", sort_order: 5, icon: "twitch" });
    expect(await ids()).toEqual([]);
    expect((await p.request(`/api/admin/services/categories/${twitch.id}`, { method: "PUT", token: admin.token, json: { icon: "<script>" } })).status).toBe(
      422,
    );
  });

  it("never shows a provider key, and a new exchange rate re-prices its services", async () => {
    const list = await p.request("/api/admin/services/providers", { token: admin.token });
    const text = await list.text();
    expect(list.status).toBe(200);
    expect(text).not.toContain(SECRET_KEY);
    const provider = JSON.parse(text).data.find((x: { id: number }) => x.id === providerId);
    expect(provider).toMatchObject({ key_set: true, key_hint: "••••d8b6", exchange_rate: "600.00", currency: "USD" });

    const service = await firstService("spotify-plays");
    const newKey = "brand-new-secret-key-99887766";
    const res = await p.request(`/api/admin/services/providers/${providerId}`, {
      method: "PUT",
      token: admin.token,
      json: { exchange_rate: "650", key: newKey },
    });
    expect(res.status).toBe(200);
    const answer = await res.text();
    expect(answer).not.toContain(newKey);
    expect(JSON.parse(answer).data.exchange_rate).toBe("650.00");
    const after = await p.services.db.selectFrom("services").select(["base_rate", "rate"]).where("id", "=", service.id).executeTakeFirstOrThrow();
    expect(Number(after.base_rate)).toBe(Number(service.provider_rate) * 650);
    const audits = await p.services.db.selectFrom("audit_logs").select("data").where("action", "=", "providers.update").execute();
    expect(audits.length).toBe(1);
    expect(JSON.stringify(audits)).not.toContain(newKey);

    for (const json of [{ exchange_rate: "abc" }, { exchange_rate: "-1" }, { url: "ftp://x" }, { currency: "dollars" }, { api_key: "x" }]) {
      expect((await p.request(`/api/admin/services/providers/${providerId}`, { method: "PUT", token: admin.token, json })).status, JSON.stringify(json)).toBe(
        422,
      );
    }
    await p.services.db.updateTable("api_providers").set({ api_key: SECRET_KEY, exchange_rate: 600_000_000 }).where("id", "=", providerId).execute();
  });

  it("runs a sync on demand, and answers 409 while another one holds the lock", async () => {
    const res = await p.request("/api/admin/services/sync", { method: "POST", token: admin.token, json: { provider_id: providerId } });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ added: 0, deactivated: 0, errors: [] });
    expect(await auditCount("services.sync")).toBe(1);

    const held = await withJobLock(p.ctx(), "smm:sync-services", 60_000, async () => {
      const busy = await p.request("/api/admin/services/sync", { method: "POST", token: admin.token, json: {} });
      return { status: busy.status, code: (await body(busy)).error.code };
    });
    expect(held?.result).toEqual({ status: 409, code: "sync_running" });
    expect((await p.request("/api/admin/services/sync", { method: "POST", token: admin.token, json: { provider_id: 999999 } })).status).toBe(404);
  });

  it("re-prices the catalogue when an admin changes the platform margin setting", async () => {
    const service = await firstService("facebook-page-likes");
    const res = await p.request("/api/admin/settings/platform_margin_bp", { method: "PUT", token: admin.token, json: { value: "4000" } });
    expect(res.status).toBe(200);
    const after = await p.services.db.selectFrom("services").select("rate").where("id", "=", service.id).executeTakeFirstOrThrow();
    expect(Number(after.rate)).toBe(Math.round(Number(service.base_rate) * 1.4));
    await p.request("/api/admin/settings/platform_margin_bp", { method: "PUT", token: admin.token, json: { value: "3000" } });
  });
});
