import { afterAll, beforeAll, expect, it } from "vitest";
import { dbNow } from "../../src/lib/time.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { customerOn, siteWith, type SiteWorld } from "../chain/support.ts";
import { closeWorld, expectLedgerHolds, money, orderWorld, type World } from "../orders/support.ts";

// No silent surprises on the funds page: the fee before declaring, what was credited, why a deposit was refused.
describeEachDialect("declaring a deposit on the storefront", (dialect) => {
  let w: World;

  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  async function addMethod(s: SiteWorld, code: string, name: string, opts: { active?: boolean; fee?: { percentBp: number; fixed: string } } = {}) {
    const now = dbNow(w.clock);
    const res = await w.p.services.db
      .insertInto("payment_methods")
      .values({
        site_id: s.siteId,
        code,
        name,
        type: "mobile_money",
        instructions_fr: "Envoyez au 07 22",
        instructions_en: "Send to 07 22",
        account_number: "+225 07 22 22 22 22",
        currency: "XOF",
        min_amount: money("100"),
        max_amount: money("100000"),
        is_active: opts.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    if (opts.fee) {
      await w.p.services.db
        .insertInto("fee_structures")
        .values({
          name: `${name} fee`,
          payment_method_id: Number(res.insertId),
          percent_bp: opts.fee.percentBp,
          fixed_amount: money(opts.fee.fixed),
          min_amount: 0,
          max_amount: null,
          is_active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }

  const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  const xof = (amount: string) => displayMoney(money(amount), "XOF", "fr");
  const depositsOf = (userId: number) =>
    w.p.services.db.selectFrom("transactions").select(["id", "amount", "fee", "status"]).where("user_id", "=", userId).where("type", "=", "deposit").execute();

  it("shows each method's fee rule, then the fee and the amount to be credited before anything is recorded", async () => {
    const s = await siteWith(w, { resellerFunds: "0" });
    await addMethod(s, "wave", "Wave boutique", { fee: { percentBp: 200, fixed: "100" } });
    await addMethod(s, "moov", "Moov boutique");
    const c = await customerOn(w, s);
    const page = await get(w.p, s.host, "/funds", c.jar);
    expect(page.html).toContain("Frais : 2");
    expect(page.html).toContain("Sans frais");

    // First post: the declaration is shown with its fee (2 % of 5000 + 100 = 200) and the 4800 to be credited.
    const asked = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "wave", amount: "5000", reference: "WAVE-FEE-1" });
    expect(asked.res.status).toBe(200);
    expect(asked.html).toContain("Vérifiez votre déclaration");
    expect(asked.html).toContain(xof("200"));
    expect(asked.html).toContain(xof("4800"));
    expect(await depositsOf(c.user.id)).toEqual([]);

    // "Change" brings the form back with what was typed; confirming records it once, at the shown figures.
    const fields = hidden(asked.html);
    expect(fields).toMatchObject({ method: "wave", amount: "5000", reference: "WAVE-FEE-1" });
    const edit = await post(w.p, s.host, "/funds", c.jar, { ...fields, confirm: "edit" });
    expect(edit.html).toMatch(/name="amount"[^>]*value="5000"/);
    expect(await depositsOf(c.user.id)).toEqual([]);
    const done = await post(w.p, s.host, "/funds", c.jar, { ...fields, confirm: "yes" });
    expect([done.res.status, done.res.headers.get("location")]).toEqual([303, "/funds?flash=deposit_created"]);
    const again = await post(w.p, s.host, "/funds", c.jar, { ...fields, confirm: "yes" });
    expect(again.res.status).toBe(303);
    expect(await depositsOf(c.user.id)).toMatchObject([{ amount: money("4800"), fee: money("200"), status: "pending" }]);

    // Refused before the step too: a form error under the field, nothing recorded.
    const tooSmall = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "wave", amount: "50", reference: "WAVE-FEE-2" });
    expect(tooSmall.res.status).toBe(422);
    expect(tooSmall.html).toContain('id="f-amount-error"');
    expect(await depositsOf(c.user.id)).toHaveLength(1);
  });

  it("the history shows what was credited, and a refusal's note reaches the customer in the history and a notification", async () => {
    const s = await siteWith(w, { resellerFunds: "0" });
    await addMethod(s, "wave", "Wave boutique", { fee: { percentBp: 0, fixed: "100" } });
    const c = await customerOn(w, s);
    const declare = async (reference: string) => {
      const page = await get(w.p, s.host, "/funds", c.jar);
      const res = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "wave", amount: "3000", reference, confirm: "yes" });
      expect(res.res.status).toBe(303);
    };
    await declare("WAVE-OK-1");
    await declare("WAVE-NO-1");
    const [ok, refused] = await depositsOf(c.user.id);
    const verify = (id: number, json: Record<string, string>) =>
      w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/deposits/${id}/verify`, { method: "POST", token: s.owner.token, json });
    expect((await verify(ok!.id, { action: "approve" })).status).toBe(200);
    const rejected = await verify(refused!.id, { action: "reject", note: "Référence introuvable chez Wave" });
    expect((await body(rejected)).data.status).toBe("failed");

    const history = await get(w.p, s.host, "/funds", c.jar);
    expect(history.html).toContain("Montant crédité");
    expect(history.html).toContain(`<td data-label="Montant crédité">${xof("2900")}</td>`);
    expect(history.html).toContain("Note : Référence introuvable chez Wave");
    const notes = await w.p.services.db.selectFrom("notifications").select(["type", "body"]).where("user_id", "=", c.user.id).execute();
    expect(notes.find((n) => n.type === "deposit_rejected")?.body).toContain("Référence introuvable chez Wave");
    await expectLedgerHolds(w);
  });

  it("the home page names only the payment methods the site offers, and follows the reseller's changes", async () => {
    const s = await siteWith(w, { resellerFunds: "0" });
    await addMethod(s, "wave", "Wave boutique");
    await addMethod(s, "orange_money", "Orange Money boutique", { active: false });
    const home = await get(w.p, s.host, "/?lang=fr", new Jar());
    expect(home.html).toContain("Wave boutique : votre solde est crédité après vérification.");
    expect(home.html).not.toContain("Orange Money");
    expect(home.html).not.toContain("MTN");

    // The reseller switches Orange Money on: the (cached) home page names it at once.
    const methods = await body(await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/payment-methods`, { token: s.owner.token }));
    const orange = methods.data.find((m: { code: string }) => m.code === "orange_money");
    const switched = await w.p.request(`/api/white-label/sites/${s.tenant.site.uuid}/payment-methods/${orange.id}`, {
      method: "PUT",
      token: s.owner.token,
      json: { is_active: true },
    });
    expect(switched.status).toBe(200);
    const after = await get(w.p, s.host, "/?lang=fr", new Jar());
    expect(after.html).toContain("Wave boutique ou Orange Money boutique : votre solde est crédité après vérification.");
  });
});
