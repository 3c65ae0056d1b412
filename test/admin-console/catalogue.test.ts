import { openProviderKey } from "../../src/providers/provider-key.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { syncServices } from "../../src/catalog/sync.ts";
import { settleSyncRuns } from "../../src/catalog/sync-runs.ts";
import { dbNow } from "../../src/lib/time.ts";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, makePlatform, signUpAdmin, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { deadUrl, SECRET_KEY, simWithRow, type SimProvider } from "../providers/support.ts";
import { csrfFrom, insertSite, post } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

describeEachDialect("admin console: catalogue", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let providerId: number;
  let admin: Awaited<ReturnType<typeof staffJar>>;

  const service = (slug = "instagram-followers") =>
    p.services.db
      .selectFrom("services")
      .innerJoin("categories", "categories.id", "services.category_id")
      .selectAll("services")
      .where("categories.slug", "=", slug)
      .where("services.is_active", "=", 1)
      .orderBy("services.id")
      .executeTakeFirstOrThrow();
  const send = async (path: string, fields: Record<string, string>, jar = admin.jar) => {
    const page = await visit(p, jar, "/admin/catalogue/categories");
    return post(p, "izyboost.test", path, jar, { _csrf: csrfFrom(page.html), ...fields });
  };

  beforeAll(async () => {
    p = await makePlatform(dialect);
    ({ sim, providerId } = await simWithRow(p, { name: "Sim panel" }));
    await syncServices(p.ctx(), { providerId });
    admin = await staffJar(p, "admin");
  });
  afterAll(async () => {
    await settleSyncRuns(p.services);
    await sim.close();
    await p.close();
  });

  it("lists services with filters kept in the URL, and edits one in both languages (the storefront shows the page's language)", async () => {
    const s = await service();
    const list = await visit(
      p,
      admin.jar,
      `/admin/catalogue?search=${encodeURIComponent(s.name.slice(0, 12))}&provider_id=${providerId}&is_active=1&type=Default`,
    );
    expect(list.res.status).toBe(200);
    expect(list.html).toContain(`/admin/catalogue/services/${s.id}`);
    expect(list.html).toContain('name="back" value="/admin/catalogue?search=');
    const page2 = await visit(p, admin.jar, "/admin/catalogue?page=2");
    expect(page2.html).toContain("page=3");

    const edit = await visit(p, admin.jar, `/admin/catalogue/services/${s.id}`);
    expect(edit.res.status).toBe(200);
    const saved = await post(p, "izyboost.test", `/admin/catalogue/services/${s.id}`, admin.jar, {
      _csrf: csrfFrom(edit.html),
      name: s.name,
      name_fr: "Abonnés Instagram garantis",
      name_en: "Guaranteed Instagram followers",
      description_fr: "Démarrage rapide",
      description_en: "",
      category_id: String(s.category_id),
      min: String(s.min),
      max: String(s.max),
      margin: "12,5",
      is_active: "1",
    });
    expect(saved.res.status).toBe(303);
    const row = await p.services.db.selectFrom("services").selectAll().where("id", "=", s.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name_fr: "Abonnés Instagram garantis",
      name_en: "Guaranteed Instagram followers",
      description_fr: "Démarrage rapide",
      margin_bp: 1250,
    });
    expect(row.description_en).toBeNull();
    expect(await auditRows(p, "services.update", s.id)).toHaveLength(1);
    const fr = await (await p.request(`/services/${s.id}?lang=fr`)).text();
    const en = await (await p.request(`/services/${s.id}?lang=en`)).text();
    expect(fr).toContain("Abonnés Instagram garantis");
    expect(fr).toContain("Démarrage rapide");
    expect(en).toContain("Guaranteed Instagram followers");
    // The JSON admin API shows the same texts.
    const api = await body(await p.request(`/api/admin/services?search=Guaranteed`, { token: (await signUpAdmin(p)).token }));
    expect(api.data.map((x: { id: number }) => x.id)).toContain(s.id);
    expect(api.data[0]).toMatchObject({ name_en: "Guaranteed Instagram followers" });
  });

  it("a refused service form names each field in error and keeps what was typed", async () => {
    const s = await service("tiktok-likes");
    const edit = await visit(p, admin.jar, `/admin/catalogue/services/${s.id}`);
    const refused = await post(p, "izyboost.test", `/admin/catalogue/services/${s.id}`, admin.jar, {
      _csrf: csrfFrom(edit.html),
      name: "Kept name",
      name_fr: "Nom gardé",
      category_id: String(s.category_id),
      min: "abc",
      max: String((s.provider_max ?? 1000) + 1),
      margin: "beaucoup",
      is_active: "1",
    });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-min-error"');
    expect(refused.html).toContain('id="f-margin_bp-error"');
    expect(refused.html).toContain('value="Kept name"');
    expect(refused.html).toContain('value="Nom gardé"');
    expect(refused.html).toContain('value="beaucoup"');
    const overMax = await post(p, "izyboost.test", `/admin/catalogue/services/${s.id}`, admin.jar, {
      _csrf: csrfFrom(edit.html),
      name: s.name,
      category_id: String(s.category_id),
      min: String(s.min),
      max: String((s.provider_max ?? 1000) + 1),
      margin: "",
      is_active: "1",
    });
    expect(overMax.res.status).toBe(422);
    expect(overMax.html).toContain('id="f-max-error"');
    expect((await p.services.db.selectFrom("services").select("name").where("id", "=", s.id).executeTakeFirstOrThrow()).name).toBe(s.name);
  });

  it("switches several services off only after a confirmation that says what happens, audited", async () => {
    const rows = await p.services.db.selectFrom("services").select("id").where("is_active", "=", 1).orderBy("id", "desc").limit(2).execute();
    const ids = rows.map((r) => String(r.id));
    const list = await visit(p, admin.jar, "/admin/catalogue");
    const fields: [string, string][] = [
      ["_csrf", csrfFrom(list.html)],
      ["back", "/admin/catalogue?is_active=1"],
      ["is_active", "0"],
      ...ids.map((id): [string, string] => ["ids", id]),
    ];
    const form = new URLSearchParams(fields);
    const ask = await p.request("/admin/catalogue/bulk", {
      method: "POST",
      headers: { cookie: admin.jar.header(), "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain('action="/admin/catalogue/bulk/confirm"');
    expect(html).toMatch(/2 service\(s\)/);
    expect((await p.services.db.selectFrom("services").select("is_active").where("id", "=", rows[0]!.id).executeTakeFirstOrThrow()).is_active).toBe(1);
    const done = await p.request("/admin/catalogue/bulk/confirm", {
      method: "POST",
      headers: { cookie: admin.jar.header(), "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/admin/catalogue?is_active=1&done=deactivated&n=2");
    const after = await p.services.db
      .selectFrom("services")
      .select("is_active")
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    expect(after.every((r) => Number(r.is_active) === 0)).toBe(true);
    const audit = await p.services.db.selectFrom("audit_logs").select("data").where("action", "=", "services.bulk_update").execute();
    expect(audit.length).toBeGreaterThan(0);
    // The same verb on the admin API.
    const token = (await signUpAdmin(p)).token;
    const api = await p.request("/api/admin/services/bulk", { method: "POST", token, json: { ids: rows.map((r) => r.id), is_active: true } });
    expect(await body(api)).toEqual({ data: { updated: 2, skipped: 0 } });
    // The way back is only ever the list itself.
    const away = await post(p, "izyboost.test", "/admin/catalogue/bulk/confirm", admin.jar, {
      _csrf: csrfFrom(list.html),
      back: "//evil.example/admin/catalogue",
      is_active: "1",
      ids: ids[0]!,
    });
    expect(away.res.headers.get("location")).toBe("/admin/catalogue?done=activated&n=0");
  });

  it("categories: add with a built-in icon, refuse a duplicate name on its field, move, refuse deleting one with services, delete an empty one", async () => {
    const name = `Cat ${uniqueName("k")}`;
    const made = await send("/admin/catalogue/categories", { name, name_fr: `${name} FR`, name_en: "", icon: "star", is_active: "1" });
    expect(made.res.status).toBe(303);
    const cat = await p.services.db.selectFrom("categories").selectAll().where("name", "=", name).executeTakeFirstOrThrow();
    expect(cat).toMatchObject({ icon: "star", name_fr: `${name} FR`, name_en: null });
    expect(await auditRows(p, "categories.create", cat.id)).toHaveLength(1);

    const dup = await send("/admin/catalogue/categories", { name, icon: "nope", is_active: "1" });
    expect(dup.res.status).toBe(422);
    expect(dup.html).toContain('id="f-icon-error"');
    const dupName = await send("/admin/catalogue/categories", { name, icon: "", is_active: "1" });
    expect(dupName.res.status).toBe(422);
    expect(dupName.html).toContain('id="f-name-error"');
    expect(dupName.html).toContain(`value="${name}"`);

    const before = await p.services.db.selectFrom("categories").select(["id"]).orderBy("sort_order").orderBy("name").execute();
    const moved = await send(`/admin/catalogue/categories/${cat.id}/move`, { direction: "up" });
    expect(moved.res.status).toBe(303);
    const order = (await p.services.db.selectFrom("categories").select(["id"]).orderBy("sort_order").orderBy("name").execute()).map((r) => r.id);
    expect(order.indexOf(cat.id)).toBe(before.findIndex((r) => r.id === cat.id) - 1);

    const full = await service();
    const refused = await send(`/admin/catalogue/categories/${full.category_id}/delete`, {});
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-category-error"');
    expect(await p.services.db.selectFrom("categories").select("id").where("id", "=", full.category_id).executeTakeFirst()).toBeTruthy();
    const deleted = await send(`/admin/catalogue/categories/${cat.id}/delete`, {});
    expect(deleted.res.status).toBe(303);
    expect(await p.services.db.selectFrom("categories").select("id").where("id", "=", cat.id).executeTakeFirst()).toBeUndefined();
    expect(await auditRows(p, "categories.delete", cat.id)).toHaveLength(1);

    // The admin API has the same verbs.
    const token = (await signUpAdmin(p)).token;
    const created = await p.request("/api/admin/services/categories", { method: "POST", token, json: { name: `${name} api`, icon: "globe" } });
    expect(created.status).toBe(201);
    const id = (await body(created)).data.id;
    expect((await p.request(`/api/admin/services/categories/${full.category_id}`, { method: "DELETE", token })).status).toBe(422);
    expect((await p.request(`/api/admin/services/categories/${id}`, { method: "DELETE", token })).status).toBe(204);
  });

  it("providers: add (the key never comes back), edit keeping the key, test the connection in words, refuse a bad URL on its field", async () => {
    const list = await visit(p, admin.jar, "/admin/catalogue/providers");
    expect(list.html).toContain("Sim panel");
    expect(list.html).not.toContain(SECRET_KEY);
    const bad = await post(p, "izyboost.test", "/admin/catalogue/providers", admin.jar, {
      _csrf: csrfFrom(list.html),
      name: "Second panel",
      url: "ftp://nope",
      key: SECRET_KEY,
      currency: "USD",
      exchange_rate: "600",
    });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-url-error"');
    expect(bad.html).toContain('value="Second panel"');
    expect(bad.html).not.toContain(SECRET_KEY);

    const added = await post(p, "izyboost.test", "/admin/catalogue/providers", admin.jar, {
      _csrf: csrfFrom(list.html),
      name: "Second panel",
      url: sim.url,
      key: SECRET_KEY,
      currency: "USD",
      exchange_rate: "600",
    });
    expect(added.res.status).toBe(303);
    const id = Number(/providers\/(\d+)/.exec(added.res.headers.get("location")!)![1]);
    const page = await visit(p, admin.jar, `/admin/catalogue/providers/${id}`);
    expect(page.html).not.toContain(SECRET_KEY);
    expect(page.html).toContain(`••••${SECRET_KEY.slice(-4)}`);
    const saved = await post(p, "izyboost.test", `/admin/catalogue/providers/${id}`, admin.jar, {
      _csrf: csrfFrom(page.html),
      name: "Second panel renamed",
      url: sim.url,
      key: "",
      currency: "USD",
      exchange_rate: "655,957",
      is_active: "1",
    });
    expect(saved.res.status).toBe(303);
    const row = await p.services.db.selectFrom("api_providers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.name).toBe("Second panel renamed");
    // Stored sealed, and still the key typed at creation (a blank field keeps it).
    expect(row.api_key).not.toContain(SECRET_KEY);
    expect(openProviderKey(p.services.config, row.api_key)).toBe(SECRET_KEY);
    expect(Number(row.exchange_rate)).toBe(655_957_000);
    expect(await auditRows(p, "providers.update", id)).toHaveLength(1);

    const tested = await post(p, "izyboost.test", `/admin/catalogue/providers/${id}/test`, admin.jar, { _csrf: csrfFrom(page.html) });
    expect(tested.res.status).toBe(200);
    expect(tested.html).toMatch(/Solde lu|Balance read/);
    expect(tested.html).toMatch(/Catalogue lu|Catalogue read/);

    await p.services.db
      .updateTable("api_providers")
      .set({ url: await deadUrl() })
      .where("id", "=", id)
      .execute();
    const down = await post(p, "izyboost.test", `/admin/catalogue/providers/${id}/test`, admin.jar, { _csrf: csrfFrom(page.html) });
    expect(down.html).toMatch(/injoignable|cannot be reached/);
    const token = (await signUpAdmin(p)).token;
    const api = await body(await p.request(`/api/admin/services/providers/${id}/test`, { method: "POST", token }));
    expect(api.data.balance).toMatchObject({ ok: false, kind: "transient" });
    expect(JSON.stringify(api)).not.toContain(SECRET_KEY);
  });

  it("sync now runs in the background: a page with progress that refreshes itself, then the report; the admin API starts and reads the same runs", async () => {
    const list = await visit(p, admin.jar, "/admin/catalogue/providers");
    const started = await post(p, "izyboost.test", "/admin/catalogue/sync", admin.jar, { _csrf: csrfFrom(list.html), provider_id: String(providerId) });
    expect(started.res.status).toBe(303);
    const where = started.res.headers.get("location")!;
    expect(where).toMatch(/^\/admin\/catalogue\/sync\/[0-9a-f-]{36}$/);
    await settleSyncRuns(p.services);
    const report = await visit(p, admin.jar, where);
    expect(report.res.status).toBe(200);
    expect(report.res.headers.get("refresh")).toBeNull();
    expect(report.html).toMatch(/Terminée|Completed/);
    expect(report.html).toMatch(/inchangé|unchanged/);
    expect(await p.services.db.selectFrom("audit_logs").select("id").where("action", "=", "services.sync").execute()).not.toHaveLength(0);

    // A run still going: the page asks the browser to reload in 2 s and shows where it is.
    const now = dbNow();
    const uuid = crypto.randomUUID();
    await p.services.db
      .insertInto("catalog_sync_runs")
      .values({ uuid, status: "running", step: "Syncing Sim panel", total: 200, done: 50, created_at: now, updated_at: now })
      .execute();
    const going = await visit(p, admin.jar, `/admin/catalogue/sync/${uuid}`);
    expect(going.res.headers.get("refresh")).toBe("2");
    expect(going.html).toContain('value="25"');
    // …and a second start is refused while it runs.
    const token = (await signUpAdmin(p)).token;
    expect((await p.request("/api/admin/services/sync-runs", { method: "POST", token, json: {} })).status).toBe(409);
    const busy = await post(p, "izyboost.test", "/admin/catalogue/sync", admin.jar, { _csrf: csrfFrom(list.html) });
    expect(busy.res.status).toBe(409);
    // A run that stopped moving long ago (the server restarted) no longer blocks: it is marked failed.
    await p.services.db
      .updateTable("catalog_sync_runs")
      .set({ updated_at: dbNow(undefined, -60 * 60_000) })
      .where("uuid", "=", uuid)
      .execute();

    const apiStart = await p.request("/api/admin/services/sync-runs", { method: "POST", token, json: { provider_id: providerId } });
    expect(apiStart.status).toBe(202);
    const run = (await body(apiStart)).data;
    expect(run).toMatchObject({ status: "running" });
    await settleSyncRuns(p.services);
    const done = (await body(await p.request(`/api/admin/services/sync-runs/${run.uuid}`, { token }))).data;
    expect(done.status).toBe("completed");
    expect(done.report.providers[0]).toMatchObject({ provider_id: providerId });
    expect(done.total).toBeGreaterThan(0);
    expect(done.done).toBe(done.total);
    const stopped = (await body(await p.request(`/api/admin/services/sync-runs/${uuid}`, { token }))).data;
    expect(stopped).toMatchObject({ status: "failed", error: expect.stringContaining("Interrupted") });
  });

  it("support staff cannot open the catalogue nor change it; the catalogue pages are 404 on a site host", async () => {
    const support = await staffJar(p, "support");
    expect((await visit(p, support.jar, "/admin/catalogue")).res.status).toBe(403);
    expect((await visit(p, support.jar, "/admin/catalogue/providers")).res.status).toBe(403);
    const s = await service();
    const page = await visit(p, support.jar, "/account/settings");
    const refused = await post(p, "izyboost.test", "/admin/catalogue/bulk/confirm", support.jar, {
      _csrf: csrfFrom(page.html),
      ids: String(s.id),
      is_active: "0",
    });
    expect(refused.res.status).toBe(403);
    expect((await p.services.db.selectFrom("services").select("is_active").where("id", "=", s.id).executeTakeFirstOrThrow()).is_active).toBe(1);
    const { host } = await insertSite(p);
    for (const path of ["/admin/catalogue", "/admin/catalogue/categories", "/admin/catalogue/providers", `/admin/catalogue/services/${s.id}`])
      expect((await visit(p, admin.jar, path, host)).res.status).toBe(404);
  });
});
