import { afterAll, beforeAll, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { body, describeEachDialect, makePlatform, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, post, registerThroughForm } from "../storefront/helpers.ts";

describeEachDialect("e-mail change", (dialect) => {
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

  /** What each address received while `action` ran, decoded. */
  async function mailsDuring(action: () => Promise<unknown>): Promise<(to: string) => string[]> {
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    await action();
    await p.services.mailer.flush();
    const got = smtp.inbox.slice(before);
    return (to) => got.filter((m) => m.to.includes(to)).map((m) => decode(m.raw));
  }
  const tokenIn = (texts: string[]) => texts.map((t) => /\/email\/verify\?token=([a-z2-7]+)/.exec(t)?.[1]).find(Boolean);
  const change = (token: string, json: unknown) => p.request("/api/user/email", { method: "PUT", token, json });
  const verify = (token: string) => p.request("/api/email/verify", { method: "POST", json: { token } });

  it("needs the current password and a free address, naming the field", async () => {
    const u = await signUp(p);
    const other = await signUp(p);
    const wrong = await change(u.token, { email: "fresh@example.com", current_password: "not-the-password" });
    expect(wrong.status).toBe(422);
    expect(Object.keys((await body(wrong)).error.details)).toEqual(["current_password"]);
    const taken = await change(u.token, { email: other.user.email, current_password: u.password });
    expect(taken.status).toBe(422);
    expect(Object.keys((await body(taken)).error.details)).toEqual(["email"]);
    const same = await change(u.token, { email: u.user.email, current_password: u.password });
    expect((await body(same)).error.details.email).toBeDefined();
    expect((await body(await p.request("/api/user/email", { token: u.token }))).data.pending_change).toBeNull();
  });

  it("the new address gets the link, the old one a notice; the address changes only when the link is used, once", async () => {
    const u = await signUp(p);
    const fresh = `${uniqueName("new")}@example.com`;
    const got = await mailsDuring(async () => expect((await change(u.token, { email: fresh, current_password: u.password })).status).toBe(202));
    const token = tokenIn(got(fresh));
    expect(token).toBeDefined();
    expect(got(fresh)[0]).toContain("Confirmez votre nouvelle adresse e-mail IzyBoost");
    expect(got(u.user.email).some((t) => t.includes(fresh) && t.includes("Changement d'adresse e-mail demand"))).toBe(true);

    const pending = (await body(await p.request("/api/user/email", { token: u.token }))).data;
    expect(pending).toMatchObject({ email: u.user.email, pending_change: { email: fresh } });
    expect((await body(await p.request("/api/me", { token: u.token }))).data.email).toBe(u.user.email);

    const done = await mailsDuring(async () => {
      const res = await verify(token!);
      expect(res.status).toBe(200);
      expect((await body(res)).data).toMatchObject({ email: fresh, changed: true });
    });
    expect(done(u.user.email).some((t) => t.includes(fresh) && t.includes("modifi"))).toBe(true);
    const me = (await body(await p.request("/api/me", { token: u.token }))).data;
    expect(me).toMatchObject({ email: fresh, email_verified: true });
    expect((await p.request("/api/login", { method: "POST", json: { login: fresh, password: u.password } })).status).toBe(200);
    expect((await p.request("/api/login", { method: "POST", json: { login: u.user.email, password: u.password } })).status).toBe(401);
    expect((await verify(token!)).status).toBe(422);
    expect((await body(await p.request("/api/user/email", { token: u.token }))).data.pending_change).toBeNull();
  });

  it("refuses the change when another account took the address meanwhile, and keeps the old one", async () => {
    const u = await signUp(p);
    const wanted = `${uniqueName("race")}@example.com`;
    const got = await mailsDuring(() => change(u.token, { email: wanted, current_password: u.password }));
    const reg = await p.request("/api/register", { method: "POST", json: { username: uniqueName(), email: wanted, password: "correct-horse-9" } });
    expect(reg.status).toBe(201);
    const res = await verify(tokenIn(got(wanted))!);
    expect(res.status).toBe(409);
    expect((await body(res)).error.code).toBe("email_taken");
    expect((await body(await p.request("/api/me", { token: u.token }))).data.email).toBe(u.user.email);
  });

  it("a second request replaces the first: only the latest link changes the address", async () => {
    const u = await signUp(p);
    const first = `${uniqueName("a")}@example.com`;
    const second = `${uniqueName("b")}@example.com`;
    const one = await mailsDuring(() => change(u.token, { email: first, current_password: u.password }));
    const two = await mailsDuring(() => change(u.token, { email: second, current_password: u.password }));
    expect((await verify(tokenIn(one(first))!)).status).toBe(422);
    expect((await verify(tokenIn(two(second))!)).status).toBe(200);
    expect((await body(await p.request("/api/me", { token: u.token }))).data.email).toBe(second);
  });

  it("the settings page shows the address, keeps the form's input and names the field in error, then shows the pending change", async () => {
    const reg = await registerThroughForm(p, "izyboost.test");
    const page = await get(p, "izyboost.test", "/account/settings", reg.jar);
    expect(page.html).toContain("Non vérifiée");
    const fresh = `${uniqueName("page")}@example.com`;
    const bad = await post(p, "izyboost.test", "/account/email", reg.jar, { _csrf: csrfFrom(page.html), new_email: fresh, email_password: "wrong-password-9" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain(`value="${fresh}"`);
    expect(bad.html).toMatch(/id="f-email_password-error"[^>]*>Le mot de passe actuel est incorrect/);
    const invalid = await post(p, "izyboost.test", "/account/email", reg.jar, { _csrf: csrfFrom(page.html), new_email: "not-an-address", email_password: "x" });
    expect(invalid.res.status).toBe(422);
    expect(invalid.html).toContain('id="f-new_email-error"');
    const ok = await post(p, "izyboost.test", "/account/email", reg.jar, { _csrf: csrfFrom(page.html), new_email: fresh, email_password: "correct-horse-9" });
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get("location")).toBe("/account/settings?flash=email_change_sent");
    const after = await get(p, "izyboost.test", "/account/settings?lang=en&flash=email_change_sent", reg.jar);
    expect(after.html).toContain(`Waiting for confirmation: ${fresh}`);
    expect(after.html).toContain("Open the link sent to the new address");
  });
});
