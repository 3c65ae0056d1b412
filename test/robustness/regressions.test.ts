import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp, signUpAdmin } from "../harness/platform.ts";
import { AppError, envelopeOf } from "../../src/core/errors.ts";
import { parseMoney } from "../../src/money/money.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import type { TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";

// One test per defect the robustness suites found, each through the real app.
describeEachDialect("robustness regressions", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  const count = async (table: "platform_settings" | "transactions" | "api_keys" | "audit_logs") =>
    Number(
      (
        await p.services.db
          .selectFrom(table)
          .select((e) => e.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    admin = await signUpAdmin(p);
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  it("a setting named like an Object property (__proto__, constructor, toString) is unknown: 404, nothing stored, nothing audited", async () => {
    const before = [await count("platform_settings"), await count("audit_logs")];
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const res = await p.request(`/api/admin/settings/${key}`, { method: "PUT", token: admin.token, json: { value: "x" } });
      expect(res.status, key).toBe(404);
      expect((await body(res)).error.code).toBe("not_found");
    }
    expect([await count("platform_settings"), await count("audit_logs")]).toEqual(before);
    // A real setting still saves.
    expect((await p.request("/api/admin/settings/site_name", { method: "PUT", token: admin.token, json: { value: "IzyBoost CI" } })).status).toBe(200);
  });

  it("a money setting keeps every decimal the admin typed", async () => {
    const res = await p.request("/api/admin/settings/max_deposit", { method: "PUT", token: admin.token, json: { value: "8999999999.999999" } });
    expect(res.status).toBe(200);
    expect((await body(res)).data.value).toBe("8999999999.999999");
    const row = await p.services.db.selectFrom("platform_settings").select("value").where("key", "=", "max_deposit").executeTakeFirstOrThrow();
    expect(parseMoney(row.value)).toBe(8_999_999_999_999_999);
    await p.request("/api/admin/settings/max_deposit", { method: "PUT", token: admin.token, json: { value: "5000000" } });
  });

  it("every 422 carries field details: a refusal about the request as a whole is filed under _", async () => {
    expect(envelopeOf(new AppError(422, "cancel_not_available", "Only orders still pending can be canceled"), "r1")).toEqual({
      error: {
        code: "cancel_not_available",
        message: "Only orders still pending can be canceled",
        details: { _: ["Only orders still pending can be canceled"] },
        request_id: "r1",
      },
    });
    // Other statuses keep their envelope without details.
    expect(envelopeOf(new AppError(409, "conflict", "Busy"))).toEqual({ error: { code: "conflict", message: "Busy" } });
  });

  it("/api/v2 answers an oversized body with the protocol's {error}, never the platform's envelope", async () => {
    const res = await p.request("/api/v2", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `key=sk_x&action=balance&pad=${"x".repeat(1_100_000)}`,
    });
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ error: "The request body is too large" });
    // The JSON API keeps its envelope for the same problem.
    const api = await p.request("/api/tickets", { method: "POST", token: admin.token, json: { subject: "x".repeat(1_100_000) } });
    expect(api.status).toBe(413);
    expect((await body(api)).error.code).toBe("payload_too_large");
  });

  it("/api/v2 of a suspended site answers JSON in the protocol's shape, its pages the themed 503", async () => {
    const r = await resellerWithSite(p, "100000");
    await p.services.db.updateTable("white_label_sites").set({ status: "suspended" }).where("uuid", "=", r.site.uuid).execute();
    p.invalidateTenants();
    const host = `${r.site.slug}.sites.izyboost.test`;
    const res = await p.request("/api/v2", {
      method: "POST",
      host,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "key=sk_x&action=balance",
    });
    expect(res.status).toBe(503);
    expect(await body(res)).toEqual({ error: "This panel is temporarily unavailable" });
    const page = await p.request("/", { host });
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toContain("text/html");
  });

  it("money sent as a JSON number with a seventh decimal is refused, not rounded; float noise such as 0.1 + 0.2 still reads 0.3", async () => {
    const put = (price: unknown) => p.request("/api/admin/white-label/plans/1", { method: "PUT", token: admin.token, json: { price_monthly: price } });
    const refused = await put(12.3456789);
    expect(refused.status).toBe(422);
    expect((await body(refused)).error.details.price_monthly).toBeDefined();
    expect((await p.services.db.selectFrom("white_label_plans").select("price_monthly").where("id", "=", 1).executeTakeFirstOrThrow()).price_monthly).not.toBe(
      12_345_679,
    );
    const noisy = await put(0.1 + 0.2);
    expect(noisy.status).toBe(200);
    expect(
      Number((await p.services.db.selectFrom("white_label_plans").select("price_monthly").where("id", "=", 1).executeTakeFirstOrThrow()).price_monthly),
    ).toBe(300_000);
    await put("5000");
    const user = await signUp(p);
    const before = await count("transactions");
    const dep = await p.request("/api/wallet/deposit", {
      method: "POST",
      token: user.token,
      json: { payment_method_id: 1, amount: 1000.0000001, reference: "REF-SEVENTH-1" },
    });
    expect(dep.status).toBe(422);
    expect(await count("transactions")).toBe(before);
  });

  it("true, [n], '' and '1e3' are not ids or counts: deposit method, ticket assignee, plan and key rate limit refuse them and create nothing", async () => {
    const user = await signUp(p);
    const before = [await count("transactions"), await count("api_keys")];
    for (const id of [true, [1], "", "1e0", "0x1"]) {
      const dep = await p.request("/api/wallet/deposit", {
        method: "POST",
        token: user.token,
        json: { payment_method_id: id, amount: "1000", reference: `REF-BOOL-${String(id)}` },
      });
      expect(dep.status, JSON.stringify(id)).toBe(422);
      expect((await body(dep)).error.details.payment_method_id).toBeDefined();
      const key = await p.request("/api/user/api-keys", {
        method: "POST",
        token: user.token,
        json: { name: "bot", permissions: ["orders.read"], rate_limit_per_minute: id },
      });
      expect(key.status, JSON.stringify(id)).toBe(422);
      const buy = await p.request("/api/white-label/purchase", {
        method: "POST",
        token: user.token,
        json: { plan_id: id, template_id: 1, billing_cycle: "monthly", site_name: "Shop", slug: "bool-shop-x" },
      });
      expect(buy.status, JSON.stringify(id)).toBe(422);
      expect((await body(buy)).error.details.plan_id).toBeDefined();
    }
    expect([await count("transactions"), await count("api_keys")]).toEqual(before);
    const ticket = await p.request("/api/tickets", { method: "POST", token: user.token, json: { subject: "Aide", message: "Bonjour" } });
    const uuid = (await body(ticket)).data.uuid;
    const assign = await p.request(`/api/admin/support/tickets/${uuid}/assign`, { method: "POST", token: admin.token, json: { admin_id: true } });
    expect(assign.status).toBe(422);
    expect((await body(assign)).error.details.admin_id).toBeDefined();
    // Digits as text (forms, query strings) and JSON integers still work.
    expect(
      (await p.request(`/api/admin/support/tickets/${uuid}/assign`, { method: "POST", token: admin.token, json: { admin_id: String(admin.user.id) } })).status,
    ).toBe(200);
    expect(
      (
        await p.request("/api/user/api-keys", {
          method: "POST",
          token: user.token,
          json: { name: "bot", permissions: ["orders.read"], rate_limit_per_minute: "120" },
        })
      ).status,
    ).toBe(201);
  });

  it("an API key expiring on a day that does not exist (2099-02-30) is refused, not moved to March", async () => {
    const user = await signUp(p);
    for (const expires_at of ["2099-02-30", "2099-04-31T10:00:00Z", "2099-13-01"]) {
      const res = await p.request("/api/user/api-keys", { method: "POST", token: user.token, json: { name: "bot", permissions: ["orders.read"], expires_at } });
      expect(res.status, expires_at).toBe(422);
      expect((await body(res)).error.details.expires_at).toBeDefined();
    }
    const ok = await p.request("/api/user/api-keys", {
      method: "POST",
      token: user.token,
      json: { name: "bot", permissions: ["orders.read"], expires_at: "2099-02-28" },
    });
    expect(ok.status).toBe(201);
    expect((await body(ok)).data.expires_at).toBe("2099-02-28T00:00:00.000Z");
    expect(await ledgerViolations(p.ctx())).toEqual([]);
  });

  it("a login or sign-up form with an over-long field re-renders the form with a 422, never a 500", async () => {
    for (const [path, fields] of [
      ["/login", { login: "x".repeat(191), password: "whatever-1" }],
      ["/login", { login: "someone", password: "whatever-1", next: `/${"a".repeat(400)}` }],
      ["/register", { username: "longname", email: `${"e".repeat(200)}@example.com`, password: "correct-horse-9", password_confirmation: "correct-horse-9" }],
    ] as const) {
      const jar = new Jar();
      const page = await get(p, "izyboost.test", path, jar);
      const res = await post(p, "izyboost.test", path, jar, { _csrf: csrfFrom(page.html), ...fields });
      expect(res.res.status, path).toBe(422);
      expect(res.html).toContain('name="_csrf"');
    }
  });

  it("a branding setting sent twice (primary_color and settings.primary_color) is refused, not half-read", async () => {
    const r = await resellerWithSite(p, "100000");
    const put = (json: unknown) => p.request(`/api/white-label/sites/${r.site.uuid}/branding`, { method: "PUT", token: r.token, json });
    for (const json of [
      { primary_color: "#111111", settings: { primary_color: { $gt: "" } } },
      { primary_color: "#111111", settings: { primary_color: "#222222" } },
      { contact: { email: "a@example.com" }, settings: { contact_email: "b@example.com" } },
    ]) {
      const res = await put(json);
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect(Object.keys((await body(res)).error.details)[0]).toMatch(/primary_color|contact/);
    }
    const site = await p.services.db.selectFrom("white_label_sites").select("branding").where("uuid", "=", r.site.uuid).executeTakeFirstOrThrow();
    expect(site.branding ?? "").not.toContain("#111111");
    // Each alone is fine.
    expect((await put({ primary_color: "#111111" })).status).toBe(200);
    expect((await put({ settings: { primary_color: "#222222" } })).status).toBe(200);
  });
});
