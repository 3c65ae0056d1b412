import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, countRows, deposit, expectLedgerHolds, makeMethod, newRef, signUpAdmin, verify } from "../wallet/helpers.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { parseMoney } from "../../src/money/money.ts";
import { plainSpaces } from "../harness/money.ts";
import { debit } from "../../src/wallet/ledger.ts";

describeEachDialect("admin users", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof signUpAdmin>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  const adjust = async (userId: number, json: unknown, headers: Record<string, string> = {}) => {
    const res = await p.request(`/api/admin/users/${userId}/adjust-balance`, { method: "POST", token: admin.token, json, headers });
    return { res, status: res.status, json: await body(res) };
  };

  it("lists platform users with search, role and banned filters, paginated", async () => {
    const tag = uniqueName("zq");
    const res = await p.request("/api/register", {
      method: "POST",
      json: { username: `${tag}_a`, email: `${tag}@example.com`, password: "long-enough-1", full_name: "Awa Koné" },
    });
    const a = (await body(res)).data.user;
    const bRes = await p.request("/api/register", { method: "POST", json: { username: `${tag}_b`, email: `b${tag}@example.com`, password: "long-enough-1" } });
    const b = (await body(bRes)).data.user;
    await p.request(`/api/admin/users/${b.id}/toggle-ban`, { method: "POST", token: admin.token, json: { reason: "spam" } });

    const found = await body(await p.request(`/api/admin/users?search=${tag}`, { token: admin.token }));
    expect(found.meta).toEqual({ page: 1, per_page: 20, total: 2 });
    expect(found.data[0].password_hash).toBeUndefined();
    const banned = await body(await p.request(`/api/admin/users?search=${tag}&banned=1`, { token: admin.token }));
    expect(banned.data.map((u: any) => u.id)).toEqual([b.id]);
    expect(banned.data[0]).toMatchObject({ is_banned: true, ban_reason: "spam" });
    const byName = await body(await p.request(`/api/admin/users?search=${encodeURIComponent("Awa Ko")}`, { token: admin.token }));
    expect(byName.data.map((u: any) => u.id)).toContain(a.id);
    const admins = await body(await p.request(`/api/admin/users?role=admin&per_page=100`, { token: admin.token }));
    expect(admins.data.every((u: any) => u.role === "admin")).toBe(true);
    expect(admins.data.map((u: any) => u.id)).toContain(admin.user.id);
    const wild = await body(await p.request(`/api/admin/users?search=${encodeURIComponent("%")}`, { token: admin.token }));
    expect(wild.meta.total).toBe(0);
    const paged = await body(await p.request(`/api/admin/users?search=${tag}&per_page=1&page=2`, { token: admin.token }));
    expect(paged.data).toHaveLength(1);
    expect(paged.meta).toEqual({ page: 2, per_page: 1, total: 2 });
    expect((await p.request(`/api/admin/users?role=root`, { token: admin.token })).status).toBe(422);
  });

  it("shows one user with their order, spending and deposit figures", async () => {
    const u = await signUp(p);
    const m = await makeMethod(p);
    const d = await deposit(p, u.token, { payment_method_id: m.id, amount: "5000", reference: newRef() });
    await verify(p, admin.token, d.json.data.id, "approve");
    await deposit(p, u.token, { payment_method_id: m.id, amount: "700", reference: newRef() });
    await debit(p.ctx(), { userId: u.user.id, amount: parseMoney("1200")!, type: "order" });
    const res = await body(await p.request(`/api/admin/users/${u.user.id}`, { token: admin.token }));
    expect(res.data).toMatchObject({
      id: u.user.id,
      username: u.user.username,
      balance: "3800.00",
      stats: { orders_count: 0, total_spent: "1200.00", total_deposited: "5000.00", deposits_count: 1, pending_deposits: "700.00" },
    });
    expect((await p.request(`/api/admin/users/99999999`, { token: admin.token })).status).toBe(404);
    expect((await p.request(`/api/admin/users/nope`, { token: admin.token })).status).toBe(404);
  });

  it("edits a user, refusing a username or e-mail that another account uses", async () => {
    const u = await signUp(p);
    const other = await signUp(p);
    const newName = uniqueName("ed");
    const ok = await p.request(`/api/admin/users/${u.user.id}`, {
      method: "PUT",
      token: admin.token,
      json: { username: newName, email: `${newName}@EXAMPLE.com`, full_name: "Koffi Yao", language: "en" },
    });
    expect(ok.status).toBe(200);
    expect((await body(ok)).data).toMatchObject({ username: newName, email: `${newName}@example.com`, full_name: "Koffi Yao", language: "en", role: "user" });
    const audit = await p.services.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "user.update")
      .where("target_id", "=", String(u.user.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!)).toMatchObject({ before: { username: u.user.username }, after: { username: newName, language: "en" } });

    const dupEmail = await p.request(`/api/admin/users/${u.user.id}`, { method: "PUT", token: admin.token, json: { email: other.user.email } });
    expect(dupEmail.status).toBe(422);
    expect((await body(dupEmail)).error.details.email).toBeDefined();
    const dupName = await p.request(`/api/admin/users/${u.user.id}`, {
      method: "PUT",
      token: admin.token,
      json: { username: other.user.username.toUpperCase() },
    });
    expect(dupName.status).toBe(422);
    expect((await body(dupName)).error.details.username).toBeDefined();
    for (const json of [{}, { role: "root" }, { email: "nope" }, { language: "de" }, { username: "a" }]) {
      expect((await p.request(`/api/admin/users/${u.user.id}`, { method: "PUT", token: admin.token, json })).status, JSON.stringify(json)).toBe(422);
    }
    const self = await p.request(`/api/admin/users/${admin.user.id}`, { method: "PUT", token: admin.token, json: { role: "user" } });
    expect(self.status).toBe(422);
    const row = await p.services.db.selectFrom("users").select(["username", "role"]).where("id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(row.username).toBe(newName);
  });

  it("a banned user is logged out, cannot log in (403) and cannot use their API keys; unbanning restores login", async () => {
    const u = await signUp(p);
    const key = await createApiKey(p.ctx(), u.user.id, { name: "bot", permissions: ["balance.read"] });
    expect((await p.request("/api/me", { token: u.token })).status).toBe(200);
    const ban = await p.request(`/api/admin/users/${u.user.id}/toggle-ban`, { method: "POST", token: admin.token, json: { reason: "fraud" } });
    expect(ban.status).toBe(200);
    expect((await body(ban)).data).toMatchObject({ is_banned: true, ban_reason: "fraud" });
    expect(await p.services.db.selectFrom("sessions").select("id").where("user_id", "=", u.user.id).execute()).toEqual([]);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    const login = await p.request("/api/login", { method: "POST", json: { login: u.user.username, password: u.password } });
    expect(login.status).toBe(403);
    expect((await body(login)).error.code).toBe("account_banned");
    expect((await p.request("/api/v1/balance", { headers: { "x-api-key": key.raw } })).status).toBe(403);

    const unban = await p.request(`/api/admin/users/${u.user.id}/toggle-ban`, { method: "POST", token: admin.token, json: {} });
    expect((await body(unban)).data).toMatchObject({ is_banned: false, ban_reason: null });
    expect((await p.request("/api/login", { method: "POST", json: { login: u.user.username, password: u.password } })).status).toBe(200);
    const actions = (
      await p.services.db.selectFrom("audit_logs").select("action").where("target_id", "=", String(u.user.id)).where("target_type", "=", "user").execute()
    ).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["user.ban", "user.unban"]));
  });

  it("an admin cannot ban or delete themselves", async () => {
    expect((await p.request(`/api/admin/users/${admin.user.id}/toggle-ban`, { method: "POST", token: admin.token, json: {} })).status).toBe(409);
    expect((await p.request(`/api/admin/users/${admin.user.id}`, { method: "DELETE", token: admin.token })).status).toBe(409);
    expect((await p.request("/api/me", { token: admin.token })).status).toBe(200);
  });

  it("adjusts a balance up and down through the ledger, audit-logged with before and after", async () => {
    const u = await signUp(p);
    // XOF has no subunit: an adjustment of 1500.25 is refused, naming the field, and books nothing.
    const fraction = await adjust(u.user.id, { amount: "1500.25", reason: "Compensation for a failed order" });
    expect(fraction.status).toBe(422);
    expect(fraction.json.error.details.amount).toEqual(["The amount must be a whole number of XOF, without decimals"]);
    expect(await countRows(p, "transactions", u.user.id)).toBe(0);
    const up = await adjust(u.user.id, { amount: "1500", reason: "Compensation for a failed order" });
    expect(up.status).toBe(200);
    expect(up.json.data).toMatchObject({ amount: "1500.00", balance_before: "0.00", balance_after: "1500.00" });
    const down = await adjust(u.user.id, { amount: -500, reason: "Duplicate credit" });
    expect(down.status).toBe(200);
    expect(down.json.data).toMatchObject({ amount: "-500.00", balance_before: "1500.00", balance_after: "1000.00" });
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("1000"));

    const rows = (await body(await p.request("/api/wallet/transactions", { token: u.token }))).data;
    expect(rows.map((r: any) => [r.type, r.amount, r.description])).toEqual([
      ["adjustment", "-500.00", "Duplicate credit"],
      ["adjustment", "1500.00", "Compensation for a failed order"],
    ]);
    const audit = await p.services.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "user.adjust_balance")
      .where("target_id", "=", String(u.user.id))
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([admin.user.id, admin.user.id]);
    expect(JSON.parse(audit[1]!.data!)).toMatchObject({ amount: "-500.00", before: "1500.00", after: "1000.00", reason: "Duplicate credit" });
    const note = (await body(await p.request("/api/notifications", { token: u.token }))).data[0];
    expect(note).toMatchObject({ type: "balance_adjusted", title: "Solde ajusté" });
    expect(plainSpaces(note.body)).toContain("Débit de 500 F CFA");
    await expectLedgerHolds(p);
  });

  it("refuses a debit beyond the balance with 422 and changes nothing", async () => {
    const u = await signUp(p);
    await adjust(u.user.id, { amount: "100", reason: "start" });
    const txBefore = await countRows(p, "transactions", u.user.id);
    const auditBefore = await countRows(p, "audit_logs");
    const over = await adjust(u.user.id, { amount: "-101", reason: "too much" });
    expect(over.status).toBe(422);
    expect(over.json.error.code).toBe("insufficient_balance");
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("100"));
    expect(await countRows(p, "transactions", u.user.id)).toBe(txBefore);
    expect(await countRows(p, "audit_logs")).toBe(auditBefore);
    await expectLedgerHolds(p);
  });

  it("refuses malformed adjustments with 422 and per-field details", async () => {
    const u = await signUp(p);
    const cases: [unknown, string][] = [
      [{ amount: "0", reason: "nothing" }, "amount"],
      [{ amount: "12.3456789", reason: "too precise" }, "amount"],
      [{ amount: "ten", reason: "words" }, "amount"],
      [{ amount: "10" }, "reason"],
      [{ amount: "10", reason: "  " }, "reason"],
    ];
    for (const [json, field] of cases) {
      const r = await adjust(u.user.id, json);
      expect(r.status, JSON.stringify(json)).toBe(422);
      expect(r.json.error.details[field], JSON.stringify(json)).toBeDefined();
    }
    expect(await countRows(p, "transactions", u.user.id)).toBe(0);
    expect((await adjust(99_999_999, { amount: "10", reason: "ghost" })).status).toBe(404);
  });

  it("an adjustment retried with the same Idempotency-Key is applied once", async () => {
    const u = await signUp(p);
    const json = { amount: "250", reason: "Goodwill" };
    const first = await adjust(u.user.id, json, { "Idempotency-Key": "adj-1" });
    const again = await adjust(u.user.id, json, { "Idempotency-Key": "adj-1" });
    expect(first.status).toBe(200);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("250"));
    const other = await adjust(u.user.id, { amount: "251", reason: "Goodwill" }, { "Idempotency-Key": "adj-1" });
    expect(other.status).toBe(422);
    expect(await balanceOf(p, u.user.id)).toBe(parseMoney("250"));
    await expectLedgerHolds(p);
  });

  it("soft-deletes a user with a zero balance: sessions end, login fails, the account leaves the list", async () => {
    const u = await signUp(p);
    const key = await createApiKey(p.ctx(), u.user.id, { name: "bot", permissions: ["balance.read"] });
    const del = await p.request(`/api/admin/users/${u.user.id}`, { method: "DELETE", token: admin.token });
    expect(del.status).toBe(200);
    const row = await p.services.db.selectFrom("users").select("deleted_at").where("id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    expect((await p.request("/api/login", { method: "POST", json: { login: u.user.username, password: u.password } })).status).toBe(401);
    expect((await p.request("/api/v1/balance", { headers: { "x-api-key": key.raw } })).status).toBe(401);
    expect((await p.request(`/api/admin/users/${u.user.id}`, { token: admin.token })).status).toBe(404);
    expect((await p.request(`/api/admin/users/${u.user.id}`, { method: "DELETE", token: admin.token })).status).toBe(404);
  });

  it("refuses to delete a user who still has money or a pending deposit (409) and changes nothing", async () => {
    const rich = await signUp(p);
    await adjust(rich.user.id, { amount: "1", reason: "one unit" });
    const res = await p.request(`/api/admin/users/${rich.user.id}`, { method: "DELETE", token: admin.token });
    expect(res.status).toBe(409);
    expect((await body(res)).error.message).toMatch(/balance/);
    expect((await p.request("/api/me", { token: rich.token })).status).toBe(200);

    const waiting = await signUp(p);
    const m = await makeMethod(p);
    await deposit(p, waiting.token, { payment_method_id: m.id, amount: "1000", reference: newRef() });
    const res2 = await p.request(`/api/admin/users/${waiting.user.id}`, { method: "DELETE", token: admin.token });
    expect(res2.status).toBe(409);
    expect((await p.request("/api/me", { token: waiting.token })).status).toBe(200);
    await expectLedgerHolds(p);
  });

  it("every user-management endpoint answers 403 to a non-admin and changes nothing", async () => {
    const u = await signUp(p);
    const victim = await signUp(p);
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/admin/users"],
      ["GET", `/api/admin/users/${victim.user.id}`],
      ["PUT", `/api/admin/users/${victim.user.id}`, { role: "admin" }],
      ["POST", `/api/admin/users/${victim.user.id}/toggle-ban`, {}],
      ["POST", `/api/admin/users/${victim.user.id}/adjust-balance`, { amount: "1000", reason: "free money" }],
      ["DELETE", `/api/admin/users/${victim.user.id}`],
    ];
    for (const [method, path, json] of calls) {
      expect((await p.request(path, { method, token: u.token, json })).status, `${method} ${path}`).toBe(403);
      expect((await p.request(path, { method, json })).status, `${method} ${path}`).toBe(401);
    }
    const row = await p.services.db.selectFrom("users").selectAll().where("id", "=", victim.user.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ role: "user", is_banned: 0, balance: 0, deleted_at: null });
  });
});
