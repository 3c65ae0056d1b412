import { afterAll, beforeAll, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { manualClock } from "../harness/clock.ts";
import { body, describeEachDialect, makePlatform, markEmailVerified, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { resellerSite, type Reseller } from "../reseller/helpers.ts";
import { csrfFrom, get, Jar, post, registerThroughForm, sessionCookie } from "../storefront/helpers.ts";
import { totpAt } from "../../src/auth/totp.ts";
import { putSetting } from "../../src/settings/service.ts";
import { MINUTE } from "../../src/lib/time.ts";

describeEachDialect("two-factor sign-in on the pages of every tenant", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let siteA: Reseller;
  let siteB: Reseller;
  const clock = manualClock();
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" }, { clock });
    siteA = await resellerSite(p);
    siteB = await resellerSite(p);
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  const nameOf = (r: Reseller) => (r.tenant.kind === "site" ? r.tenant.site.name : "");
  const code = (secret: string) => totpAt(secret, clock.now());
  const wrong = (secret: string) => (code(secret) === "000000" ? "111111" : "000000");
  const secretOf = (html: string) => (/id="totp-secret">([A-Z2-7 ]+)</.exec(html)?.[1] ?? "").replace(/ /g, "");

  /** A customer of the host who turned two-factor on through the settings page. */
  async function enrolThroughPage(host: string) {
    const { jar, username } = await registerThroughForm(p, host);
    const settings = await get(p, host, "/account/settings", jar);
    const started = await post(p, host, "/account/two-factor/start", jar, { _csrf: csrfFrom(settings.html) });
    expect(started.res.headers.get("location")).toBe("/account/settings#two-factor");
    const pending = await get(p, host, "/account/settings", jar);
    const secret = secretOf(pending.html);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const done = await post(p, host, "/account/two-factor/confirm", jar, { _csrf: csrfFrom(pending.html), code: code(secret) });
    expect(done.res.status).toBe(200);
    const codes = [...done.html.matchAll(/<li>([a-z2-7]{5}-[a-z2-7]{5})<\/li>/g)].map((m) => m[1]!);
    clock.advance(30_000);
    return { jar, username, secret, codes };
  }

  /** The login form's first step in a fresh jar: the redirect to the code step and the jar holding the challenge. */
  async function passwordStep(host: string, login: string, next?: string) {
    const jar = new Jar();
    const page = await get(p, host, "/login", jar);
    const res = await post(p, host, "/login", jar, { _csrf: csrfFrom(page.html), login, password: "correct-horse-9", ...(next ? { next } : {}) });
    return { jar, res: res.res };
  }

  it("a site's customer turns it on from the settings page: the key grouped by four and the link in the site's name, a wrong code named under its field", async () => {
    const { jar } = await registerThroughForm(p, siteA.host);
    const settings = await get(p, siteA.host, "/account/settings", jar);
    expect(settings.html).toContain('id="two-factor"');
    expect(settings.html).toContain("Activer la validation en deux étapes");
    await post(p, siteA.host, "/account/two-factor/start", jar, { _csrf: csrfFrom(settings.html) });
    const pending = await get(p, siteA.host, "/account/settings", jar);
    expect(pending.html).toMatch(/id="totp-secret">[A-Z2-7]{4}( [A-Z2-7]{4}){7}</);
    expect(pending.html).toContain(`otpauth://totp/${encodeURIComponent(nameOf(siteA)).replace(/%20/g, "%20")}`);
    expect(pending.html).toContain(`issuer=${encodeURIComponent(nameOf(siteA))}`);
    const secret = secretOf(pending.html);
    const refused = await post(p, siteA.host, "/account/two-factor/confirm", jar, { _csrf: csrfFrom(pending.html), code: wrong(secret) });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toMatch(/id="f-confirm-code"[^>]*value="\d{6}"[^>]*aria-invalid="true"|id="f-confirm-code" name="code" type="text" value="\d{6}"/);
    expect(refused.html).toContain('id="f-confirm-code-error"');
    expect(refused.html).toContain("Ce code n&#39;est pas valide");
    const en = await post(p, siteA.host, "/account/two-factor/confirm?lang=en", jar, { _csrf: csrfFrom(pending.html), code: wrong(secret) });
    expect(en.html).toContain("This code is not valid");
    const done = await post(p, siteA.host, "/account/two-factor/confirm", jar, { _csrf: csrfFrom(pending.html), code: code(secret) });
    expect(done.res.status).toBe(200);
    expect([...done.html.matchAll(/<li>([a-z2-7]{5}-[a-z2-7]{5})<\/li>/g)]).toHaveLength(10);
    // Shown once: the next visit shows the state, not the codes.
    const after = await get(p, siteA.host, "/account/settings", jar);
    expect(after.html).toContain("Recovery codes left: 10.");
    expect(after.html).not.toMatch(/<li>[a-z2-7]{5}-[a-z2-7]{5}<\/li>/);
  });

  it("signing in through the form asks for the code on /login/two-factor, keeps the way back, and refuses a wrong or replayed code", async () => {
    const u = await enrolThroughPage(siteA.host);
    const first = await passwordStep(siteA.host, u.username, "/orders");
    expect(first.res.status).toBe(303);
    expect(first.res.headers.get("location")).toBe("/login/two-factor?next=%2Forders");
    expect(sessionCookie(first.jar)).toBeUndefined();
    const page = await get(p, siteA.host, "/login/two-factor?next=%2Forders", first.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain('autocomplete="one-time-code"');
    const bad = await post(p, siteA.host, "/login/two-factor", first.jar, { _csrf: csrfFrom(page.html), code: wrong(u.secret), next: "/orders" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-code-error"');
    expect(bad.html).toContain('name="next" value="/orders"');
    const current = code(u.secret);
    const ok = await post(p, siteA.host, "/login/two-factor", first.jar, { _csrf: csrfFrom(page.html), code: current, next: "/orders" });
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get("location")).toBe("/orders");
    expect(sessionCookie(first.jar)).toBeDefined();
    expect((await get(p, siteA.host, "/orders", first.jar)).res.status).toBe(200);
    // The same code through another sign-in: refused as already used.
    const again = await passwordStep(siteA.host, u.username);
    const againPage = await get(p, siteA.host, "/login/two-factor", again.jar);
    const replay = await post(p, siteA.host, "/login/two-factor", again.jar, { _csrf: csrfFrom(againPage.html), code: current });
    expect(replay.res.status).toBe(422);
    expect(replay.html).toContain("Ce code a déjà servi");
    // A recovery code works, once.
    const byRecovery = await post(p, siteA.host, "/login/two-factor", again.jar, { _csrf: csrfFrom(againPage.html), code: u.codes[0]! });
    expect(byRecovery.res.status).toBe(303);
  });

  it("an expired or foreign challenge sends the visitor back to the password", async () => {
    const u = await enrolThroughPage(siteA.host);
    const late = await passwordStep(siteA.host, u.username);
    clock.advance(5 * MINUTE + 1000);
    const gone = await get(p, siteA.host, "/login/two-factor", late.jar);
    expect(gone.res.status).toBe(303);
    expect(gone.res.headers.get("location")).toBe("/login?flash=two_factor_expired");

    // Site A's challenge carried to site B's form, or to the platform's API: nobody there.
    const fresh = await passwordStep(siteA.host, u.username);
    const challenge = fresh.jar.cookies.get("izy_2fa")!;
    expect(challenge).toMatch(/^[a-z2-7]{32}$/);
    const onB = new Jar();
    const bPage = await get(p, siteB.host, "/login", onB);
    onB.cookies.set("izy_2fa", challenge);
    const foreign = await post(p, siteB.host, "/login/two-factor", onB, { _csrf: csrfFrom(bPage.html), code: code(u.secret) });
    expect(foreign.res.status).toBe(303);
    expect(foreign.res.headers.get("location")).toBe("/login?flash=two_factor_expired");
    const viaApi = await p.request("/api/login/two-factor", { method: "POST", json: { challenge, code: code(u.secret) } });
    expect(viaApi.status).toBe(422);
    expect((await body(viaApi)).error.details.challenge).toBeDefined();
    // Still good where it was made.
    const aPage = await get(p, siteA.host, "/login/two-factor", fresh.jar);
    expect((await post(p, siteA.host, "/login/two-factor", fresh.jar, { _csrf: csrfFrom(aPage.html), code: code(u.secret) })).res.status).toBe(303);
  });

  it("turning it off from the page asks for the password and a code, then tells the customer by e-mail in the site's name", async () => {
    const u = await enrolThroughPage(siteA.host);
    // Security notices go to verified addresses only.
    const row = await p.services.db.selectFrom("users").select("id").where("username", "=", u.username).executeTakeFirstOrThrow();
    await markEmailVerified(p, row.id);
    const settings = await get(p, siteA.host, "/account/settings", u.jar);
    expect(settings.html).toMatch(/<details class="confirm">\s*<summary[^>]*>Désactiver la validation en deux étapes/);
    const refused = await post(p, siteA.host, "/account/two-factor/disable", u.jar, {
      _csrf: csrfFrom(settings.html),
      password: "not-the-password",
      code: code(u.secret),
    });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-disable-password-error"');
    expect(refused.html).toMatch(/<details class="confirm" open>\s*<summary[^>]*>Désactiver/);
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    const off = await post(p, siteA.host, "/account/two-factor/disable", u.jar, {
      _csrf: csrfFrom(settings.html),
      password: "correct-horse-9",
      code: code(u.secret),
    });
    expect(off.res.status).toBe(303);
    expect(off.res.headers.get("location")).toBe("/account/settings?flash=two_factor_off#two-factor");
    await p.services.mailer.flush();
    const mail = decode(smtp.inbox.slice(before).find((m) => m.to.includes(`${u.username}@example.com`))?.raw ?? "");
    expect(mail).toContain(`Two-step verification turned off on ${nameOf(siteA)}`);
    expect(mail).not.toContain("turned off on IzyBoost");
    const back = await passwordStep(siteA.host, u.username);
    expect(back.res.headers.get("location")).toBe("/account");
  });

  it("when admins must have it, an admin signing in through the platform's form is sent to enrol first", async () => {
    const admin = await signUpAdmin(p);
    await putSetting(p.ctx(), "admin_two_factor_required", "1");
    try {
      const { jar, res } = await passwordStep("izyboost.test", admin.user.username);
      expect(res.headers.get("location")).toBe("/account/settings?flash=two_factor_required#two-factor");
      const page = await get(p, "izyboost.test", "/account/settings?flash=two_factor_required", jar);
      expect(page.html).toContain("Obligatoire pour les administrateurs");
      expect(page.html).toContain("Les administrateurs doivent activer la validation en deux étapes");
    } finally {
      await putSetting(p.ctx(), "admin_two_factor_required", "0");
    }
  });
});
