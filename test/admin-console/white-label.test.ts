import { plainSpaces } from "../harness/money.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { customerOf, resellerSite, type Reseller } from "../reseller/helpers.ts";
import { whiteLabelPlatform } from "../white-label/helpers.ts";
import { csrfFrom, post } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("admin console: white label", (dialect) => {
  let p: TestPlatform;
  let site: Reseller;
  let admin: Awaited<ReturnType<typeof staffJar>>;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    site = await resellerSite(p);
    admin = await staffJar(p, "admin");
    // English pages: the jar keeps the language cookie.
    await visit(p, admin.jar, "/admin/white-label?lang=en");
  });
  afterAll(() => p.close());

  const siteId = () => site.tenant.siteId;
  const periodEnd = async () =>
    (await p.services.db.selectFrom("subscriptions").select("current_period_end").where("site_id", "=", siteId()).executeTakeFirstOrThrow()).current_period_end;

  it("lists sites with filters kept in the URL, and a site's page shows its owner, plan, domain, renewal and figures", async () => {
    const byOwner = await visit(p, admin.jar, `/admin/white-label?owner=${encodeURIComponent(site.user.username)}&status=active`);
    expect(byOwner.res.status).toBe(200);
    expect(byOwner.html).toContain(`/admin/white-label/sites/${siteId()}`);
    expect(byOwner.html).toContain('<option value="active" selected>');
    expect(byOwner.html).toContain(`value="${site.user.username}"`);
    const other = await visit(p, admin.jar, "/admin/white-label?owner=nobody-has-this-name");
    expect(other.html).not.toContain(`/admin/white-label/sites/${siteId()}`);
    expect((await visit(p, admin.jar, "/admin/white-label?status=disabled")).html).not.toContain(`/admin/white-label/sites/${siteId()}`);

    const page = await visit(p, admin.jar, `/admin/white-label/sites/${siteId()}`);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(site.user.username);
    expect(page.html).toContain("Business");
    expect(page.html).toContain("Customers");
    expect(page.html).toContain("Renewal");
    expect(page.html).toContain(`/admin/white-label/sites/${siteId()}/extend`);
    // The same filter on the JSON API: one verb.
    const api = await body(await p.request(`/api/admin/white-label/sites?owner=${encodeURIComponent(site.user.username)}`, { token: admin.token }));
    expect(api.data.map((s: { id: number }) => s.id)).toEqual([siteId()]);
  });

  it("extending the renewal asks first with the new date, then moves the period end, audited; bad days name the field and keep input", async () => {
    const page = await visit(p, admin.jar, `/admin/white-label/sites/${siteId()}`);
    const csrf = csrfFrom(page.html);
    const before = await periodEnd();
    const bad = await post(p, HOST, `/admin/white-label/sites/${siteId()}/extend`, admin.jar, { _csrf: csrf, days: "ten days" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-days-error"');
    expect(bad.html).toContain('value="ten days"');

    const ask = await post(p, HOST, `/admin/white-label/sites/${siteId()}/extend`, admin.jar, { _csrf: csrf, days: "10" });
    expect(ask.res.status).toBe(200);
    expect(ask.html).toContain("Extend");
    expect(ask.html).toContain('name="confirm" value="1"');
    expect(plainSpaces(ask.html)).toMatch(/F CFA/);
    expect(await periodEnd()).toBe(before);

    const done = await post(p, HOST, `/admin/white-label/sites/${siteId()}/extend`, admin.jar, { _csrf: csrf, days: "10", confirm: "1" });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe(`/admin/white-label/sites/${siteId()}?done=extended`);
    const after = await periodEnd();
    expect(new Date(`${after.replace(" ", "T")}Z`).getTime() - new Date(`${before.replace(" ", "T")}Z`).getTime()).toBe(10 * 86_400_000);
    const row = await p.services.db.selectFrom("white_label_sites").select("expires_at").where("id", "=", siteId()).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(after);
    expect(await auditRows(p, "white_label.site.extend", siteId())).toHaveLength(1);
    // The JSON admin API has the same verb.
    const viaApi = await p.request(`/api/admin/white-label/sites/${siteId()}/extend`, { method: "POST", token: admin.token, json: { days: 0 } });
    expect(viaApi.status).toBe(422);
    expect(Object.keys((await body(viaApi)).error.details)).toEqual(["days"]);
  });

  it("disables and re-enables a site (its storefront answers 503 meanwhile), each audited", async () => {
    const page = await visit(p, admin.jar, `/admin/white-label/sites/${siteId()}`);
    const off = await post(p, HOST, `/admin/white-label/sites/${siteId()}/toggle-status`, admin.jar, { _csrf: csrfFrom(page.html) });
    expect(off.res.headers.get("location")).toContain("done=disabled");
    expect((await p.request("/", { host: site.host })).status).toBe(503);
    const on = await post(p, HOST, `/admin/white-label/sites/${siteId()}/toggle-status`, admin.jar, { _csrf: csrfFrom(page.html) });
    expect(on.res.headers.get("location")).toContain("done=enabled");
    expect((await p.request("/", { host: site.host })).status).toBe(200);
    expect(await auditRows(p, "white_label.site.toggle_status", siteId())).toHaveLength(2);
  });

  it("creates a plan after confirming its prices, refuses bad input naming the field, confirms a price change, deactivates it", async () => {
    const form = await visit(p, admin.jar, "/admin/white-label/plans/new");
    const csrf = csrfFrom(form.html);
    const fields = {
      _csrf: csrf,
      slug: "pro-test",
      name: "Pro test",
      description: "For testing",
      price_monthly: "12 500",
      price_yearly: "125000",
      max_customers: "",
      features: "One\nTwo",
      sort_order: "9",
      allows_custom_domain: "1",
      is_active: "1",
    };
    const bad = await post(p, HOST, "/admin/white-label/plans", admin.jar, { ...fields, price_monthly: "-5", max_customers: "many" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-price-monthly-error"');
    expect(bad.html).toContain('id="f-max-customers-error"');
    expect(bad.html).toContain('value="many"');
    expect(bad.html).toContain('value="pro-test"');

    const ask = await post(p, HOST, "/admin/white-label/plans", admin.jar, fields);
    expect(ask.res.status).toBe(200);
    expect(plainSpaces(ask.html)).toContain("F CFA 12,500");
    expect(plainSpaces(ask.html)).toContain("F CFA 125,000");
    expect(await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "pro-test").executeTakeFirst()).toBeUndefined();
    const made = await post(p, HOST, "/admin/white-label/plans", admin.jar, { ...fields, confirm: "1" });
    expect(made.res.status).toBe(303);
    const plan = await p.services.db.selectFrom("white_label_plans").selectAll().where("slug", "=", "pro-test").executeTakeFirstOrThrow();
    expect(plan.price_monthly).toBe(12_500_000_000);
    expect(plan.max_customers).toBeNull();
    expect(JSON.parse(plan.features ?? "[]")).toEqual(["One", "Two"]);
    expect(await auditRows(p, "white_label.plan.create", plan.id)).toHaveLength(1);
    const taken = await post(p, HOST, "/admin/white-label/plans", admin.jar, { ...fields, confirm: "1" });
    expect(taken.res.status).toBe(422);
    expect(taken.html).toContain('id="f-slug-error"');

    // Same prices: saved at once; new prices: asked first, showing old → new.
    const edit = { ...fields, name: "Pro renamed", max_customers: "50" };
    expect((await post(p, HOST, `/admin/white-label/plans/${plan.id}`, admin.jar, edit)).res.status).toBe(303);
    const reprice = await post(p, HOST, `/admin/white-label/plans/${plan.id}`, admin.jar, { ...edit, price_monthly: "15000" });
    expect(reprice.res.status).toBe(200);
    expect(plainSpaces(reprice.html)).toContain("F CFA 12,500 → F CFA 15,000");
    expect(
      (await p.services.db.selectFrom("white_label_plans").select("price_monthly").where("id", "=", plan.id).executeTakeFirstOrThrow()).price_monthly,
    ).toBe(12_500_000_000);
    expect((await post(p, HOST, `/admin/white-label/plans/${plan.id}`, admin.jar, { ...edit, price_monthly: "15000", confirm: "1" })).res.status).toBe(303);
    const saved = await p.services.db.selectFrom("white_label_plans").selectAll().where("id", "=", plan.id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ name: "Pro renamed", price_monthly: 15_000_000_000, max_customers: 50 });

    await post(p, HOST, `/admin/white-label/plans/${plan.id}/active`, admin.jar, { _csrf: csrf, is_active: "0" });
    const offered = await body(await p.request("/api/white-label/plans"));
    expect(offered.data.map((x: { slug: string }) => x.slug)).not.toContain("pro-test");
    expect(await auditRows(p, "white_label.plan.update", plan.id)).toHaveLength(3);
    // The JSON admin API creates plans with the same verb and rules.
    const viaApi = await p.request("/api/admin/white-label/plans", { method: "POST", token: admin.token, json: { slug: "Bad Slug", name: "x" } });
    expect(viaApi.status).toBe(422);
    expect(Object.keys((await body(viaApi)).error.details).sort()).toEqual(["name", "price_monthly", "price_yearly", "slug"]);
  });

  it("edits and deactivates a template; the purchase no longer offers it", async () => {
    const t = await p.services.db.selectFrom("white_label_templates").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    const form = await visit(p, admin.jar, `/admin/white-label/templates/${t.id}`);
    const csrf = csrfFrom(form.html);
    const bad = await post(p, HOST, `/admin/white-label/templates/${t.id}`, admin.jar, { _csrf: csrf, name: "x", description: "Kept words", sort_order: "1" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-name-error"');
    expect(bad.html).toContain("Kept words");
    const ok = await post(p, HOST, `/admin/white-label/templates/${t.id}`, admin.jar, { _csrf: csrf, name: "Renamed theme", description: "", sort_order: "1" });
    expect(ok.res.status).toBe(303);
    const row = await p.services.db.selectFrom("white_label_templates").selectAll().where("id", "=", t.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: "Renamed theme", is_active: 0 });
    expect(await auditRows(p, "white_label.template.update", t.id)).toHaveLength(1);
    const api = await body(await p.request("/api/white-label/templates"));
    expect(api.data.map((x: { id: number }) => x.id)).not.toContain(t.id);
    await post(p, HOST, `/admin/white-label/templates/${t.id}/active`, admin.jar, { _csrf: csrf, is_active: "1" });
    expect((await p.services.db.selectFrom("white_label_templates").select("is_active").where("id", "=", t.id).executeTakeFirstOrThrow()).is_active).toBe(1);
  });

  it("offers an installed theme with no template as a new template; a theme that has one, or none installed, is refused by name", async () => {
    const free = await p.services.db.selectFrom("white_label_templates").select(["id", "slug"]).where("slug", "=", "savane").executeTakeFirstOrThrow();
    await p.services.db.deleteFrom("white_label_templates").where("id", "=", free.id).execute();
    const page = await visit(p, admin.jar, "/admin/white-label/plans");
    expect(page.html).toContain('<option value="savane"');
    const csrf = csrfFrom(page.html);
    const taken = await post(p, HOST, "/admin/white-label/templates", admin.jar, {
      _csrf: csrf,
      slug: "aurora",
      name: "Kept name",
      description: "",
      sort_order: "0",
    });
    expect(taken.res.status).toBe(422);
    expect(taken.html).toContain('id="f-slug-error"');
    expect(taken.html).toContain('value="Kept name"');
    const made = await post(p, HOST, "/admin/white-label/templates", admin.jar, {
      _csrf: csrf,
      slug: "savane",
      name: "Savane",
      description: "Warm",
      sort_order: "3",
      is_active: "1",
    });
    expect(made.res.status).toBe(303);
    const row = await p.services.db.selectFrom("white_label_templates").selectAll().where("slug", "=", "savane").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: "Savane", is_active: 1, sort_order: 3 });
    expect(await auditRows(p, "white_label.template.create", row.id)).toHaveLength(1);
    expect((await visit(p, admin.jar, "/admin/white-label/plans")).html).not.toContain('<option value="savane"');
    const viaApi = await p.request("/api/admin/white-label/templates", { method: "POST", token: admin.token, json: { slug: "no-such-theme", name: "Nope" } });
    expect(viaApi.status).toBe(422);
    expect(Object.keys((await body(viaApi)).error.details)).toEqual(["slug"]);
  });

  it("lists subscriptions and invoices; an invoice page names the platform, customer, plan, period, amount, number and date", async () => {
    const subs = await visit(p, admin.jar, "/admin/white-label/subscriptions?status=active");
    expect(subs.html).toContain(`/admin/white-label/sites/${siteId()}`);
    expect(subs.html).toContain('<option value="active" selected>');
    const invoice = await p.services.db.selectFrom("invoices").selectAll().where("user_id", "=", site.user.id).executeTakeFirstOrThrow();
    const list = await visit(p, admin.jar, `/admin/white-label/invoices?search=${encodeURIComponent(site.user.username)}`);
    expect(list.html).toContain(`/admin/white-label/invoices/${invoice.uuid}`);
    expect(list.html).toContain(`value="${site.user.username}"`);
    const page = await visit(p, admin.jar, `/admin/white-label/invoices/${invoice.uuid}`);
    expect(page.res.status).toBe(200);
    for (const text of ["IzyBoost", invoice.number, site.user.username, site.user.email, "Business", "Purchase of a white-label site", " → ", "F CFA"]) {
      expect(plainSpaces(page.html)).toContain(text);
    }
    const api = await body(await p.request(`/api/admin/white-label/invoices/${invoice.uuid}`, { token: admin.token }));
    expect(api.data).toMatchObject({ number: invoice.number, currency: "XOF", customer: { id: site.user.id } });
    expect((await visit(p, admin.jar, "/admin/white-label/invoices/11111111-2222-4333-8444-555555555555")).res.status).toBe(404);
  });

  it("support staff and customers are refused every page and action; the console 404s on a site host", async () => {
    const support = await staffJar(p, "support");
    const user = await staffJar(p, "user");
    for (const jar of [support.jar, user.jar]) {
      expect((await visit(p, jar, "/admin/white-label")).res.status).toBe(403);
      expect((await visit(p, jar, `/admin/white-label/sites/${siteId()}`)).res.status).toBe(403);
    }
    const supportPage = await visit(p, support.jar, "/admin/support");
    expect(supportPage.html).not.toContain('href="/admin/white-label"');
    const before = await periodEnd();
    const refused = await post(p, HOST, `/admin/white-label/sites/${siteId()}/extend`, support.jar, {
      _csrf: csrfFrom(supportPage.html),
      days: "30",
      confirm: "1",
    });
    expect(refused.res.status).toBe(403);
    expect(await periodEnd()).toBe(before);
    expect((await p.request(`/api/admin/white-label/sites/${siteId()}/extend`, { method: "POST", token: support.token, json: { days: 5 } })).status).toBe(403);
    expect((await visit(p, admin.jar, "/admin/white-label", site.host)).res.status).toBe(404);
    expect((await visit(p, admin.jar, `/admin/white-label/sites/${siteId()}`, site.host)).res.status).toBe(404);
  });

  it("owner search matches platform accounts only: a site's customer with the searched name is no owner", async () => {
    const customer = await customerOf(p, site);
    // The site's customer shares the reseller's e-mail domain; searching their exact name finds no site.
    const list = await visit(p, admin.jar, `/admin/white-label?owner=${encodeURIComponent(customer.username)}`);
    expect(list.res.status).toBe(200);
    expect(list.html).not.toContain(`/admin/white-label/sites/${siteId()}`);
    expect(list.html).toContain("0 site(s)");
    // Invoices are searched the same way.
    expect((await visit(p, admin.jar, `/admin/white-label/invoices?search=${encodeURIComponent(customer.username)}`)).html).toContain("0 invoice(s)");
  });
});
