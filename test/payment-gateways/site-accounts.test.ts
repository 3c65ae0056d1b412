import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, post, registerThroughForm } from "../storefront/helpers.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { announceSimulatedGateway } from "../../src/payment-gateways/simulated.ts";
import { gatewayAccount, paymentRow, simGatewayFor, startPayment } from "./helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's own gateway accounts: connect, test, edit, remove — pages and JSON API", (dialect) => {
  let p: TestPlatform;
  let sim: SimGateway;
  let platformAccount: number;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    sim = await simGatewayFor(p);
    announceSimulatedGateway(p.services.state, { url: sim.url, credentials: { cinetpay: { ...sim.credentials }, fedapay: { ...sim.fedapay } } });
    platformAccount = await gatewayAccount(p, sim);
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  /** A platform user signed in through the form (the jar) who owns a site. */
  async function ownerWithSite() {
    const { jar, username } = await registerThroughForm(p, HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    const s = await insertSite(p);
    await p.services.db.updateTable("white_label_sites").set({ owner_id: user.id }).where("id", "=", s.site.id).execute();
    const login = await p.request("/api/login", { method: "POST", json: { login: username, password: "correct-horse-9" } });
    const token = (await body(login)).data.token as string;
    return { jar, user, token, site: s.site, host: s.host, base: `/white-label/sites/${s.site.uuid}` };
  }

  const connectForm = (html: string, fields: Record<string, string>) => ({
    _csrf: csrfFrom(html),
    _form: "new",
    kind: "cinetpay",
    name: "Mobile money",
    mode: "simulated",
    currency: "XOF",
    fee_percent: "2",
    is_active: "1",
    ...fields,
  });

  const accountsOf = (siteId: number) => p.services.db.selectFrom("gateway_accounts").selectAll().where("site_id", "=", siteId).orderBy("id").execute();

  it("the owner connects a simulated account, tests the connection, and never sees its credentials again", async () => {
    const o = await ownerWithSite();
    const page = await get(p, HOST, `${o.base}/gateways`, o.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Paiement automatique");
    expect(page.html).toContain('option value="simulated"');

    // A refused form keeps what was typed and names the field.
    const refused = await post(p, HOST, `${o.base}/gateways`, o.jar, connectForm(page.html, { name: "", fee_percent: "12,5" }));
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain("Donnez un nom");
    expect(refused.html).toContain('value="12,5"');
    const otherCurrency = await post(p, HOST, `${o.base}/gateways`, o.jar, connectForm(page.html, { currency: "EUR" }));
    expect(otherCurrency.res.status).toBe(422);
    expect(otherCurrency.html).toContain("Votre site compte en XOF");
    expect(otherCurrency.html).toContain('value="EUR"');
    expect(await accountsOf(o.site.id)).toHaveLength(0);

    const done = await post(p, HOST, `${o.base}/gateways`, o.jar, connectForm(page.html, {}));
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe(`${o.base}/gateways?done=connected`);
    const [row] = await accountsOf(o.site.id);
    expect(row!.mode).toBe("simulated");
    expect(row!.api_base).toBe(sim.url);
    expect(row!.fee_percent_bp).toBe(200);
    // Sealed at rest: the stored text holds none of the credentials.
    for (const secret of Object.values(sim.credentials)) expect(row!.credentials).not.toContain(secret);

    const shown = await get(p, HOST, `${o.base}/gateways?done=connected`, o.jar);
    expect(shown.html).toContain(`••••${sim.credentials.apikey.slice(-4)}`);
    expect(shown.html).not.toContain(sim.credentials.apikey);
    expect(shown.html).not.toContain(sim.credentials.secret_key);

    const tested = await post(p, HOST, `${o.base}/gateways/${row!.id}/test`, o.jar, { _csrf: csrfFrom(shown.html), _form: String(row!.id) });
    expect(tested.res.status).toBe(200);
    expect(tested.html).toContain("Connexion réussie");

    // A wrong key typed in the edit form: the test says so in words; a blank field keeps the stored value.
    await post(p, HOST, `${o.base}/gateways/${row!.id}`, o.jar, {
      _csrf: csrfFrom(shown.html),
      _form: String(row!.id),
      kind: "cinetpay",
      name: "Mobile money",
      mode: "simulated",
      currency: "XOF",
      fee_percent: "2",
      is_active: "1",
      "cinetpay.apikey": "wrong-key-0000",
    });
    const failed = await post(p, HOST, `${o.base}/gateways/${row!.id}/test?lang=en`, o.jar, { _csrf: csrfFrom(shown.html), _form: String(row!.id) });
    expect(failed.html).toContain("The connection failed: the gateway refuses these credentials");
    expect(failed.html).toContain("609");
    await post(p, HOST, `${o.base}/gateways/${row!.id}`, o.jar, {
      _csrf: csrfFrom(shown.html),
      _form: String(row!.id),
      kind: "cinetpay",
      name: "Mobile money",
      mode: "simulated",
      currency: "XOF",
      fee_percent: "2",
      is_active: "1",
      "cinetpay.apikey": sim.credentials.apikey,
      "cinetpay.secret_key": "",
    });
    const again = await post(p, HOST, `${o.base}/gateways/${row!.id}/test?lang=fr`, o.jar, { _csrf: csrfFrom(shown.html), _form: String(row!.id) });
    expect(again.html).toContain("Connexion réussie");
  });

  it("the site's customers pay through the site's own account only; a site without one keeps its manual methods", async () => {
    const o = await ownerWithSite();
    const bare = await ownerWithSite();
    const page = await get(p, HOST, `${o.base}/gateways`, o.jar);
    await post(p, HOST, `${o.base}/gateways`, o.jar, connectForm(page.html, { name: "Paiement du site" }));
    const customer = await registerThroughForm(p, o.host);
    const funds = await get(p, o.host, "/funds", customer.jar);
    expect(funds.html).toContain("Paiement du site");
    expect(funds.html).not.toContain(`value="${platformAccount}"`);
    const other = await registerThroughForm(p, bare.host);
    const bareFunds = await get(p, bare.host, "/funds", other.jar);
    expect(bareFunds.res.status).toBe(200);
    expect(bareFunds.html).not.toContain('action="/funds/gateway"');
    // On the platform, the site's account is not offered.
    const u = await signUp(p);
    const methods = await body(await p.request("/api/deposits/gateway/methods", { token: u.token }));
    expect(methods.data.map((m: { name: string }) => m.name)).not.toContain("Paiement du site");
  });

  it("the JSON API connects, edits, tests and removes an account, never echoing a credential; bad input is a 422 naming the field", async () => {
    const o = await ownerWithSite();
    const api = `/api/white-label/sites/${o.site.uuid}/gateway-accounts`;
    const bad = await p.request(api, {
      method: "POST",
      token: o.token,
      json: { kind: "cinetpay", name: "X", mode: "live", currency: "XOF", credentials: { apikey: "k" } },
    });
    expect(bad.status).toBe(422);
    expect(Object.keys((await body(bad)).error.details)).toEqual(expect.arrayContaining(["credentials.site_id", "credentials.secret_key"]));
    const unknownKind = await p.request(api, { method: "POST", token: o.token, json: { kind: "paypal", name: "X", currency: "XOF" } });
    expect(unknownKind.status).toBe(422);
    expect((await body(unknownKind)).error.details.kind).toBeDefined();

    const created = await p.request(api, {
      method: "POST",
      token: o.token,
      json: {
        kind: "cinetpay",
        name: "Live one",
        mode: "live",
        currency: "XOF",
        fee_percent: "1.5",
        credentials: { apikey: "live-key-12345678", site_id: "445566", secret_key: "live-secret-abcd" },
      },
    });
    expect(created.status).toBe(201);
    const text = JSON.stringify(await body(created.clone()));
    expect(text).not.toContain("live-key-12345678");
    expect(text).not.toContain("live-secret-abcd");
    const account = (await body(created)).data;
    expect(account.credentials_hint).toEqual({ apikey: "••••5678", site_id: "••••5566", secret_key: "••••abcd" });
    expect(account.fee_percent).toBe("1.50");

    const edited = await p.request(`${api}/${account.id}`, {
      method: "PUT",
      token: o.token,
      json: { name: "Renamed", credentials: { apikey: "", secret_key: "new-secret-wxyz" } },
    });
    expect(edited.status).toBe(200);
    expect((await body(edited)).data.credentials_hint).toEqual({ apikey: "••••5678", site_id: "••••5566", secret_key: "••••wxyz" });

    // A gateway that does not answer: said so, in other words than a refusal.
    const silent = await gatewayAccount(p, sim, { siteId: o.site.id });
    await p.services.db.updateTable("gateway_accounts").set({ api_base: "http://127.0.0.1:9" }).where("id", "=", silent).execute();
    const unreachable = await body(await p.request(`${api}/${silent}/test`, { method: "POST", token: o.token }));
    expect(unreachable.data).toMatchObject({ ok: false, reason: "unreachable" });
    expect((await p.request(`${api}/${silent}`, { method: "DELETE", token: o.token })).status).toBe(200);

    const list = await body(await p.request(api, { token: o.token }));
    expect(list.data.map((a: { name: string }) => a.name)).toEqual(["Renamed"]);
    const removed = await p.request(`${api}/${account.id}`, { method: "DELETE", token: o.token });
    expect((await body(removed)).data).toEqual({ deleted: true });
    expect(await accountsOf(o.site.id)).toHaveLength(0);
  });

  it("removing an account is refused while a payment waits at the gateway, and switches it off once it has history", async () => {
    const o = await ownerWithSite();
    const id = await gatewayAccount(p, sim, { siteId: o.site.id });
    const customer = await signUp(p);
    // A pending payment of that account (through the platform's API, then moved to the site's account).
    const { uuid } = await startPayment(p, sim, customer.token, platformAccount, "1000");
    const row = await paymentRow(p, uuid);
    await p.services.db.updateTable("gateway_payments").set({ gateway_account_id: id, site_id: o.site.id }).where("id", "=", row.id).execute();
    const page = await get(p, HOST, `${o.base}/gateways`, o.jar);
    const refused = await post(p, HOST, `${o.base}/gateways/${id}/remove`, o.jar, { _csrf: csrfFrom(page.html), _form: String(id) });
    expect(refused.res.status).toBe(409);
    expect(refused.html).toContain("encore en attente");
    await p.services.db.updateTable("gateway_payments").set({ status: "expired" }).where("id", "=", row.id).execute();
    const off = await post(p, HOST, `${o.base}/gateways/${id}/remove`, o.jar, { _csrf: csrfFrom(page.html), _form: String(id) });
    expect(off.res.headers.get("location")).toContain("done=deactivated");
    const [kept] = await accountsOf(o.site.id);
    expect(kept!.is_active).toBeFalsy();
  });

  it("another user's site is a 404 for every gateway page and API route", async () => {
    const a = await ownerWithSite();
    const b = await ownerWithSite();
    const id = await gatewayAccount(p, sim, { siteId: a.site.id });
    const customer = await signUp(p);
    const { uuid } = await startPayment(p, sim, customer.token, platformAccount, "1000");
    for (const path of [`${a.base}/gateways`, `${a.base}/gateway-payments`, `${a.base}/gateway-payments/${uuid}`]) {
      expect((await get(p, HOST, path, b.jar)).res.status).toBe(404);
    }
    const page = await get(p, HOST, `${b.base}/gateways`, b.jar);
    for (const path of [`${a.base}/gateways/${id}/test`, `${a.base}/gateways/${id}/remove`, `${a.base}/gateways/${id}`]) {
      expect((await post(p, HOST, path, b.jar, { _csrf: csrfFrom(page.html) })).res.status).toBe(404);
    }
    // B's own site does not reach A's account by id either.
    expect((await post(p, HOST, `${b.base}/gateways/${id}/test`, b.jar, { _csrf: csrfFrom(page.html) })).res.status).toBe(404);
    const api = `/api/white-label/sites/${a.site.uuid}`;
    for (const [method, path] of [
      ["GET", `${api}/gateway-accounts`],
      ["POST", `${api}/gateway-accounts/${id}/test`],
      ["DELETE", `${api}/gateway-accounts/${id}`],
      ["GET", `${api}/gateway-payments`],
    ] as const) {
      expect((await p.request(path, { method, token: b.token })).status).toBe(404);
    }
    // The platform's payment is not a site's: 404 on the owner's own site.
    expect((await p.request(`/api/white-label/sites/${b.site.uuid}/gateway-payments/${uuid}`, { token: b.token })).status).toBe(404);
    expect((await p.request(`/api/white-label/sites/${b.site.uuid}/gateway-accounts/${id}/test`, { method: "POST", token: b.token })).status).toBe(404);
    expect(await accountsOf(a.site.id)).toHaveLength(1);
  });
});
