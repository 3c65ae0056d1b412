import { afterAll, beforeAll, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, Jar, post, registerThroughForm } from "./helpers.ts";

describeEachDialect("password reset pages on the platform and on sites", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  /** Fills the forgot-password form on this host; returns the page and the reset mail's text and token. */
  async function forgotThroughForm(host: string, email: string) {
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    const jar = new Jar();
    const form = await get(p, host, "/password/forgot", jar);
    expect(form.res.status).toBe(200);
    const sent = await post(p, host, "/password/forgot", jar, { _csrf: csrfFrom(form.html), email });
    await p.services.mailer.flush();
    const mail = smtp.inbox.slice(before).find((m) => m.to.includes(email) && decode(m.raw).includes("/password/reset?token="));
    const text = mail ? decode(mail.raw) : "";
    return { sent, text, token: /\/password\/reset\?token=([a-z2-7]+)/.exec(text)?.[1] };
  }

  async function resetThroughForm(host: string, token: string, password: string) {
    const jar = new Jar();
    const page = await get(p, host, `/password/reset?token=${token}`, jar);
    expect(page.res.status).toBe(200);
    return post(p, host, "/password/reset", jar, { _csrf: csrfFrom(page.html), token, password, password_confirmation: password });
  }

  async function loginThroughForm(host: string, login: string, password: string) {
    const jar = new Jar();
    const page = await get(p, host, "/login", jar);
    return post(p, host, "/login", jar, { _csrf: csrfFrom(page.html), login, password });
  }

  it("the login page links to the forgotten-password page, in French and in English", async () => {
    const login = await get(p, "izyboost.test", "/login", new Jar());
    expect(login.html).toContain('href="/password/forgot"');
    expect(login.html).toContain("Mot de passe oublié ?");
    const en = await get(p, "izyboost.test", "/password/forgot?lang=en", new Jar());
    expect(en.html).toContain("Send the link");
  });

  it("a site's customer resets the password through the site's pages, in the site's name, and is signed out everywhere", async () => {
    const { site, host } = await insertSite(p);
    const { jar, username } = await registerThroughForm(p, host);
    const email = `${username}@example.com`;
    const { sent, text, token } = await forgotThroughForm(host, email);
    expect(sent.res.status).toBe(200);
    expect(sent.html).toContain("Si un compte utilise cette adresse");
    expect(text).toContain(site.name);
    expect(text).toContain(`http://${host}/password/reset?token=`);
    expect(text).toContain(`Reset your ${site.name} password`);
    expect(text).not.toContain("http://izyboost.test/");

    const other = await insertSite(p);
    const elsewhere = await resetThroughForm(other.host, token!, "a-brand-new-secret");
    expect(elsewhere.res.status).toBe(422);
    expect(elsewhere.html).toContain("plus valable");
    expect((await resetThroughForm("izyboost.test", token!, "a-brand-new-secret")).res.status).toBe(422);

    const weak = await resetThroughForm(host, token!, "azerty123456");
    expect(weak.res.status).toBe(422);
    expect(weak.html).toContain("trop courant");

    const done = await resetThroughForm(host, token!, "a-brand-new-secret");
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe("/login?flash=password_changed");
    expect((await get(p, host, "/account", jar)).res.status).toBe(303);
    expect((await loginThroughForm(host, email, "a-brand-new-secret")).res.status).toBe(303);
    expect((await resetThroughForm(host, token!, "another-new-secret")).res.status).toBe(422);
  });

  it("answers the same page for an address with no account on this tenant, and sends nothing", async () => {
    const u = await signUp(p);
    const { host } = await insertSite(p);
    const known = await forgotThroughForm("izyboost.test", u.user.email);
    const unknownHere = await forgotThroughForm(host, u.user.email);
    expect(unknownHere.sent.res.status).toBe(known.sent.res.status);
    expect(unknownHere.sent.html).toContain("Si un compte utilise cette adresse");
    expect(unknownHere.text).toBe("");
    expect(known.token).toBeDefined();
  });

  it("a signed-in customer changes the password from the account area; the other sessions end, this one stays", async () => {
    const { host } = await insertSite(p);
    const { jar, username } = await registerThroughForm(p, host);
    const email = `${username}@example.com`;
    const otherDevice = await loginThroughForm(host, email, "correct-horse-9");
    expect(otherDevice.res.status).toBe(303);
    const account = await get(p, host, "/account", jar);
    expect(account.html).toContain('href="/account/password"');
    const form = await get(p, host, "/account/password", jar);
    expect(form.res.status).toBe(200);
    const csrf = csrfFrom(form.html);

    const wrong = await post(p, host, "/account/password", jar, {
      _csrf: csrf,
      current_password: "not-mine-at-all",
      password: "a-brand-new-secret",
      password_confirmation: "a-brand-new-secret",
    });
    expect(wrong.res.status).toBe(422);
    expect(wrong.html).toContain("actuel est incorrect");
    const common = await post(p, host, "/account/password", jar, {
      _csrf: csrf,
      current_password: "correct-horse-9",
      password: "motdepasse123",
      password_confirmation: "motdepasse123",
    });
    expect(common.res.status).toBe(422);
    expect(common.html).toContain("trop courant");

    const done = await post(p, host, "/account/password", jar, {
      _csrf: csrf,
      current_password: "correct-horse-9",
      password: "a-brand-new-secret",
      password_confirmation: "a-brand-new-secret",
    });
    expect(done.res.status).toBe(303);
    expect((await get(p, host, "/account", jar)).res.status).toBe(200);
    const otherJar = new Jar();
    otherJar.take(otherDevice.res);
    expect((await get(p, host, "/account", otherJar)).res.status).toBe(303);
    expect((await loginThroughForm(host, email, "a-brand-new-secret")).res.status).toBe(303);
  });
});
