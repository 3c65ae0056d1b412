import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds, plainSpaces } from "../harness/money.ts";
import { get, insertSite, registerThroughForm } from "../storefront/helpers.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { systemCtx } from "../../src/context.ts";
import { debit } from "../../src/wallet/ledger.ts";
import { startGatewayPayment } from "../../src/payment-gateways/payments.ts";
import { gatewayAccount, paymentRow, simGatewayFor, startPayment } from "./helpers.ts";

const XOF = (n: number) => n * 1_000_000;
const HOST = "izyboost.test";

describeEachDialect("gateway payments after crediting: refunds taken back or recorded, and the staff lists", (dialect) => {
  let p: TestPlatform;
  let sim: SimGateway;
  let platformAccount: number;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await simGatewayFor(p);
    platformAccount = await gatewayAccount(p, sim, { feeBp: 0 });
  });
  afterEach(() => expectLedgerHolds(p));
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  /** A site whose owner is signed in through the form, with its own simulated account (no fee), and a paying customer of the site. */
  async function siteWithPaidCustomer(amount: number) {
    const { jar, username } = await registerThroughForm(p, HOST);
    const owner = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    const s = await insertSite(p);
    await p.services.db.updateTable("white_label_sites").set({ owner_id: owner.id }).where("id", "=", s.site.id).execute();
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("id", "=", s.site.id).executeTakeFirstOrThrow();
    const account = await gatewayAccount(p, sim, { siteId: site.id, feeBp: 0 });
    const customer = await registerThroughForm(p, s.host);
    const user = await p.services.db
      .selectFrom("users")
      .selectAll()
      .where("site_id", "=", site.id)
      .where("username", "=", customer.username)
      .executeTakeFirstOrThrow();
    const siteCtx = { ...systemCtx(p.services, { kind: "site", siteId: site.id, site }), user };
    const payment = await startGatewayPayment(siteCtx, { gateway_account_id: account, amount: XOF(amount) });
    const at = sim.sim.byTransaction(payment.uuid)!;
    await sim.sim.pay(at);
    expect(await balanceOf(p, user.id)).toBe(XOF(amount));
    return { jar, owner, site, user, siteCtx, payment, at, base: `/white-label/sites/${site.uuid}` };
  }

  const noticesOf = (userId: number) => p.services.db.selectFrom("notifications").select(["type", "data"]).where("user_id", "=", userId).execute();

  it("a refund of a site's payment takes the credit back through the ledger and tells the customer, the owner and the platform's admins", async () => {
    const admin = await signUpAdmin(p);
    const s = await siteWithPaidCustomer(1000);
    await sim.sim.refund(s.at);
    const row = await paymentRow(p, s.payment.uuid);
    expect(row.status).toBe("refunded");
    expect(row.reversal_detail).toContain("SUCCES");
    expect(row.reversal_shortfall).toBe(0);
    expect(row.reversal_transaction_id).not.toBeNull();
    expect(await balanceOf(p, s.user.id)).toBe(0);
    const reversal = await p.services.db.selectFrom("transactions").selectAll().where("id", "=", row.reversal_transaction_id!).executeTakeFirstOrThrow();
    expect(reversal.amount).toBe(-XOF(1000));
    expect(reversal.type).toBe("adjustment");
    expect((await noticesOf(admin.user.id)).map((n) => n.type)).toContain("gateway_refunded");
    expect((await noticesOf(s.owner.id)).map((n) => n.type)).toContain("gateway_refunded");
    expect((await noticesOf(s.user.id)).map((n) => n.type)).toContain("gateway_reversed");
    // Read back again (a repeated notification, the reconcile job): nothing more is taken.
    await sim.sim.refund(s.at);
    expect((await p.services.db.selectFrom("transactions").select("id").where("user_id", "=", s.user.id).execute()).length).toBe(2);
  });

  it("a refund after the balance was spent takes back what is left, never below zero, and records the shortfall on the lists", async () => {
    const s = await siteWithPaidCustomer(1000);
    await debit(s.siteCtx, { userId: s.user.id, amount: XOF(700), type: "order", description: "spent" });
    await sim.sim.refund(s.at);
    const row = await paymentRow(p, s.payment.uuid);
    expect(row.status).toBe("refunded");
    expect(row.reversal_shortfall).toBe(XOF(700));
    expect(await balanceOf(p, s.user.id)).toBe(0);

    const list = await get(p, HOST, `${s.base}/gateway-payments?status=refunded`, s.jar);
    expect(list.res.status).toBe(200);
    expect(plainSpaces(list.html)).toContain("À recouvrer : 700 F CFA");
    const api = await body(
      await p.request(`/api/white-label/sites/${s.site.uuid}/gateway-payments/${s.payment.uuid}`, { token: await tokenOf(s.owner.username) }),
    );
    expect(api.data.status).toBe("refunded");
    expect(api.data.reversal).toEqual({ detail: row.reversal_detail, taken_back: "300.00", shortfall: "700.00" });
  });

  async function tokenOf(username: string): Promise<string> {
    const res = await p.request("/api/login", { method: "POST", json: { login: username, password: "correct-horse-9" } });
    return (await body(res)).data.token;
  }

  it("the reseller lists its site's payments, filters and searches them, and reads one with its notifications escaped", async () => {
    const s = await siteWithPaidCustomer(500);
    const list = await get(p, HOST, `${s.base}/gateway-payments`, s.jar);
    expect(list.html).toContain(`${s.base}/gateway-payments/${s.payment.uuid}`);
    const none = await get(p, HOST, `${s.base}/gateway-payments?status=failed`, s.jar);
    expect(none.html).not.toContain(s.payment.uuid);
    const found = await get(p, HOST, `${s.base}/gateway-payments?search=${s.payment.uuid.slice(0, 8)}`, s.jar);
    expect(found.html).toContain(s.payment.uuid);
    const bad = await get(p, HOST, `${s.base}/gateway-payments?status=nope`, s.jar);
    expect(bad.res.status).toBe(422);

    const detail = await get(p, HOST, `${s.base}/gateway-payments/${s.payment.uuid}`, s.jar);
    expect(detail.res.status).toBe(200);
    expect(detail.html).toContain("Signature valide");
    expect(detail.html).toContain(`cpm_trans_id=${s.payment.uuid}`);
    // What arrived is shown as text: a notification body cannot write markup into the page.
    const notif = await p.services.db.selectFrom("gateway_notifications").select("id").where("gateway_payment_id", "=", s.payment.id).executeTakeFirstOrThrow();
    await p.services.db.updateTable("gateway_notifications").set({ body: "<script>alert(1)</script>" }).where("id", "=", notif.id).execute();
    const escaped = await get(p, HOST, `${s.base}/gateway-payments/${s.payment.uuid}`, s.jar);
    expect(escaped.html).not.toContain("<script>alert(1)</script>");
    expect(escaped.html).toContain("&lt;script&gt;");

    const token = await tokenOf(s.owner.username);
    const json = await body(await p.request(`/api/white-label/sites/${s.site.uuid}/gateway-payments?search=${s.user.username}`, { token }));
    expect(json.meta.total).toBe(1);
    expect(json.data[0].uuid).toBe(s.payment.uuid);
    expect(JSON.stringify(json)).not.toContain(sim.credentials.secret_key);
    const bad422 = await p.request(`/api/white-label/sites/${s.site.uuid}/gateway-payments?status=nope`, { token });
    expect(bad422.status).toBe(422);
  });

  it("the admin console and the admin API list the platform's own payments by default, with their notifications", async () => {
    const admin = await signUpAdmin(p);
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, platformAccount, "2000");
    await sim.sim.pay(at);
    const s = await siteWithPaidCustomer(500);

    const api = await body(await p.request("/api/admin/gateway-payments?per_page=100", { token: admin.token }));
    const uuids = api.data.map((d: { uuid: string }) => d.uuid);
    expect(uuids).toContain(uuid);
    expect(uuids).not.toContain(s.payment.uuid);
    expect((await p.request(`/api/admin/gateway-payments/${s.payment.uuid}`, { token: admin.token })).status).toBe(404);
    const one = await body(await p.request(`/api/admin/gateway-payments/${uuid}`, { token: admin.token }));
    expect(one.data.notifications.length).toBeGreaterThan(0);
    expect(one.data.notifications[0].signature_ok).toBe(true);
    expect((await p.request("/api/admin/gateway-payments", { token: u.token })).status).toBe(403);

    const { jar, username } = await registerThroughForm(p, HOST);
    await p.services.db.updateTable("users").set({ role: "admin" }).where("site_id", "=", 0).where("username", "=", username).execute();
    const page = await get(p, HOST, "/admin/gateway-payments", jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(`/admin/gateway-payments/${uuid}`);
    expect(page.html).not.toContain(s.payment.uuid);
    const detail = await get(p, HOST, `/admin/gateway-payments/${uuid}`, jar);
    expect(detail.res.status).toBe(200);
    expect(detail.html).toContain("Signature valide");
    expect((await get(p, HOST, `/admin/gateway-payments/${s.payment.uuid}`, jar)).res.status).toBe(404);
    // A customer is not staff; support staff do not handle money.
    const plain = await registerThroughForm(p, HOST);
    expect((await get(p, HOST, "/admin/gateway-payments", plain.jar)).res.status).toBe(403);
    const support = await registerThroughForm(p, HOST);
    await p.services.db.updateTable("users").set({ role: "support" }).where("site_id", "=", 0).where("username", "=", support.username).execute();
    expect((await get(p, HOST, `/admin/gateway-payments/${uuid}`, support.jar)).res.status).toBe(403);
  });

  it("an admin chooses a site in the console (or ?site= in the API) and reads that site's payments and one of them, nothing of another site", async () => {
    const s = await siteWithPaidCustomer(300);
    const other = await siteWithPaidCustomer(400);
    await sim.sim.refund(s.at);
    const admin = await signUpAdmin(p);

    const api = await body(await p.request(`/api/admin/gateway-payments?site=${s.site.uuid}`, { token: admin.token }));
    expect(api.data.map((d: { uuid: string }) => d.uuid)).toEqual([s.payment.uuid]);
    expect(api.data[0].status).toBe("refunded");
    const one = await body(await p.request(`/api/admin/gateway-payments/${s.payment.uuid}?site=${s.site.uuid}`, { token: admin.token }));
    expect(one.data.notifications.length).toBeGreaterThan(0);
    // The payment read through another site, or a site that does not exist: not found.
    expect((await p.request(`/api/admin/gateway-payments/${s.payment.uuid}?site=${other.site.uuid}`, { token: admin.token })).status).toBe(404);
    expect((await p.request("/api/admin/gateway-payments?site=00000000-0000-4000-8000-000000000000", { token: admin.token })).status).toBe(404);
    // The site's owner is not an admin: the admin API stays closed to it.
    expect((await p.request(`/api/admin/gateway-payments?site=${s.site.uuid}`, { token: await tokenOf(s.owner.username) })).status).toBe(403);

    const { jar, username } = await registerThroughForm(p, HOST);
    await p.services.db.updateTable("users").set({ role: "admin" }).where("site_id", "=", 0).where("username", "=", username).execute();
    const choice = await get(p, HOST, "/admin/gateway-payments", jar);
    expect(choice.html).toContain(`<option value="${s.site.uuid}">`);
    const list = await get(p, HOST, `/admin/gateway-payments?site=${s.site.uuid}&status=refunded`, jar);
    expect(list.res.status).toBe(200);
    expect(list.html).toContain(`/admin/gateway-payments/${s.payment.uuid}?site=${s.site.uuid}`);
    expect(list.html).not.toContain(other.payment.uuid);
    expect(list.html).toContain(`<option value="${s.site.uuid}" selected>`);
    const detail = await get(p, HOST, `/admin/gateway-payments/${s.payment.uuid}?site=${s.site.uuid}`, jar);
    expect(detail.res.status).toBe(200);
    expect(plainSpaces(detail.html)).toContain(`Payé sur le site ${s.site.name}`);
    expect(detail.html).toContain(`href="/admin/gateway-payments?site=${s.site.uuid}"`);
    // A site customer is not a platform user: no link to the console's user page.
    expect(detail.html).not.toContain(`/admin/users/${s.user.id}"`);
    expect((await get(p, HOST, `/admin/gateway-payments/${s.payment.uuid}?site=${other.site.uuid}`, jar)).res.status).toBe(404);
  });
});
