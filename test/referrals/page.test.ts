import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { addService, closeWorld, finishAtProvider, fundedUser, orderRow, orderWorld, place, runSync, type World } from "../orders/support.ts";

describeEachDialect("referrals page", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  /** Signs a platform account in through the login form. */
  async function signedIn(login: string) {
    const jar = new Jar();
    const page = await get(w.p, "izyboost.test", "/login", jar);
    const res = await post(w.p, "izyboost.test", "/login", jar, { _csrf: csrfFrom(page.html), login, password: "correct-horse-9" });
    expect(res.res.status).toBe(303);
    return jar;
  }

  it("shows the link to share, the network per level and a pending commission with its date, in both languages", async () => {
    const referrer = await fundedUser(w, "0", { ip: "198.51.100.1" });
    const buyer = await fundedUser(w, "10000", { referral_code: referrer.user.referral_code, ip: "198.51.100.2" });
    const service = await addService(w, { rate: "1000" });
    const placed = await place(w, buyer.token, { service_id: service.id, link: "https://x.test/ref-page", quantity: 1000 });
    expect(placed.status).toBe(201);
    finishAtProvider(w);
    await runSync(w);
    expect((await orderRow(w, placed.order.uuid)).status).toBe("completed");

    const jar = await signedIn(referrer.user.username);
    const fr = await get(w.p, "izyboost.test", "/referrals", jar);
    expect(fr.res.status).toBe(200);
    expect(fr.html).toContain(`http://izyboost.test/register?ref=${referrer.user.referral_code}`);
    expect(fr.html).toContain(buyer.user.username);
    expect(fr.html).toContain("Niveau 1");
    expect(fr.html).toMatch(/badge-pending[^>]*>En attente</);
    expect(fr.html).toContain("versée le");
    const en = await get(w.p, "izyboost.test", "/referrals?lang=en", jar);
    expect(en.html).toContain("Your link to share");
    expect(en.html).toMatch(/badge-pending[^>]*>Waiting</);
    // The buyer's page shows none of the referrer's commissions.
    const buyerPage = await get(w.p, "izyboost.test", "/referrals", await signedIn(buyer.user.username));
    expect(buyerPage.html).toContain("Aucune commission");
  });

  it("is the platform's page only, and asks anonymous visitors to sign in", async () => {
    const site = await insertSite(w.p);
    const customer = await registerThroughForm(w.p, site.host);
    expect((await get(w.p, site.host, "/referrals", customer.jar)).res.status).toBe(404);
    expect((await w.p.request("/referrals")).status).toBe(303);
  });
});
