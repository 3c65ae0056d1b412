import { afterAll, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { balanceOf, expectLedgerHolds } from "../harness/money.ts";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { activeMethod, customerOf, pendingDeposit, resellerSite } from "../reseller/helpers.ts";
import { csrfFrom, post } from "../storefront/helpers.ts";
import { deposit, makeMethod, newRef } from "../wallet/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

/** An amount as the French console shows it, whatever the currency's sign: "9 800" with a narrow no-break space, then a space. */
const fr = (n: string) => new RegExp(`${n.replace(/ /g, "\\s")}\\s`);

describeEachDialect("admin console: deposits", (dialect) => {
  let p: TestPlatform;
  let admin: Awaited<ReturnType<typeof staffJar>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await staffJar(p, "admin");
  });
  afterAll(() => p.close());

  const declare = async (token: string, methodId: number, amount: string) => {
    const d = await deposit(p, token, { payment_method_id: methodId, amount, reference: newRef() });
    expect(d.status).toBe(201);
    return d.json.data as { id: number; uuid: string };
  };
  const csrf = async (path = "/admin/deposits") => csrfFrom((await visit(p, admin.jar, path)).html);

  it("an admin approves a deposit from the queue after a step that shows the amount credited after fees; it is credited once and the user sees the note", async () => {
    const method = await makeMethod(p, { percentBp: 200 });
    const u = await signUp(p);
    const d = await declare(u.token, method.id, "10000");

    const queue = await visit(p, admin.jar, "/admin/deposits");
    expect(queue.res.status).toBe(200);
    expect(queue.html).toContain(`/admin/deposits/${d.id}`);
    expect(queue.html).toContain(u.user.username);
    expect(queue.html).toMatch(fr("9 800"));
    const english = await visit(p, admin.jar, "/admin/deposits?lang=en");
    expect(english.html).toContain("To verify (oldest first)");
    expect(english.html).toContain("9,800");
    await visit(p, admin.jar, "/admin/deposits?lang=fr");

    const page = await visit(p, admin.jar, `/admin/deposits/${d.id}`);
    expect(page.html).toMatch(fr("10 000"));
    const api = (await body(await p.request(`/api/admin/finance/deposits/${d.id}`, { token: admin.token }))).data;
    expect(api).toMatchObject({ amount: "9800.00", fee: "200.00", gross_amount: "10000.00", status: "pending", user: { id: u.user.id } });
    expect(page.html).toMatch(/<dd>200\s/);
    const token = csrfFrom(page.html);
    const step = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, { _csrf: token, action: "approve", note: "Reçu, merci" });
    expect(step.res.status).toBe(200);
    expect(step.html).toMatch(fr("Créditer 9 800"));
    expect(step.html).toContain('name="confirm" value="1"');
    expect(await balanceOf(p, u.user.id)).toBe(0);

    const done = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, {
      _csrf: token,
      action: "approve",
      note: "Reçu, merci",
      confirm: "1",
    });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe("/admin/deposits?done=approved");
    expect(await balanceOf(p, u.user.id)).toBe(9_800_000_000);
    expect(await auditRows(p, "deposit.approve", d.id)).toHaveLength(1);
    const notices = await body(await p.request("/api/notifications", { token: u.token }));
    expect(JSON.stringify(notices.data)).toContain("Reçu, merci");

    // A second confirmation (double click, another tab) credits nothing more and says why.
    const again = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, { _csrf: token, action: "approve", confirm: "1" });
    expect(again.res.status).toBe(422);
    expect(again.html).toContain("déjà été vérifié");
    expect(await balanceOf(p, u.user.id)).toBe(9_800_000_000);
    await expectLedgerHolds(p);
  });

  it("a rejection with a note credits nothing; the user reads the note in the deposit history and the notification", async () => {
    const method = await makeMethod(p);
    const u = await signUp(p);
    const d = await declare(u.token, method.id, "5000");
    const token = await csrf(`/admin/deposits/${d.id}`);
    const step = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, { _csrf: token, action: "reject", note: "Référence introuvable" });
    expect(step.res.status).toBe(200);
    expect(step.html).toContain("Référence introuvable");
    const done = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, {
      _csrf: token,
      action: "reject",
      note: "Référence introuvable",
      confirm: "1",
    });
    expect(done.res.status).toBe(303);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    expect(await auditRows(p, "deposit.reject", d.id)).toHaveLength(1);

    const history = await body(await p.request("/api/wallet/transactions?type=deposit", { token: u.token }));
    expect(history.data[0]).toMatchObject({ uuid: d.uuid, status: "failed", note: "Référence introuvable" });
    const notices = await body(await p.request("/api/notifications", { token: u.token }));
    expect(JSON.stringify(notices.data)).toContain("Référence introuvable");
  });

  it("a refused verification names the note field and keeps what was typed", async () => {
    const method = await makeMethod(p);
    const u = await signUp(p);
    const d = await declare(u.token, method.id, "3000");
    const long = `Gardé ${"x".repeat(600)}`;
    const res = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, { _csrf: await csrf(), action: "reject", note: long });
    expect(res.res.status).toBe(422);
    expect(res.html).toContain('id="f-note-error"');
    expect(res.html).toContain("Gardé xxx");
    const forged = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, admin.jar, { _csrf: "nope", action: "approve", confirm: "1" });
    expect(forged.res.status).toBe(403);
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("the history filters by status, method, user and dates, kept in the URL and in the pagination", async () => {
    const method = await makeMethod(p);
    const users = await Promise.all([signUp(p), signUp(p), signUp(p)]);
    const made: { id: number }[] = [];
    for (const u of users) for (let i = 0; i < 7; i++) made.push(await declare(u.token, method.id, "1000"));
    const first = await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&status=pending`);
    expect(first.html).toContain("21 dépôt(s)");
    expect(first.html).toContain(`payment_method_id=${method.id}&amp;status=pending&amp;page=2`);
    const second = await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&status=pending&page=2`);
    expect(second.html).toContain(`/admin/deposits/${made[0]!.id}"`);

    const byUser = await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&user=${users[1]!.user.username}`);
    expect(byUser.html).toContain("7 dépôt(s)");
    expect(byUser.html).toContain(`value="${users[1]!.user.username}"`);
    expect((await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&status=completed`)).html).toContain("0 dépôt(s)");
    expect((await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&from=2000-01-01&to=2000-01-31`)).html).toContain("0 dépôt(s)");
    // A filter the list cannot read is dropped, not an error.
    expect((await visit(p, admin.jar, `/admin/deposits?payment_method_id=${method.id}&from=yesterday`)).html).toContain("21 dépôt(s)");
  });

  it("payment methods: add with fees and instructions in both languages, edit, remove (deactivated once deposits use it), each audited", async () => {
    const token = await csrf("/admin/deposits/methods/new");
    const fields = {
      _csrf: token,
      code: "moov_test",
      type: "mobile_money",
      name: "Moov Test",
      account_name: "IzyBoost SARL",
      account_number: "+225 01 02 03 04",
      instructions_fr: "Composez *155#",
      instructions_en: "Dial *155#",
      min_amount: "500",
      max_amount: "",
      fee_percent: "1,5",
      fee_fixed: "25",
      fee_min: "0",
      fee_max: "",
      is_active: "1",
    };
    const created = await post(p, "izyboost.test", "/admin/deposits/methods", admin.jar, fields);
    expect(created.res.status).toBe(303);
    const listed = (await body(await p.request("/api/admin/finance/payment-methods", { token: admin.token }))).data.find(
      (m: { code: string }) => m.code === "moov_test",
    );
    expect(listed).toMatchObject({
      name: "Moov Test",
      instructions_fr: "Composez *155#",
      instructions_en: "Dial *155#",
      min_amount: "500.00",
      max_amount: null,
      is_active: true,
    });
    expect(listed.fee).toMatchObject({ percent_bp: 150, fixed: "25.00" });
    expect(await auditRows(p, "payment_method.create", listed.id)).toHaveLength(1);
    const list = await visit(p, admin.jar, "/admin/deposits/methods");
    expect(list.html).toContain("Moov Test");

    // Refusals name their field and keep the input.
    const refused = await post(p, "izyboost.test", "/admin/deposits/methods", admin.jar, {
      ...fields,
      code: "Bad Code!",
      min_amount: "900",
      max_amount: "100",
    });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-code-error"');
    expect(refused.html).toContain('value="Bad Code!"');
    const limits = await post(p, "izyboost.test", "/admin/deposits/methods", admin.jar, {
      ...fields,
      code: "other_code",
      min_amount: "900",
      max_amount: "100",
    });
    expect(limits.res.status).toBe(422);
    expect(limits.html).toContain('id="f-max_amount-error"');
    expect(limits.html).toContain('value="900"');
    const taken = await post(p, "izyboost.test", "/admin/deposits/methods", admin.jar, fields);
    expect(taken.res.status).toBe(422);
    expect(taken.html).toContain('id="f-code-error"');

    const edit = await visit(p, admin.jar, `/admin/deposits/methods/${listed.id}`);
    expect(edit.html).toContain('value="+225 01 02 03 04"');
    const saved = await post(p, "izyboost.test", `/admin/deposits/methods/${listed.id}`, admin.jar, {
      ...fields,
      name: "Moov Money",
      fee_percent: "2",
      is_active: "",
    });
    expect(saved.res.status).toBe(303);
    const after = (await body(await p.request("/api/admin/finance/payment-methods", { token: admin.token }))).data.find(
      (m: { id: number }) => m.id === listed.id,
    );
    expect(after).toMatchObject({ name: "Moov Money", is_active: false });
    expect(after.fee.percent_bp).toBe(200);

    // Used by a deposit: removing deactivates; unused: deleted.
    const used = await makeMethod(p);
    const u = await signUp(p);
    await declare(u.token, used.id, "1000");
    const r1 = await post(p, "izyboost.test", `/admin/deposits/methods/${used.id}/remove`, admin.jar, { _csrf: token });
    expect(r1.res.headers.get("location")).toBe("/admin/deposits/methods?done=deactivated");
    expect((await p.services.db.selectFrom("payment_methods").select("is_active").where("id", "=", used.id).executeTakeFirstOrThrow()).is_active).toBe(0);
    const r2 = await post(p, "izyboost.test", `/admin/deposits/methods/${listed.id}/remove`, admin.jar, { _csrf: token });
    expect(r2.res.headers.get("location")).toBe("/admin/deposits/methods?done=deleted");
    expect(await p.services.db.selectFrom("payment_methods").select("id").where("id", "=", listed.id).executeTakeFirst()).toBeUndefined();
    expect(await auditRows(p, "payment_method.delete", listed.id)).toHaveLength(1);
    expect(await auditRows(p, "payment_method.deactivate", used.id)).toHaveLength(1);
  });

  it("the admin API adds and removes payment methods with the same verbs", async () => {
    const res = await p.request("/api/admin/finance/payment-methods", {
      method: "POST",
      token: admin.token,
      json: { code: "api_bank", name: "Banque", type: "bank", account_number: "CI000", is_active: true, fee_fixed: "100" },
    });
    expect(res.status).toBe(201);
    const made = (await body(res)).data;
    expect(made).toMatchObject({ code: "api_bank", type: "bank", is_active: true, fee: { fixed: "100.00" } });
    const bad = await p.request("/api/admin/finance/payment-methods", { method: "POST", token: admin.token, json: { code: "x y", name: "" } });
    expect(bad.status).toBe(422);
    expect(Object.keys((await body(bad)).error.details)).toEqual(expect.arrayContaining(["code", "name"]));
    const del = await p.request(`/api/admin/finance/payment-methods/${made.id}`, { method: "DELETE", token: admin.token });
    expect((await body(del)).data).toMatchObject({ deleted: true });
    const support = await signUp(p);
    await p.services.db.updateTable("users").set({ role: "support" }).where("id", "=", support.user.id).execute();
    expect((await p.request("/api/admin/finance/payment-methods", { method: "POST", token: support.token, json: { code: "s", name: "s" } })).status).toBe(403);
  });

  it("support staff cannot open deposits nor verify one; the section is not in their navigation", async () => {
    const support = await staffJar(p, "support");
    const method = await makeMethod(p);
    const u = await signUp(p);
    const d = await declare(u.token, method.id, "2000");
    expect((await visit(p, support.jar, "/admin/deposits")).res.status).toBe(403);
    expect((await visit(p, support.jar, `/admin/deposits/${d.id}`)).res.status).toBe(403);
    expect((await visit(p, support.jar, "/admin/deposits/methods")).res.status).toBe(403);
    const inbox = await visit(p, support.jar, "/admin/support");
    expect(inbox.html).not.toContain('href="/admin/deposits"');
    const tried = await post(p, "izyboost.test", `/admin/deposits/${d.id}/verify`, support.jar, {
      _csrf: csrfFrom(inbox.html),
      action: "approve",
      confirm: "1",
    });
    expect(tried.res.status).toBe(403);
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a site's deposits never show in the platform console, and the console is not served on a site host", async () => {
    const r = await resellerSite(p);
    const method = await activeMethod(p, r);
    const customer = await customerOf(p, r);
    const siteDeposit = await pendingDeposit(p, r, customer, method.id, "4321");
    const list = await visit(p, admin.jar, `/admin/deposits?user=${customer.username}`);
    expect(list.html).not.toContain(`/admin/deposits/${siteDeposit.id}"`);
    expect(list.html).toContain("0 dépôt(s)");
    expect((await visit(p, admin.jar, "/admin/deposits")).html).not.toContain(`/admin/deposits/${siteDeposit.id}"`);
    expect((await visit(p, admin.jar, `/admin/deposits/${siteDeposit.id}`)).res.status).toBe(404);
    const token = await csrf();
    const tried = await post(p, "izyboost.test", `/admin/deposits/${siteDeposit.id}/verify`, admin.jar, { _csrf: token, action: "approve", confirm: "1" });
    expect(tried.res.status).toBe(404);
    expect((await p.services.db.selectFrom("transactions").select("status").where("id", "=", siteDeposit.id).executeTakeFirstOrThrow()).status).toBe("pending");
    expect((await visit(p, admin.jar, `/admin/deposits/methods/${method.id}`)).res.status).toBe(404);
    for (const path of ["/admin/deposits", "/admin/deposits/methods", `/admin/deposits/${siteDeposit.id}`])
      expect((await visit(p, admin.jar, path, r.host)).res.status).toBe(404);
  });
});
