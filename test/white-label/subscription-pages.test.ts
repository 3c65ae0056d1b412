import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { parseMoney } from "../../src/money/money.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { customerOf } from "../reseller/helpers.ts";
import { parseInput } from "../../src/core/validate.ts";
import { adjustBalance } from "../../src/staff/users/balance.ts";
import { adjustBody } from "../../src/staff/users/schema.ts";
import { balanceOf, expectLedgerHolds, ownerThroughForms, whiteLabelPlatform } from "./helpers.ts";

const HOST = "izyboost.test";
const xof = (amount: string) => displayMoney(parseMoney(amount)!, "XOF", "fr");

describeEachDialect("a reseller's subscription on the platform's pages", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(async () => {
    await p.close();
  });

  const owner = () => ownerThroughForms(p, { siteName: "Boost Abonné", slugPrefix: "sb" });
  const charges = (userId: number) =>
    p.services.db.selectFrom("transactions").selectAll().where("user_id", "=", userId).where("type", "=", "subscription").execute();

  it("shows the subscription and its invoices, each printable, to its owner only", async () => {
    const o = await owner();
    const home = await get(p, HOST, o.base, o.jar);
    expect(home.html).toContain(`href="${o.base}/subscription"`);
    const page = await get(p, HOST, `${o.base}/subscription`, o.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Abonnement · Boost Abonné");
    expect(page.html).toContain("Business");
    expect(page.html).toContain("Mensuelle");
    expect(page.html).toContain(xof("15000"));
    const invoice = await p.services.db.selectFrom("invoices").selectAll().where("user_id", "=", o.user.id).executeTakeFirstOrThrow();
    expect(page.html).toContain(invoice.number);
    const printed = await get(p, HOST, `${o.base}/invoices/${invoice.uuid}`, o.jar);
    expect(printed.res.status).toBe(200);
    expect(printed.html).toContain("page-white-label-site-invoice");
    expect(printed.html).toContain(`Facture n° ${invoice.number}`);
    expect(printed.html).toContain("Achat d&#39;un site en marque blanche");
    expect(printed.html).toContain(o.user.email);
    expect(printed.html).toContain(xof("15000"));
    const english = await get(p, HOST, `${o.base}/invoices/${invoice.uuid}?lang=en`, o.jar);
    expect(english.html).toContain(`Invoice no. ${invoice.number}`);
    expect(english.html).toContain("Purchase of a white-label site");
    await get(p, HOST, `${o.base}/invoices/${invoice.uuid}?lang=fr`, o.jar);

    const other = await owner();
    expect((await get(p, HOST, `${o.base}/subscription`, other.jar)).res.status).toBe(404);
    expect((await get(p, HOST, `${o.base}/invoices/${invoice.uuid}`, other.jar)).res.status).toBe(404);
    expect((await get(p, HOST, `${other.base}/invoices/${invoice.uuid}`, other.jar)).res.status).toBe(404);
  });

  it("renews and changes plan only after a confirmation step with the amount; a double submit charges once", async () => {
    const o = await owner();
    const start = await balanceOf(p, o.user.id);
    const page = await get(p, HOST, `${o.base}/subscription`, o.jar);
    const csrf = csrfFrom(page.html);

    const ask = await post(p, HOST, `${o.base}/subscription/renew`, o.jar, { _csrf: csrf });
    expect(ask.res.status).toBe(200);
    expect(ask.html).toContain("Renouveler l&#39;abonnement de Boost Abonné");
    expect(ask.html).toContain(`Payer ${xof("15000")}`);
    expect(await balanceOf(p, o.user.id)).toBe(start);
    const renewed = await post(p, HOST, `${o.base}/subscription/renew`, o.jar, { _csrf: csrf, confirm: "1" });
    expect(renewed.res.status).toBe(303);
    expect(await balanceOf(p, o.user.id)).toBe(start - parseMoney("15000")!);
    // Paid a period ahead: no second early renewal.
    const again = await post(p, HOST, `${o.base}/subscription/renew`, o.jar, { _csrf: csrf, confirm: "1" });
    expect(again.res.status).toBe(409);
    expect(again.html).toContain("déjà payé une période d&#39;avance");

    const enterprise = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "enterprise").executeTakeFirstOrThrow();
    const quote = await post(p, HOST, `${o.base}/subscription/plan`, o.jar, { _csrf: csrf, plan_id: String(enterprise.id), billing_cycle: "monthly" });
    expect(quote.res.status).toBe(200);
    expect(quote.html).toContain("Passer à Enterprise (Mensuelle)");
    const amount = /Payer ([^<]+)</.exec(quote.html)?.[1];
    expect(amount).toBeTruthy();
    const mid = await balanceOf(p, o.user.id);
    const fields = { _csrf: csrf, plan_id: String(enterprise.id), billing_cycle: "monthly", confirm: "1" };
    const [a, b] = await Promise.all([
      post(p, HOST, `${o.base}/subscription/plan`, o.jar, fields),
      post(p, HOST, `${o.base}/subscription/plan`, o.jar, fields),
    ]);
    // One goes through; the other finds the subscription changed (409) or already on that plan (422): never charged twice.
    const statuses = [a.res.status, b.res.status].sort();
    expect(statuses[0]).toBe(303);
    expect([409, 422]).toContain(statuses[1]);
    const upgrade = await charges(o.user.id);
    expect(upgrade).toHaveLength(2);
    expect(xof(String(-Number(upgrade[1]!.amount) / 1_000_000))).toBe(amount);
    expect(await balanceOf(p, o.user.id)).toBe(mid + Number(upgrade[1]!.amount));

    const bad = await post(p, HOST, `${o.base}/subscription/plan`, o.jar, { _csrf: csrf, plan_id: "999999", billing_cycle: "monthly" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain("Choisissez une formule disponible");
    await expectLedgerHolds(p);
  });

  it("cancels at the period end and undoes it; deletion is refused with money in the site and done with the typed slug", async () => {
    const o = await owner();
    const csrf = csrfFrom((await get(p, HOST, `${o.base}/subscription`, o.jar)).html);
    expect((await post(p, HOST, `${o.base}/subscription/cancel`, o.jar, { _csrf: csrf })).res.status).toBe(303);
    const canceling = await get(p, HOST, `${o.base}/subscription?done=canceled`, o.jar);
    expect(canceling.html).toContain("Résiliation programmée");
    expect(canceling.html).toContain("Garder l&#39;abonnement");
    expect((await post(p, HOST, `${o.base}/subscription/resume`, o.jar, { _csrf: csrf })).res.status).toBe(303);

    const customer = await customerOf(p, o.r, "700");
    const blocked = await get(p, HOST, `${o.base}/subscription`, o.jar);
    expect(blocked.html).toContain(`1 client(s) ont un solde, ${xof("700")} au total`);
    expect(blocked.html).not.toContain(`action="${o.base}/delete"`);
    const forced = await post(p, HOST, `${o.base}/delete`, o.jar, { _csrf: csrf, confirm_slug: o.site.slug });
    expect(forced.res.status).toBe(409);
    expect(forced.html).toContain("détient encore l&#39;argent de vos clients");

    // The owner settles: the customer's balance back to zero (the customer page's adjustment).
    await adjustBalance({ ...p.ctx(o.r.tenant), user: o.user }, customer.id, parseInput(adjustBody, { amount: "-700", reason: "Remboursé" }));
    const wrong = await post(p, HOST, `${o.base}/delete`, o.jar, { _csrf: csrf, confirm_slug: "autre-chose" });
    expect(wrong.res.status).toBe(422);
    expect(wrong.html).toContain("Tapez exactement l&#39;adresse du site.");
    expect(wrong.html).toContain('value="autre-chose"');
    const done = await post(p, HOST, `${o.base}/delete`, o.jar, { _csrf: csrf, confirm_slug: o.site.slug });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe("/white-label/sites");
    expect((await get(p, HOST, `${o.base}/subscription`, o.jar)).res.status).toBe(404);
    expect((await get(p, HOST, "/white-label/sites", o.jar)).html).not.toContain(o.site.uuid);
    await expectLedgerHolds(p);
  });
});
