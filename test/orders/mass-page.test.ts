import { afterAll, beforeAll, expect, it } from "vitest";
import { plainSpaces } from "../harness/money.ts";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, orderWorld, type World } from "./support.ts";

describeEachDialect("mass order page", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(async () => {
    await expectLedgerHolds(w);
    await closeWorld(w);
  });

  async function signedIn(login: string) {
    const jar = new Jar();
    const page = await get(w.p, "izyboost.test", "/login", jar);
    expect((await post(w.p, "izyboost.test", "/login", jar, { _csrf: csrfFrom(page.html), login, password: "correct-horse-9" })).res.status).toBe(303);
    return jar;
  }

  it("prices every line first, names the refused ones, then places the good lines once and names each order", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "10000");
    const jar = await signedIn(u.user.username);
    const form = await get(w.p, "izyboost.test", "/orders/mass", jar);
    expect(form.res.status).toBe(200);
    const text = [
      `${svc.id}|https://instagram.com/mass-one|1000`,
      `${svc.id}|pas-un-lien|1000`,
      "n'importe quoi",
      `${svc.id}|https://instagram.com/mass-two|2000`,
    ].join("\n");
    const csrf = csrfFrom(form.html);
    const preview = await post(w.p, "izyboost.test", "/orders/mass", jar, { _csrf: csrf, orders: text, idempotency_key: "mass-key-1" });
    expect(preview.res.status).toBe(200);
    const shown = plainSpaces(preview.html);
    expect(shown).toContain("2 commande(s) pour 3 000 F CFA au total.");
    expect(shown).toContain("Format attendu : service|lien|quantité.");
    expect(shown).toMatch(/Ligne 2<\/span>[\s\S]*?Refusée/);
    // Nothing was placed by the check.
    expect(await balanceOf(w, u.user.id)).toBe(10_000_000_000);

    const confirm = { _csrf: csrf, orders: text, idempotency_key: "mass-key-1", confirm: "yes" };
    const done = await post(w.p, "izyboost.test", "/orders/mass", jar, confirm);
    expect(done.res.status).toBe(200);
    expect(plainSpaces(done.html)).toContain("2 commande(s) passée(s), 2 refusée(s)");
    expect(done.html).toMatch(/href="\/orders\/[0-9a-f-]{36}">#\d+/);
    // A double submit of the same confirmation places nothing more.
    await post(w.p, "izyboost.test", "/orders/mass", jar, confirm);
    const orders = await w.p.services.db.selectFrom("orders").select("link").where("user_id", "=", u.user.id).execute();
    expect(orders.map((o) => o.link).sort()).toEqual(["https://instagram.com/mass-one", "https://instagram.com/mass-two"]);
    expect(await balanceOf(w, u.user.id)).toBe(7_000_000_000);
  });

  it("an empty form names its field and changes nothing; the page is the platform's only", async () => {
    const u = await fundedUser(w, "1000");
    const jar = await signedIn(u.user.username);
    const form = await get(w.p, "izyboost.test", "/orders/mass?lang=en", jar);
    const empty = await post(w.p, "izyboost.test", "/orders/mass", jar, { _csrf: csrfFrom(form.html), orders: "   " });
    expect(empty.res.status).toBe(422);
    expect(empty.html).toContain('id="f-orders-error"');
    const site = await insertSite(w.p);
    const customer = await registerThroughForm(w.p, site.host);
    expect((await get(w.p, site.host, "/orders/mass", customer.jar)).res.status).toBe(404);
  });
});
