import { afterAll, beforeAll, expect, it } from "vitest";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { auditRows } from "../harness/audit.ts";
import { balanceOf, expectLedgerHolds, fund } from "../harness/money.ts";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { decode, startSmtp } from "../harness/smtp.ts";
import { customerOf, resellerSite } from "../reseller/helpers.ts";
import { csrfFrom, post } from "../storefront/helpers.ts";
import { insertService } from "../white-label/helpers.ts";
import { createKeyVia, ALL_PERMISSIONS } from "../developer-api/helpers.ts";
import { makeMethod, newRef, deposit } from "../wallet/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

const fr = (n: string) => new RegExp(`${n.replace(/ /g, "\\s")}\\s`);

describeEachDialect("admin console: users", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: Awaited<ReturnType<typeof staffJar>>;
  let token: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" });
    admin = await staffJar(p, "admin");
    token = csrfFrom((await visit(p, admin.jar, "/admin/users")).html);
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
    await smtp.close();
  });
  const act = (id: number, suffix: string, fields: Record<string, string> = {}, jar = admin.jar) =>
    post(p, "izyboost.test", `/admin/users/${id}/${suffix}`, jar, { _csrf: token, ...fields });
  const login = (loginName: string, password: string) => p.request("/api/login", { method: "POST", json: { login: loginName, password } });

  it("the list searches by username, e-mail and phone, filters by role, ban and dates, keeping them in the URL", async () => {
    const u = await signUp(p);
    await p.services.db.updateTable("users").set({ phone: "+225 07 99 88 77" }).where("id", "=", u.user.id).execute();
    const byPhone = await visit(p, admin.jar, "/admin/users?search=07%2099%2088");
    expect(byPhone.html).toContain(`/admin/users/${u.user.id}"`);
    expect((await visit(p, admin.jar, `/admin/users?search=${u.user.email}`)).html).toContain(`/admin/users/${u.user.id}"`);
    expect((await visit(p, admin.jar, `/admin/users?search=${u.user.username}&role=admin`)).html).not.toContain(`/admin/users/${u.user.id}"`);
    expect((await visit(p, admin.jar, `/admin/users?search=${u.user.username}&banned=1`)).html).toContain("0 utilisateur(s)");
    expect((await visit(p, admin.jar, `/admin/users?search=${u.user.username}&from=2000-01-01&to=2000-12-31`)).html).toContain("0 utilisateur(s)");
    const kept = await visit(p, admin.jar, `/admin/users?search=${u.user.username}&role=user&from=2020-01-01`);
    expect(kept.html).toContain("1 utilisateur(s)");
    expect(kept.html).toContain('<option value="user" selected>');
    expect(kept.html).toContain('value="2020-01-01"');
    // Many users: the pages keep the filters.
    const many = await visit(p, admin.jar, "/admin/users?role=user");
    if (
      (
        await p.services.db
          .selectFrom("users")
          .select((e) => e.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n > 20
    )
      expect(many.html).toContain("role=user&amp;page=2");
  });

  it("a user's page shows balance, ledger, orders, deposits, tickets, referrals, sessions and API keys by prefix only", async () => {
    const u = await signUp(p);
    const referred = await signUp(p, { referral_code: u.user.referral_code });
    await fund(p, u.user.id, "20000");
    const service = await insertService(p, { rate: "1000", name: "Likes du test" });
    const ordered = await p.request("/api/user/orders", {
      method: "POST",
      token: u.token,
      json: { service_id: service.id, link: "https://instagram.com/x", quantity: 1000 },
    });
    expect(ordered.status).toBe(201);
    const method = await makeMethod(p);
    await deposit(p, u.token, { payment_method_id: method.id, amount: "3000", reference: newRef() });
    await p.request("/api/tickets", { method: "POST", token: u.token, json: { subject: "Sujet du ticket", message: "Bonjour" } });
    const key = (await createKeyVia(p, u.token, { name: "mon-panel", permissions: ALL_PERMISSIONS })).json.data.key as string;

    const page = await visit(p, admin.jar, `/admin/users/${u.user.id}`);
    expect(page.res.status).toBe(200);
    expect(page.html).toMatch(fr("19 000"));
    expect(page.html).toContain("Likes du test");
    expect(page.html).toContain("Sujet du ticket");
    expect(page.html).toContain(referred.user.username);
    expect(page.html).toContain("mon-panel");
    expect(page.html).toContain(key.slice(0, 8));
    expect(page.html).not.toContain(key);
    expect(page.html).toContain("Sessions actives");
    expect(page.html).toMatch(fr("3 000"));
    expect((await visit(p, admin.jar, "/admin/users/999999")).res.status).toBe(404);

    // The admin API answers the same from the same verbs.
    const api = async (suffix: string) => (await body(await p.request(`/api/admin/users/${u.user.id}/${suffix}`, { token: admin.token }))).data;
    const keys = await api("api-keys");
    expect(keys).toEqual([expect.objectContaining({ name: "mon-panel", prefix: expect.stringMatching(/^sk_/) })]);
    expect(JSON.stringify(keys)).not.toContain(key);
    expect(JSON.stringify(keys)).not.toContain("key_hash");
    expect((await api("referrals")).map((r: { username: string }) => r.username)).toEqual([referred.user.username]);
    expect((await api("sessions")).length).toBeGreaterThan(0);
  });

  it("adjusting a balance shows the amount and the balance after, then books once (a double submit replays), audited; refusals name the field", async () => {
    const u = await signUp(p);
    const step = await act(u.user.id, "adjust", { amount: "5000", reason: "Geste commercial" });
    expect(step.res.status).toBe(200);
    expect(step.html).toMatch(fr("Créditer 5 000"));
    expect(await balanceOf(p, u.user.id)).toBe(0);
    const key = /name="key" value="([^"]+)"/.exec(step.html)?.[1];
    expect(key).toBeDefined();
    const confirmed = { amount: "5000", reason: "Geste commercial", confirm: "1", key: key! };
    expect((await act(u.user.id, "adjust", confirmed)).res.status).toBe(303);
    expect((await act(u.user.id, "adjust", confirmed)).res.status).toBe(303);
    expect(await balanceOf(p, u.user.id)).toBe(5_000_000_000);
    expect(await auditRows(p, "user.adjust_balance", u.user.id)).toHaveLength(1);

    const noReason = await act(u.user.id, "adjust", { amount: "abc", reason: "" });
    expect(noReason.res.status).toBe(422);
    expect(noReason.html).toContain('id="f-amount-error"');
    expect(noReason.html).toContain('id="f-reason-error"');
    expect(noReason.html).toContain('value="abc"');
    const tooMuch = await act(u.user.id, "adjust", { amount: "-9000", reason: "Erreur de saisie", confirm: "1" });
    expect(tooMuch.res.status).toBe(422);
    expect(tooMuch.html).toContain("Le solde ne suffit pas");
    expect(tooMuch.html).toContain('value="Erreur de saisie"');
    expect(await balanceOf(p, u.user.id)).toBe(5_000_000_000);
    await expectLedgerHolds(p);
  });

  it("ban and unban (a banned user cannot sign in), a reset link by e-mail, and the role (never one's own), each audited", async () => {
    const u = await signUp(p);
    expect((await act(u.user.id, "ban", { reason: "Fraude" })).res.headers.get("location")).toBe(`/admin/users/${u.user.id}?done=banned#ban`);
    expect((await login(u.user.email, u.password)).status).toBe(403);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    const bannedReset = await act(u.user.id, "password-reset");
    expect(bannedReset.res.status).toBe(422);
    expect(bannedReset.html).toContain("levez le bannissement");
    await act(u.user.id, "ban");
    expect((await login(u.user.email, u.password)).status).toBe(200);
    expect(await auditRows(p, "user.ban", u.user.id)).toHaveLength(1);
    expect(await auditRows(p, "user.unban", u.user.id)).toHaveLength(1);

    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    expect((await act(u.user.id, "password-reset")).res.status).toBe(303);
    await p.services.mailer.flush();
    const mail = smtp.inbox.slice(before).find((m) => m.to.includes(u.user.email));
    expect(mail && decode(mail.raw)).toContain("http://izyboost.test/password/reset?token=");
    expect(await auditRows(p, "user.password_reset_link", u.user.id)).toHaveLength(1);

    expect((await act(u.user.id, "role", { role: "support" })).res.status).toBe(303);
    expect((await p.services.db.selectFrom("users").select("role").where("id", "=", u.user.id).executeTakeFirstOrThrow()).role).toBe("support");
    const own = await act(admin.user.id, "role", { role: "user" });
    expect(own.res.status).toBe(422);
    expect(own.html).toContain('id="f-role-error"');
    const ownBan = await act(admin.user.id, "ban");
    expect(ownBan.html).toContain("vous bannir");
    expect(await auditRows(p, "user.update", u.user.id)).toHaveLength(1);
  });

  it("a user's own price changes what they pay for an order, end to end; removing it brings back the platform price", async () => {
    const u = await signUp(p);
    await fund(p, u.user.id, "10000");
    const service = await insertService(p, { rate: "1000" });
    const set = await act(u.user.id, "prices", { service_id: String(service.id), rate: "400" });
    expect(set.res.status).toBe(303);
    expect((await visit(p, admin.jar, `/admin/users/${u.user.id}`)).html).toMatch(/admin-row-amount">400\s/);
    const listed = (await body(await p.request(`/api/services?per_page=500`, { token: u.token }))).data.find((s: { id: number }) => s.id === service.id);
    expect(listed.rate).toBe("400.00");
    const order = await p.request("/api/user/orders", {
      method: "POST",
      token: u.token,
      json: { service_id: service.id, link: "https://instagram.com/p", quantity: 1000 },
    });
    expect((await body(order)).data.charge).toBe("400.00");
    expect(await balanceOf(p, u.user.id)).toBe(9_600_000_000);
    expect(await auditRows(p, "user.price.set", u.user.id)).toHaveLength(1);

    const refused = await act(u.user.id, "prices", { service_id: "99999999", rate: "-3" });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-rate-error"');
    expect(refused.html).toContain('value="99999999"');
    const unknown = await act(u.user.id, "prices", { service_id: "99999999", rate: "3" });
    expect(unknown.html).toContain('id="f-service-error"');

    expect((await act(u.user.id, `prices/${service.id}/remove`)).res.status).toBe(303);
    const again = await p.request("/api/user/orders", {
      method: "POST",
      token: u.token,
      json: { service_id: service.id, link: "https://instagram.com/q", quantity: 1000 },
    });
    expect((await body(again)).data.charge).toBe("1000.00");
    await expectLedgerHolds(p);
  });

  it("the admin API sets, lists and removes a user's own prices with the same verbs", async () => {
    const u = await signUp(p);
    const service = await insertService(p, { rate: "800" });
    const put = await p.request(`/api/admin/users/${u.user.id}/prices`, { method: "PUT", token: admin.token, json: { service_id: service.id, rate: "650.5" } });
    expect((await body(put)).data).toMatchObject({ service_id: service.id, rate: "650.50", platform_rate: "800.00" });
    const list = await body(await p.request(`/api/admin/users/${u.user.id}/prices`, { token: admin.token }));
    expect(list.data).toHaveLength(1);
    const bad = await p.request(`/api/admin/users/${u.user.id}/prices`, { method: "PUT", token: admin.token, json: { service_id: service.id, rate: "0" } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.rate).toBeDefined();
    expect((await p.request(`/api/admin/users/${u.user.id}/prices/${service.id}`, { method: "DELETE", token: admin.token })).status).toBe(200);
    expect((await p.request(`/api/admin/users/${u.user.id}/prices/${service.id}`, { method: "DELETE", token: admin.token })).status).toBe(404);
    expect((await p.request(`/api/admin/users/${u.user.id}/password-reset`, { method: "POST", token: admin.token })).status).toBe(200);
  });

  it("deleting anonymises the account after a confirmation: no sign-in, no sessions or keys, the ledger kept and still adding up", async () => {
    const u = await signUp(p);
    await fund(p, u.user.id, "1000");
    await createKeyVia(p, u.token, { name: "k", permissions: ALL_PERMISSIONS });
    const refused = await act(u.user.id, "delete", { confirm: "1" });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain("Le solde n&#39;est pas nul");
    const step = await act(u.user.id, "adjust", { amount: "-1000", reason: "Solde remis à zéro" });
    const key = /name="key" value="([^"]+)"/.exec(step.html)![1]!;
    await act(u.user.id, "adjust", { amount: "-1000", reason: "Solde remis à zéro", confirm: "1", key });

    const confirm = await act(u.user.id, "delete");
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain(u.user.username);
    expect(confirm.html).toContain('name="confirm" value="1"');
    const done = await act(u.user.id, "delete", { confirm: "1" });
    expect(done.res.headers.get("location")).toBe("/admin/users?done=deleted");

    const row = await p.services.db.selectFrom("users").selectAll().where("id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(row.email).not.toContain(u.user.username);
    expect(row.username).not.toBe(u.user.username);
    expect(row.full_name).toBeNull();
    expect(row.phone).toBeNull();
    expect((await login(u.user.email, u.password)).status).toBe(401);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    expect(await p.services.db.selectFrom("sessions").select("id").where("user_id", "=", u.user.id).execute()).toHaveLength(0);
    expect(await p.services.db.selectFrom("api_keys").select("id").where("user_id", "=", u.user.id).execute()).toHaveLength(0);
    expect(await p.services.db.selectFrom("transactions").select("id").where("user_id", "=", u.user.id).execute()).toHaveLength(2);
    expect((await visit(p, admin.jar, `/admin/users/${u.user.id}`)).res.status).toBe(404);
    expect(await auditRows(p, "user.delete", u.user.id)).toHaveLength(1);
    await expectLedgerHolds(p);
  });

  it("support reads the list and a user's page without any form, and every action is refused to them", async () => {
    const support = await staffJar(p, "support");
    const u = await signUp(p);
    const list = await visit(p, support.jar, "/admin/users");
    expect(list.res.status).toBe(200);
    expect(list.html).toContain('href="/admin/users"');
    const page = await visit(p, support.jar, `/admin/users/${u.user.id}`);
    expect(page.res.status).toBe(200);
    expect(page.html).not.toContain(`/admin/users/${u.user.id}/adjust`);
    expect(page.html).not.toContain(`/admin/users/${u.user.id}/delete`);
    // Deposits are a money section support cannot open: no link leads there.
    expect(page.html).not.toContain("/admin/deposits");
    const csrf = csrfFrom(page.html);
    for (const [suffix, fields] of [
      ["adjust", { amount: "100", reason: "Pour voir", confirm: "1" }],
      ["ban", {}],
      ["role", { role: "admin" }],
      ["password-reset", {}],
      ["prices", { service_id: "1", rate: "1" }],
      ["delete", { confirm: "1" }],
    ] as const) {
      const res = await post(p, "izyboost.test", `/admin/users/${u.user.id}/${suffix}`, support.jar, { _csrf: csrf, ...fields });
      expect(res.res.status, suffix).toBe(403);
    }
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a site's customers never show in the platform's users, and the pages are not served on a site host", async () => {
    const r = await resellerSite(p);
    const customer = await customerOf(p, r, "500");
    const list = await visit(p, admin.jar, `/admin/users?search=${customer.username}`);
    expect(list.html).toContain("0 utilisateur(s)");
    expect((await visit(p, admin.jar, `/admin/users/${customer.id}`)).res.status).toBe(404);
    expect((await act(customer.id, "adjust", { amount: "100", reason: "Cross tenant", confirm: "1" })).res.status).toBe(404);
    expect(await balanceOf(p, customer.id)).toBe(500_000_000);
    for (const path of ["/admin/users", `/admin/users/${admin.user.id}`]) expect((await visit(p, admin.jar, path, r.host)).res.status).toBe(404);
  });
});
