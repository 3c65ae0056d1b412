import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { auditRows } from "../harness/audit.ts";
import { decode, startSmtp } from "../harness/smtp.ts";
import { parseMoney } from "../../src/money/money.ts";
import { displayMoney } from "../../src/storefront/format.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { api, balanceOf, customerOf, expectLedgerHolds, resellerSite, whiteLabelPlatform } from "./helpers.ts";
import { ownerThroughForms } from "../white-label/helpers.ts";

const HOST = "izyboost.test";
const xof = (amount: string) => displayMoney(parseMoney(amount)!, "XOF", "fr");

describeEachDialect("a reseller's customers on the platform's pages", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await whiteLabelPlatform(dialect, { env: { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" } });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  /** A platform user signed in through the forms who bought a site through the purchase form. */
  const owner = () => ownerThroughForms(p, { siteName: "Boost Clients", slugPrefix: "cu" });

  it("lists and searches the customers, shows one, adjusts the balance after a confirmation, bans, lifts the ban and sends a reset link", async () => {
    const o = await owner();
    const alice = await customerOf(p, o.r, "2000");
    const bob = await customerOf(p, o.r);

    const home = await get(p, HOST, o.base, o.jar);
    expect(home.html).toContain(`href="${o.base}/customers"`);
    const list = await get(p, HOST, `${o.base}/customers`, o.jar);
    expect(list.res.status).toBe(200);
    expect(list.html).toContain(alice.username);
    expect(list.html).toContain(bob.username);
    expect(list.html).toContain(xof("2000"));
    const found = await get(p, HOST, `${o.base}/customers?q=${encodeURIComponent(alice.username)}`, o.jar);
    expect(found.html).toContain(alice.username);
    expect(found.html).not.toContain(bob.username);

    const cu = `${o.base}/customers/${alice.id}`;
    const page = await get(p, HOST, cu, o.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(alice.email);
    expect(page.html).toContain(xof("2000"));
    const csrf = csrfFrom(page.html);

    // Step one shows the amount and the balance after; nothing moves yet.
    const ask = await post(p, HOST, `${cu}/adjust`, o.jar, { _csrf: csrf, amount: "-500", reason: "Geste annulé" });
    expect(ask.res.status).toBe(200);
    expect(ask.html).toContain('role="alertdialog"');
    expect(ask.html).toContain(`Débiter ${xof("500")} à ${alice.username} ?`);
    expect(ask.html).toContain(xof("1500"));
    expect(ask.html).toContain('name="confirm" value="1"');
    expect(await balanceOf(p, alice.id)).toBe(parseMoney("2000"));
    const key = /name="key" value="([^"]+)"/.exec(ask.html)?.[1];
    expect(key).toBeTruthy();
    // Confirm clicked twice (the same step, so the same key): booked once.
    const confirmed = { _csrf: csrf, amount: "-500", reason: "Geste annulé", confirm: "1", key: key! };
    const [done, again] = [await post(p, HOST, `${cu}/adjust`, o.jar, confirmed), await post(p, HOST, `${cu}/adjust`, o.jar, confirmed)];
    for (const r of [done, again]) {
      expect(r.res.status).toBe(303);
      expect(r.res.headers.get("location")).toBe(`${cu}?done=adjusted`);
    }
    expect(await balanceOf(p, alice.id)).toBe(parseMoney("1500"));
    await expectLedgerHolds(p);
    const [audit] = await auditRows(p, "user.adjust_balance", alice.id);
    expect(audit?.site_id).toBe(o.site.id);
    expect((await get(p, HOST, `${cu}?done=adjusted`, o.jar)).html).toContain("Le solde est ajusté ; le client est prévenu.");

    // Refusals keep the input and name the field; the balance never goes below zero.
    const bad = await post(p, HOST, `${cu}/adjust`, o.jar, { _csrf: csrf, amount: "beaucoup", reason: "x" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-amount-error"');
    expect(bad.html).toContain('id="f-reason-error"');
    expect(bad.html).toContain('value="beaucoup"');
    const tooMuch = await post(p, HOST, `${cu}/adjust`, o.jar, { _csrf: csrf, amount: "-99999", reason: "Trop", confirm: "1" });
    expect(tooMuch.res.status).toBe(422);
    expect(tooMuch.html).toContain("Le solde ne peut pas devenir négatif.");
    expect(await balanceOf(p, alice.id)).toBe(parseMoney("1500"));

    // Ban, reset link refused while banned, lift the ban, then the link goes out in the site's name to its address.
    const banned = await post(p, HOST, `${cu}/ban`, o.jar, { _csrf: csrf, ban_reason: "Fraude" });
    expect(banned.res.headers.get("location")).toBe(`${cu}?done=banned`);
    expect((await p.services.db.selectFrom("users").select(["is_banned", "ban_reason"]).where("id", "=", alice.id).executeTakeFirstOrThrow()).is_banned).toBe(
      1,
    );
    expect(await auditRows(p, "user.ban", alice.id)).toHaveLength(1);
    const refused = await post(p, HOST, `${cu}/reset-link`, o.jar, { _csrf: csrf });
    expect(refused.res.status).toBe(409);
    expect(refused.html).toContain("levez le bannissement");
    const lifted = await post(p, HOST, `${cu}/ban`, o.jar, { _csrf: csrf });
    expect(lifted.res.headers.get("location")).toBe(`${cu}?done=unbanned`);
    expect(await auditRows(p, "user.unban", alice.id)).toHaveLength(1);
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    const sent = await post(p, HOST, `${cu}/reset-link`, o.jar, { _csrf: csrf });
    expect(sent.res.headers.get("location")).toBe(`${cu}?done=reset_sent`);
    await p.services.mailer.flush();
    const mail = smtp.inbox.slice(before).find((m) => m.to.includes(alice.email));
    expect(mail).toBeDefined();
    const text = decode(mail!.raw);
    expect(text).toContain(`http://${o.site.slug}.sites.izyboost.test/password/reset?token=`);
    expect(text).toContain("Boost Clients");
    expect(await auditRows(p, "user.password_reset_link", alice.id)).toHaveLength(1);

    for (const path of [`${o.base}/customers?lang=en`, `${cu}?lang=en`]) {
      const en = await get(p, HOST, path, o.jar);
      expect(en.html).toContain('<html lang="en"');
      expect(en.html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    expect((await get(p, HOST, `${cu}?lang=en`, o.jar)).html).toContain("Adjust the balance");
    expect([...missingTranslations()]).toEqual([]);
    await expectLedgerHolds(p);
  });

  it("the JSON API sends the same reset link, to the site's own customers only", async () => {
    const r = await resellerSite(p);
    const other = await resellerSite(p);
    const carol = await customerOf(p, r);
    const res = await p.request(api(r, `/customers/${carol.id}/password-reset`), { method: "POST", token: r.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { sent: true } });
    expect(await auditRows(p, "user.password_reset_link", carol.id)).toHaveLength(1);
    expect((await p.request(api(other, `/customers/${carol.id}/password-reset`), { method: "POST", token: other.token })).status).toBe(404);
    expect((await p.request(api(r, `/customers/${carol.id}/password-reset`), { method: "POST", token: other.token })).status).toBe(404);
    expect(await auditRows(p, "user.password_reset_link", carol.id)).toHaveLength(1);
  });

  it("another reseller gets a 404 for the customers, a customer and its forms, and nothing changes", async () => {
    const a = await owner();
    const b = await owner();
    const alice = await customerOf(p, a.r, "1000");
    const csrf = csrfFrom((await get(p, HOST, `${b.base}/customers`, b.jar)).html);
    expect((await get(p, HOST, `${a.base}/customers`, b.jar)).res.status).toBe(404);
    for (const base of [a.base, b.base]) {
      expect((await get(p, HOST, `${base}/customers/${alice.id}`, b.jar)).res.status).toBe(404);
      for (const [path, fields] of [
        ["/adjust", { amount: "-1000", reason: "Vol", confirm: "1" }],
        ["/ban", { ban_reason: "x" }],
        ["/reset-link", {}],
      ] as const) {
        expect((await post(p, HOST, `${base}/customers/${alice.id}${path}`, b.jar, { _csrf: csrf, ...fields })).res.status, `${base}${path}`).toBe(404);
      }
    }
    expect(await balanceOf(p, alice.id)).toBe(parseMoney("1000"));
    expect((await p.services.db.selectFrom("users").select("is_banned").where("id", "=", alice.id).executeTakeFirstOrThrow()).is_banned).toBe(0);
    expect(await auditRows(p, "user.password_reset_link", alice.id)).toHaveLength(0);
    expect((await get(p, HOST, `${a.base}/customers`, new Jar())).res.status).toBe(303);
  });
});
