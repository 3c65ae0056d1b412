import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds, plainSpaces } from "../harness/money.ts";
import { csrfFrom, get, insertSite, post, registerThroughForm } from "../storefront/helpers.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { gatewayAccount, paymentRow, simGatewayFor, startPayment } from "./helpers.ts";

const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));

describeEachDialect("gateway deposits: the funds page, the confirmation, the page that follows the payment", (dialect) => {
  let p: TestPlatform;
  let sim: SimGateway;
  let site: Awaited<ReturnType<typeof insertSite>>;
  let siteAccount: number;
  let platformAccount: number;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await simGatewayFor(p);
    site = await insertSite(p);
    siteAccount = await gatewayAccount(p, sim, { siteId: site.site.id, feeBp: 200 });
    platformAccount = await gatewayAccount(p, sim);
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  it("a site customer tops up from the funds page through the checkout and comes back to a credited balance", async () => {
    const c = await registerThroughForm(p, site.host);
    const funds = await get(p, site.host, "/funds", c.jar);
    expect(funds.res.status).toBe(200);
    // Automatic methods come first, before the manual declaration.
    expect(funds.html.indexOf('action="/funds/gateway"')).toBeGreaterThan(0);
    expect(funds.html.indexOf('action="/funds/gateway"')).toBeLessThan(funds.html.indexOf('id="deposit-title"'));

    const refused = await post(p, site.host, "/funds/gateway", c.jar, { _csrf: csrfFrom(funds.html), gateway: String(siteAccount), amount: "1002" });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('value="1002"');
    expect(refused.html).toContain("multiple de 5");

    const confirm = await post(p, site.host, "/funds/gateway", c.jar, { _csrf: csrfFrom(funds.html), gateway: String(siteAccount), amount: "5000" });
    expect(confirm.res.status).toBe(200);
    expect(plainSpaces(confirm.html)).toContain("4 900 F CFA");
    const fields = hidden(confirm.html);
    const started = await post(p, site.host, "/funds/gateway", c.jar, { ...fields, confirm: "yes" });
    expect(started.res.status).toBe(303);
    const location = started.res.headers.get("location")!;
    expect(location).toMatch(/^\/funds\/payments\/[0-9a-f-]{36}\?go=1$/);
    const uuid = location.split("/")[3]!.split("?")[0]!;
    // The same confirmation submitted twice starts one payment.
    const again = await post(p, site.host, "/funds/gateway", c.jar, { ...fields, confirm: "yes" });
    expect(again.res.headers.get("location")).toBe(location);

    const going = await get(p, site.host, location, c.jar);
    const at = sim.sim.byTransaction(uuid)!;
    expect(going.html).toContain(`<meta http-equiv="refresh" content="0;url=${sim.url}/checkout/${at.token}">`);
    expect(at.notifyUrl).toBe(`http://${site.host}/payments/cinetpay/notify`);
    expect(at.returnUrl).toBe(`http://${site.host}/funds/payments/${uuid}`);

    const waiting = await get(p, site.host, `/funds/payments/${uuid}`, c.jar);
    expect(waiting.html).toContain('<meta http-equiv="refresh" content="5">');
    expect(waiting.html).toContain("En attente");

    await sim.sim.pay(at);
    const back = await get(p, site.host, `/funds/payments/${uuid}`, c.jar);
    expect(back.html).not.toContain('http-equiv="refresh"');
    expect(back.html).toContain("Crédité");
    expect(plainSpaces(back.html)).toContain("4 900 F CFA");
    const customer = await p.services.db.selectFrom("users").select("id").where("username", "=", c.username).executeTakeFirstOrThrow();
    expect(await balanceOf(p, customer.id)).toBe(4_900_000_000);
    const history = await get(p, site.host, "/funds", c.jar);
    expect(history.html).toContain("Recharge automatique via CinetPay");
    await expectLedgerHolds(p);
  });

  it("another customer, another tenant's host and another tenant's notify URL never reach a payment", async () => {
    const owner = await registerThroughForm(p, site.host);
    const other = await registerThroughForm(p, site.host);
    const page = await get(p, site.host, "/funds", owner.jar);
    const confirm = await post(p, site.host, "/funds/gateway", owner.jar, { _csrf: csrfFrom(page.html), gateway: String(siteAccount), amount: "1000" });
    const started = await post(p, site.host, "/funds/gateway", owner.jar, { ...hidden(confirm.html), confirm: "yes" });
    const uuid = started.res.headers.get("location")!.split("/")[3]!.split("?")[0]!;
    expect((await get(p, site.host, `/funds/payments/${uuid}`, other.jar)).res.status).toBe(404);

    // The platform's notify URL does not know a site's payment, even correctly signed.
    const at = sim.sim.byTransaction(uuid)!;
    const form = new URLSearchParams({ cpm_site_id: sim.credentials.site_id, cpm_trans_id: uuid });
    const res = await p.request("/payments/cinetpay/notify", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(res.status).toBe(404);
    expect((await paymentRow(p, uuid)).status).toBe("pending");
    // A platform user cannot start a payment on the site's gateway account.
    const u = await signUp(p);
    const cross = await p.request("/api/deposits/gateway", { method: "POST", token: u.token, json: { gateway_account_id: siteAccount, amount: "1000" } });
    expect(cross.status).toBe(422);
    expect((await body(cross)).error.details.gateway_account_id).toBeDefined();
    void at;
  });

  it("a site without a gateway account shows its manual methods only", async () => {
    const bare = await insertSite(p);
    const c = await registerThroughForm(p, bare.host);
    const funds = await get(p, bare.host, "/funds", c.jar);
    expect(funds.res.status).toBe(200);
    expect(funds.html).not.toContain('action="/funds/gateway"');
  });

  it("the JSON API refuses bad amounts with field details and starts nothing", async () => {
    const u = await signUp(p);
    const cases: [unknown, string][] = [
      [{ gateway_account_id: platformAccount, amount: "1002" }, "amount"],
      [{ gateway_account_id: platformAccount, amount: "10.5" }, "amount"],
      [{ gateway_account_id: platformAccount, amount: "50" }, "amount"],
      [{ gateway_account_id: platformAccount, amount: "-5" }, "amount"],
      [{ gateway_account_id: 999999, amount: "1000" }, "gateway_account_id"],
      [{ amount: "1000" }, "gateway_account_id"],
    ];
    for (const [json, field] of cases) {
      const res = await p.request("/api/deposits/gateway", { method: "POST", token: u.token, json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect((await body(res)).error.details[field], JSON.stringify(json)).toBeDefined();
    }
    const rows = await p.services.db.selectFrom("gateway_payments").select("id").where("user_id", "=", u.user.id).execute();
    expect(rows).toEqual([]);
    const methods = await body(await p.request("/api/deposits/gateway/methods", { token: u.token }));
    expect(methods.data).toEqual([expect.objectContaining({ id: platformAccount, name: "CinetPay", fee_percent: "1.50", min_amount: "100.00" })]);
    expect(JSON.stringify(methods)).not.toContain(sim.credentials.secret_key);
  });

  it("junk on the notify URL gets a 4xx envelope, never a 500, and records nothing", async () => {
    const before = await p.services.db
      .selectFrom("gateway_notifications")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const u = await signUp(p);
    const { uuid } = await startPayment(p, sim, u.token, platformAccount, "1000");
    const send = (path: string, b: string, type = "application/x-www-form-urlencoded") =>
      p.request(path, { method: "POST", headers: { "content-type": type }, body: b });
    const answers = [
      await send("/payments/cinetpay/notify", ""),
      await send("/payments/cinetpay/notify", "%%%&&&==="),
      await send("/payments/cinetpay/notify", '{"cpm_trans_id":"x"}', "application/json"),
      await send("/payments/cinetpay/notify", `cpm_trans_id=${"a".repeat(5000)}`),
      await send("/payments/paypal/notify", `cpm_trans_id=${uuid}`),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect((await send("/payments/cinetpay/notify", `cpm_trans_id=${uuid}&x=${"a".repeat(20_000)}`)).status).toBe(413);
    expect((await p.request("/payments/cinetpay/notify")).status).toBe(200);
    const after = await p.services.db
      .selectFrom("gateway_notifications")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await paymentRow(p, uuid)).status).toBe("pending");
  });
});
