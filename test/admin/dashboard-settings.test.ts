import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { registerUser } from "../../src/auth/service.ts";
import { rollupStatistics } from "../../src/statistics/rollup.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { parseMoney } from "../../src/money/money.ts";

describeEachDialect("admin dashboard and settings", (dialect) => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    await registerUser(p.ctx(), { username: "boss", email: "boss@example.com", password: "boss-password-1", role: "admin", welcome: false });
    const res = await p.request("/api/login", { method: "POST", json: { login: "boss", password: "boss-password-1" } });
    admin = (await body(res)).data.token;
  });
  afterAll(() => p.close());

  it("the dashboard counts users, deposits and sites", async () => {
    const u = await signUp(p);
    await credit(p.ctx(), { userId: u.user.id, amount: parseMoney("2500")!, type: "deposit" });
    const res = await p.request("/api/admin/dashboard", { token: admin });
    expect(res.status).toBe(200);
    const d = (await body(res)).data;
    expect(d.users.total).toBeGreaterThanOrEqual(2);
    expect(d.users.new_today).toBeGreaterThanOrEqual(2);
    expect(d.periods.last_30_days.revenue).toMatch(/^-?\d+\.\d{2,}$/);
    expect(d.revenue.today).toMatch(/^-?\d+\.\d{2,}$/);
  });

  it("the revenue chart has one point per day and refuses other periods with a 422", async () => {
    const ok = await body(await p.request("/api/admin/dashboard/revenue-chart?days=7", { token: admin }));
    expect(ok.data).toHaveLength(7);
    expect(ok.data[6].deposits).toBeDefined();
    const bad = await p.request("/api/admin/dashboard/revenue-chart?days=5", { token: admin });
    expect(bad.status).toBe(422);
  });

  it("the roll-up stores today's deposits and is idempotent", async () => {
    await rollupStatistics(p.ctx());
    await rollupStatistics(p.ctx());
    const rows = await p.services.db.selectFrom("platform_statistics").selectAll().execute();
    expect(rows.length).toBe(2);
    expect(rows.some((r) => Number(r.deposits) >= parseMoney("2500")!)).toBe(true);
  });

  it("settings are listed, validated by type, updated and audit-logged", async () => {
    const list = (await body(await p.request("/api/admin/settings", { token: admin }))).data;
    expect(list.find((s: { key: string }) => s.key === "currency").value).toBe("XOF");
    const bad = await p.request("/api/admin/settings/platform_margin_bp", { method: "PUT", token: admin, json: { value: "thirty" } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.value).toBeDefined();
    // A basis-point setting also takes the percentage it stands for, when the text says so.
    const percent = await p.request("/api/admin/settings/referral_level_1_bp", { method: "PUT", token: admin, json: { value: "12.5%" } });
    expect(percent.status).toBe(200);
    expect((await body(percent)).data.value).toBe("1250");
    expect((await p.request("/api/admin/settings/referral_level_1_bp", { method: "PUT", token: admin, json: { value: "12.5" } })).status).toBe(422);
    await p.request("/api/admin/settings/referral_level_1_bp", { method: "PUT", token: admin, json: { value: "1000" } });
    const unknown = await p.request("/api/admin/settings/nope", { method: "PUT", token: admin, json: { value: "1" } });
    expect(unknown.status).toBe(404);
    const ok = await p.request("/api/admin/settings/min_deposit", { method: "PUT", token: admin, json: { value: "1000.5" } });
    expect(ok.status).toBe(200);
    expect((await body(ok)).data.value).toBe("1000.50");
    const audit = await p.services.db.selectFrom("audit_logs").selectAll().where("action", "=", "settings.update").orderBy("id").execute();
    expect(audit.map((a) => JSON.parse(a.data!).after)).toEqual(["1250", "1000", "1000.5"]);
  });

  it("platform stats answer for admins and 403 for users", async () => {
    expect((await p.request("/api/admin/settings/platform-stats", { token: admin })).status).toBe(200);
    const u = await signUp(p);
    expect((await p.request("/api/admin/settings/platform-stats", { token: u.token })).status).toBe(403);
  });
});
