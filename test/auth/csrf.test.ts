import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { userWithKey } from "../developer-api/helpers.ts";
import { balanceOf, deposit, expectLedgerHolds, makeMethod, newRef, signUpAdmin } from "../wallet/helpers.ts";

describeEachDialect("CSRF: the session cookie only works on JSON routes with JSON from the tenant's own origin", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  let method: { id: number };
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUpAdmin(p);
    method = await makeMethod(p);
  });
  afterAll(() => p.close());

  const cookie = (token: string) => ({ cookie: `izy_session=${token}` });

  async function pendingDeposit() {
    const u = await signUp(p);
    const d = await deposit(p, u.token, { payment_method_id: method.id, amount: "5000", reference: newRef() });
    expect(d.status).toBe(201);
    return { user: u.user, txId: d.json.data.id as number };
  }

  it("a foreign site's form POST riding an admin's cookie cannot approve a deposit", async () => {
    const { user, txId } = await pendingDeposit();
    const res = await p.request(`/api/admin/finance/transactions/${txId}/verify`, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "action=approve",
    });
    expect(res.status).toBe(403);
    expect((await body(res)).error.code).toBe("csrf_refused");
    expect(await balanceOf(p, user.id)).toBe(0);
    const row = await p.services.db.selectFrom("transactions").select("status").where("id", "=", txId).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    await expectLedgerHolds(p);
  });

  it("refuses a cookie request from a foreign origin even with a JSON body, and one without Origin or Referer", async () => {
    const { user, txId } = await pendingDeposit();
    const path = `/api/admin/finance/transactions/${txId}/verify`;
    const foreign = await p.request(path, { method: "POST", headers: { ...cookie(admin.token), origin: "http://evil.example" }, json: { action: "approve" } });
    expect(foreign.status).toBe(403);
    const lookalike = await p.request(path, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "http://izyboost.test.evil.example" },
      json: { action: "approve" },
    });
    expect(lookalike.status).toBe(403);
    const otherScheme = await p.request(path, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "https://izyboost.test" },
      json: { action: "approve" },
    });
    expect(otherScheme.status).toBe(403);
    const anonymous = await p.request(path, { method: "POST", headers: cookie(admin.token), json: { action: "approve" } });
    expect(anonymous.status).toBe(403);
    const badReferer = await p.request(path, {
      method: "POST",
      headers: { ...cookie(admin.token), referer: "http://evil.example/izyboost.test/" },
      json: { action: "approve" },
    });
    expect(badReferer.status).toBe(403);
    expect(await balanceOf(p, user.id)).toBe(0);
  });

  it("refuses form and text/plain bodies from the tenant's own origin on a JSON route", async () => {
    const { user, txId } = await pendingDeposit();
    const path = `/api/admin/finance/transactions/${txId}/verify`;
    const form = await p.request(path, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "http://izyboost.test", "content-type": "application/x-www-form-urlencoded" },
      body: "action=approve",
    });
    expect(form.status).toBe(403);
    const text = await p.request(path, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "http://izyboost.test", "content-type": "text/plain" },
      body: '{"action":"approve"}',
    });
    expect(text.status).toBe(403);
    const multipart = new FormData();
    multipart.set("action", "approve");
    const parts = await p.request(path, { method: "POST", headers: { ...cookie(admin.token), origin: "http://izyboost.test" }, body: multipart });
    expect(parts.status).toBe(403);
    expect(await balanceOf(p, user.id)).toBe(0);
  });

  it("accepts JSON from the tenant's own origin (Origin, or Referer without Origin) with the cookie", async () => {
    const a = await pendingDeposit();
    const ok = await p.request(`/api/admin/finance/transactions/${a.txId}/verify`, {
      method: "POST",
      headers: { ...cookie(admin.token), origin: "http://izyboost.test" },
      json: { action: "approve" },
    });
    expect(ok.status).toBe(200);
    expect(await balanceOf(p, a.user.id)).toBeGreaterThan(0);
    const b = await pendingDeposit();
    const viaReferer = await p.request(`/api/admin/finance/transactions/${b.txId}/verify`, {
      method: "POST",
      headers: { ...cookie(admin.token), referer: "http://izyboost.test/admin/deposits" },
      json: { action: "reject" },
    });
    expect(viaReferer.status).toBe(200);
    await expectLedgerHolds(p);
  });

  it("leaves Bearer tokens, API keys and safe methods alone", async () => {
    const { txId } = await pendingDeposit();
    const bearer = await p.request(`/api/admin/finance/transactions/${txId}/verify`, {
      method: "POST",
      token: admin.token,
      headers: { origin: "https://evil.example" },
      json: { action: "reject" },
    });
    expect(bearer.status).toBe(200);
    const me = await p.request("/api/me", { headers: { ...cookie(admin.token), origin: "https://evil.example" } });
    expect(me.status).toBe(200);

    const u = await userWithKey(p);
    const key = u.key;
    const v1 = await p.request("/api/v1/balance", { headers: { "x-api-key": key, origin: "https://evil.example" } });
    expect(v1.status).toBe(200);
    const v2 = await p.request("/api/v2", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded", ...cookie(u.token) },
      body: `key=${key}&action=balance`,
    });
    expect(v2.status).toBe(200);
    expect((await body(v2)).currency).toBeDefined();
  });
});
