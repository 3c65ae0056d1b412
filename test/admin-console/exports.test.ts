import { afterAll, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { insertOrderRow, offlineService } from "../harness/rows.ts";
import { registerUser } from "../../src/auth/service.ts";
import { body, describeEachDialect, makePlatform, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { insertSite } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

/** A CSV body's lines, without the BOM. */
const lines = (text: string) =>
  text
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");

describeEachDialect("admin console: exports", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("an admin downloads the orders of a date range as UTF-8 CSV with BOM, money as decimals, from the page and the API alike, audited", async () => {
    const admin = await staffJar(p, "admin");
    const buyer = await signUp(p);
    const svc = await offlineService(p);
    const inside = await insertOrderRow(p, buyer.user.id, {
      ...{ service_id: svc.serviceId, provider_id: svc.providerId },
      charge: 1_250_500_000,
      link: '=HYPERLINK("http://evil")',
      status: "completed",
      created_at: "2026-03-10 12:00:00.000",
    });
    const outside = await insertOrderRow(p, buyer.user.id, { service_id: svc.serviceId, provider_id: svc.providerId, created_at: "2026-04-01 00:00:00.000" });

    const page = await visit(p, admin.jar, "/admin/exports?lang=en");
    expect(page.res.status).toBe(200);
    expect(page.html).toContain('action="/admin/exports/orders.csv"');
    expect(page.html).toContain("Referral commissions");

    const res = await p.request("/admin/exports/orders.csv?from=2026-03-01&to=2026-03-31&status=", { headers: { cookie: admin.jar.header() } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = lines(new TextDecoder().decode(bytes));
    expect(csv[0]).toBe(
      "order,created_at,user,email,service_id,service,link,quantity,charge,refunded,provider_cost,currency,status,provider_order,source,completed_at",
    );
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(inside.uuid);
    expect(csv[1]).toContain(",1250.50,0.00,0.00,XOF,completed,");
    // A formula typed by a customer is made inert text.
    expect(csv[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.join("\n")).not.toContain(outside.uuid);

    const api = await p.request("/api/admin/exports/orders.csv?from=2026-03-01&to=2026-03-31", { token: admin.token });
    expect(api.status).toBe(200);
    expect(lines(await api.text())).toEqual(csv);
    expect(await auditRows(p, "export.download", "orders")).toHaveLength(2);
  });

  it("the users export carries no password hash; deposits, transactions and commissions export with their columns", async () => {
    const admin = await staffJar(p, "admin");
    const users = await p.request("/api/admin/exports/users.csv", { token: admin.token });
    const text = await users.text();
    expect(lines(text)[0]).not.toMatch(/password|hash|token|key/);
    expect(text).toContain(admin.user.email);
    expect(text).not.toContain("$argon2");
    for (const kind of ["transactions", "deposits", "commissions"]) {
      const res = await p.request(`/api/admin/exports/${kind}.csv?status=pending`, { token: admin.token });
      expect(res.status).toBe(200);
      expect(lines(await res.text()).length).toBeGreaterThanOrEqual(1);
    }
  });

  it("a bad date or status names its field and keeps the input; the API answers 422 with the field", async () => {
    const admin = await staffJar(p, "admin");
    const refused = await visit(p, admin.jar, "/admin/exports/orders.csv?from=2026-05-10&to=2026-05-01&status=completed&lang=en");
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-orders-to-error"');
    expect(refused.html).toContain("not before the start date");
    expect(refused.html).toContain('value="2026-05-10"');
    expect(refused.html).toContain('<option value="completed" selected>');
    const badStatus = await visit(p, admin.jar, "/admin/exports/users.csv?status=completed");
    expect(badStatus.res.status).toBe(422);
    expect(badStatus.html).toContain('id="f-users-status-error"');
    const api = await p.request("/api/admin/exports/deposits.csv?from=yesterday", { token: admin.token });
    expect(api.status).toBe(422);
    expect((await body(api)).error.details.from).toBeDefined();
    expect((await p.request("/api/admin/exports/secrets.csv", { token: admin.token })).status).toBe(404);
  });

  it("support staff and customers are refused exports; a site's rows never appear in the platform's export; the console 404s on a site host", async () => {
    const support = await staffJar(p, "support");
    expect((await visit(p, support.jar, "/admin/exports")).res.status).toBe(403);
    expect((await visit(p, support.jar, "/admin/exports/users.csv")).res.status).toBe(403);
    expect((await p.request("/api/admin/exports/users.csv", { token: support.token })).status).toBe(403);
    const customer = await signUp(p);
    expect((await p.request("/api/admin/exports/orders.csv", { token: customer.token })).status).toBe(403);

    const admin = await staffJar(p, "admin");
    const { site, host } = await insertSite(p);
    const siteCustomer = await registerUser(p.ctx({ kind: "site", siteId: site.id, site }), {
      username: uniqueName("c"),
      email: `${uniqueName("c")}@example.com`,
      password: "correct-horse-9",
      welcome: false,
    });
    const siteOrder = await insertOrderRow(p, siteCustomer.id, { site_id: site.id });
    const orders = await (await p.request("/api/admin/exports/orders.csv", { token: admin.token })).text();
    expect(orders).not.toContain(siteOrder.uuid);
    const usersCsv = await (await p.request("/api/admin/exports/users.csv", { token: admin.token })).text();
    expect(usersCsv).not.toContain(siteCustomer.email);
    expect((await visit(p, admin.jar, "/admin/exports", host)).res.status).toBe(404);
    expect((await visit(p, admin.jar, "/admin/exports/orders.csv", host)).res.status).toBe(404);
  });
});
