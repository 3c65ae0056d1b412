import { afterAll, beforeAll, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { manualClock } from "../harness/clock.ts";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { HOUR, MINUTE } from "../../src/lib/time.ts";

describeEachDialect("password reset by e-mail", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clock = manualClock();
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" }, { clock });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  /** Asks for a reset on this host and returns the e-mail's text and the link's token. */
  async function forgot(email: string, host = "izyboost.test") {
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    const res = await p.request("/api/password/forgot", { method: "POST", host, json: { email } });
    expect(res.status).toBe(202);
    await p.services.mailer.flush();
    const mail = smtp.inbox.slice(before).find((m) => m.to.includes(email));
    const text = mail ? decode(mail.raw) : "";
    return { res, text, token: /\/password\/reset\?token=([a-z2-7]+)/.exec(text)?.[1] };
  }

  const reset = (token: string, password: string, host = "izyboost.test") =>
    p.request("/api/password/reset", { method: "POST", host, json: { token, password } });
  const login = (login: string, password: string, host = "izyboost.test") => p.request("/api/login", { method: "POST", host, json: { login, password } });

  it("a user who forgot the password gets the link by e-mail, sets a new one, and every old session ends", async () => {
    const u = await signUp(p);
    const other = await body(await login(u.user.email, u.password));
    const { text, token } = await forgot(u.user.email);
    expect(text).toContain("votre mot de passe IzyBoost");
    expect(text).toContain("Reset your IzyBoost password");
    expect(text).toContain("http://izyboost.test/password/reset?token=");
    expect(token).toBeDefined();
    const stored = await p.services.db.selectFrom("password_reset_tokens").select("id").where("user_id", "=", u.user.id).execute();
    expect(stored.map((r) => r.id)).not.toContain(token);

    expect((await reset(token!, "a-brand-new-secret")).status).toBe(200);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    expect((await p.request("/api/me", { token: other.data.token })).status).toBe(401);
    expect((await login(u.user.email, u.password)).status).toBe(401);
    expect((await login(u.user.email, "a-brand-new-secret")).status).toBe(200);

    const again = await body(await reset(token!, "yet-another-secret"));
    expect(again.error.details.token).toBeDefined();
    expect((await login(u.user.email, "yet-another-secret")).status).toBe(401);
  });

  it("a link stops working after one hour", async () => {
    const u = await signUp(p);
    const { token } = await forgot(u.user.email);
    clock.advance(HOUR + MINUTE);
    const res = await reset(token!, "a-brand-new-secret");
    expect(res.status).toBe(422);
    expect((await login(u.user.email, u.password)).status).toBe(200);
  });

  it("an unknown address gets the same answer and no e-mail", async () => {
    const u = await signUp(p);
    const known = await forgot(u.user.email);
    const unknown = await forgot("nobody-here@example.com");
    expect(await body(unknown.res)).toEqual(await body(known.res));
    expect(unknown.text).toBe("");
  });

  it("refuses a short or common new password, naming the field, and keeps the token", async () => {
    const u = await signUp(p);
    const { token } = await forgot(u.user.email);
    for (const weak of ["short-1", "Password123", "qwertyuiop", "1234567890"]) {
      const res = await reset(token!, weak);
      expect(res.status).toBe(422);
      expect((await body(res)).error.details.password).toBeDefined();
    }
    const ok = await reset(token!, "a-brand-new-secret");
    expect(await ok.text()).toContain("Password changed");
  });
});

describeEachDialect("change password and password policy", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(async () => {
    await p.close();
  });

  const change = (token: string, json: unknown) => p.request("/api/user/password", { method: "PUT", token, json });

  it("a user changes the password with the current one; the other sessions end, this one stays", async () => {
    const u = await signUp(p);
    const other = await body(await p.request("/api/login", { method: "POST", json: { login: u.user.email, password: u.password } }));
    const wrong = await change(u.token, { current_password: "not-the-password", password: "a-brand-new-secret" });
    expect(wrong.status).toBe(422);
    expect((await body(wrong)).error.details.current_password).toBeDefined();

    expect((await change(u.token, { current_password: u.password, password: "a-brand-new-secret" })).status).toBe(200);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(200);
    expect((await p.request("/api/me", { token: other.data.token })).status).toBe(401);
    expect((await p.request("/api/login", { method: "POST", json: { login: u.user.email, password: "a-brand-new-secret" } })).status).toBe(200);
  });

  it("refuses a common or short new password on change and at registration", async () => {
    const u = await signUp(p);
    const res = await change(u.token, { current_password: u.password, password: "iloveyou123" });
    expect(res.status).toBe(422);
    expect((await body(res)).error.details.password).toBeDefined();
    for (const password of ["Password123", "nine-char"]) {
      const reg = await p.request("/api/register", { method: "POST", json: { username: `w${Date.now()}`, email: `w${Date.now()}@example.com`, password } });
      expect(reg.status).toBe(422);
      expect((await body(reg)).error.details.password).toBeDefined();
    }
  });

  it("needs a session to change a password", async () => {
    expect((await p.request("/api/user/password", { method: "PUT", json: { current_password: "x", password: "a-brand-new-secret" } })).status).toBe(401);
  });
});
