import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { manualClock } from "../harness/clock.ts";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect, makePlatform, markEmailVerified, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { hotp, matchingStep, otpauthUri, totpAt } from "../../src/auth/totp.ts";
import { putSetting } from "../../src/settings/service.ts";
import { MINUTE } from "../../src/lib/time.ts";

describe("TOTP (RFC 6238, SHA-1, 6 digits)", () => {
  // RFC 6238 appendix B: the ASCII secret "12345678901234567890"; the 8-digit values end with these 6 digits.
  const rfcSecret = new TextEncoder().encode("12345678901234567890");
  it("matches the RFC's test vectors", () => {
    expect(hotp(rfcSecret, Math.floor(59 / 30))).toBe("287082");
    expect(hotp(rfcSecret, Math.floor(1111111109 / 30))).toBe("081804");
    expect(hotp(rfcSecret, Math.floor(1234567890 / 30))).toBe("005924");
  });

  it("accepts the code of one step either side of now, and no further", () => {
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const now = new Date("2026-11-24T10:00:00Z");
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    expect(matchingStep(secret, totpAt(secret, at(-30)), now)).not.toBeNull();
    expect(matchingStep(secret, totpAt(secret, at(30)), now)).not.toBeNull();
    expect(matchingStep(secret, totpAt(secret, at(-60)), now)).toBeNull();
    expect(matchingStep(secret, "12345", now)).toBeNull();
  });

  it("names the tenant as issuer in the otpauth URI", () => {
    expect(otpauthUri("Boutique Awa", "awa@example.com", "ABC")).toBe(
      "otpauth://totp/Boutique%20Awa:awa%40example.com?secret=ABC&issuer=Boutique%20Awa&algorithm=SHA1&digits=6&period=30",
    );
  });
});

describeEachDialect("two-factor sign-in", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clock = manualClock();
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(
      dialect,
      { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none", LOGIN_FAILURES_PER_ACCOUNT: "5" },
      { clock },
    );
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  const call = (path: string, token: string | undefined, json?: unknown, host?: string) =>
    p.request(path, { method: json === undefined ? "GET" : "POST", token, json, host });
  const login = (login: string, password: string, host?: string) => p.request("/api/login", { method: "POST", host, json: { login, password } });
  const second = (challenge: string, code: string, host?: string) => p.request("/api/login/two-factor", { method: "POST", host, json: { challenge, code } });
  /** The code the user's app shows now. */
  const code = (secret: string) => totpAt(secret, clock.now());
  /** The next 30-second step, so a new code exists. */
  const nextStep = () => clock.advance(30_000);

  /** A user with two-factor on: its secret, recovery codes and the token of the session that enrolled. */
  async function enrolled(host?: string) {
    const u = await signUp(p, { host });
    const started = await body(await call("/api/user/two-factor/start", u.token, {}, host));
    const secret = started.data.secret as string;
    const confirmed = await body(await call("/api/user/two-factor/confirm", u.token, { code: code(secret) }, host));
    nextStep();
    return { ...u, secret, recovery: confirmed.data.recovery_codes as string[], started: started.data };
  }

  async function challengeOf(u: { user: { email: string }; password: string }, host?: string): Promise<string> {
    const res = await login(u.user.email, u.password, host);
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.data).toEqual({ two_factor_required: true, challenge: expect.stringMatching(/^[a-z2-7]{32}$/), expires_at: expect.any(String) });
    return b.data.challenge;
  }

  it("a user enrols: a secret and otpauth URI in the platform's name, on only once a current code confirms it, then 10 recovery codes", async () => {
    const u = await signUp(p);
    const other = await body(await login(u.user.email, u.password));
    expect((await body(await call("/api/user/two-factor", u.token))).data).toMatchObject({ enabled: false, pending: false });
    const started = await call("/api/user/two-factor/start", u.token, {});
    expect(started.status).toBe(201);
    const { secret, otpauth_uri, issuer } = (await body(started)).data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(issuer).toBe("IzyBoost");
    expect(otpauth_uri).toBe(`otpauth://totp/IzyBoost:${encodeURIComponent(u.user.email)}?secret=${secret}&issuer=IzyBoost&algorithm=SHA1&digits=6&period=30`);
    // Pending: a password alone still signs in.
    expect((await body(await call("/api/user/two-factor", u.token))).data).toMatchObject({ enabled: false, pending: true });
    expect((await body(await login(u.user.email, u.password))).data.token).toBeDefined();

    const wrong = await call("/api/user/two-factor/confirm", u.token, { code: "000000" === code(secret) ? "111111" : "000000" });
    expect(wrong.status).toBe(422);
    expect((await body(wrong)).error.details.code).toEqual(["The code is not valid"]);
    const ok = await call("/api/user/two-factor/confirm", u.token, { code: code(secret) });
    expect(ok.status).toBe(200);
    const codes = (await body(ok)).data.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    expect((await body(await call("/api/user/two-factor", u.token))).data).toMatchObject({ enabled: true, pending: false, recovery_codes_left: 10 });

    // Stored sealed, codes hashed; the other session ended, this one kept; the change audited.
    const row = await p.services.db.selectFrom("user_two_factor").selectAll().where("user_id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain(secret);
    const hashes = await p.services.db.selectFrom("two_factor_recovery_codes").select("code_hash").where("user_id", "=", u.user.id).execute();
    expect(hashes.map((h) => h.code_hash)).not.toContain(codes[0]);
    expect((await call("/api/me", other.data.token)).status).toBe(401);
    expect((await call("/api/me", u.token)).status).toBe(200);
    expect(await auditRows(p, "two_factor.enable", u.user.id)).toHaveLength(1);
    // A second enrolment is refused while it is on.
    expect((await body(await call("/api/user/two-factor/start", u.token, {}))).error.code).toBe("two_factor_already_enabled");
  });

  it("signing in needs the code after the password: a wrong code is refused, a right one opens the session, and never twice", async () => {
    const u = await enrolled();
    const challenge = await challengeOf(u);
    expect((await second(challenge, "12345a")).status).toBe(422);
    const current = code(u.secret);
    const wrongCode = current === "000000" ? "111111" : "000000";
    expect((await body(await second(challenge, wrongCode))).error.details.code).toEqual(["The code is not valid"]);
    const ok = await second(challenge, `${current.slice(0, 3)} ${current.slice(3)}`);
    expect(ok.status).toBe(200);
    const token = (await body(ok)).data.token;
    expect((await call("/api/me", token)).status).toBe(200);
    // The same code again, with a new challenge: refused, even within its 30 seconds.
    const again = await second(await challengeOf(u), current);
    expect(again.status).toBe(422);
    expect((await body(again)).error.details.code).toEqual(["This code was already used; wait for the next one"]);
    // The challenge is spent too.
    nextStep();
    expect((await body(await second(challenge, code(u.secret)))).error.details.challenge).toBeDefined();
    expect((await second(await challengeOf(u), code(u.secret))).status).toBe(200);
  });

  it("a recovery code signs in once, typed in any case or with spaces", async () => {
    const u = await enrolled();
    const recovery = u.recovery[3]!;
    const typed = recovery.toUpperCase().replace("-", " ");
    expect((await second(await challengeOf(u), typed)).status).toBe(200);
    expect((await second(await challengeOf(u), recovery)).status).toBe(422);
    expect((await body(await call("/api/user/two-factor", u.token))).data.recovery_codes_left).toBe(9);
  });

  it("a challenge lives five minutes", async () => {
    const u = await enrolled();
    const challenge = await challengeOf(u);
    clock.advance(5 * MINUTE + 1000);
    const late = await second(challenge, code(u.secret));
    expect(late.status).toBe(422);
    expect((await body(late)).error.details.challenge).toEqual(["This sign-in has expired; sign in again with your password"]);
    const fresh = await challengeOf(u);
    clock.advance(4 * MINUTE);
    expect((await second(fresh, code(u.secret))).status).toBe(200);
  });

  it("turning it off needs the password and a code; it ends the other sessions, is audited, and a password alone signs in again", async () => {
    const u = await enrolled();
    // Security notices go to verified addresses only.
    await markEmailVerified(p, u.user.id);
    const other = await body(await second(await challengeOf(u), code(u.secret)));
    nextStep();
    const wrongPassword = await call("/api/user/two-factor/disable", u.token, { password: "not-the-password", code: u.recovery[0] });
    expect(wrongPassword.status).toBe(422);
    expect(Object.keys((await body(wrongPassword)).error.details)).toEqual(["password"]);
    // The wrong password did not spend the recovery code.
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    const off = await call("/api/user/two-factor/disable", u.token, { password: u.password, code: u.recovery[0] });
    expect(off.status).toBe(200);
    await p.services.mailer.flush();
    const notice = decode(smtp.inbox.slice(before).find((m) => m.to.includes(u.user.email))?.raw ?? "");
    expect(notice).toContain("Validation en deux");
    expect(notice).toContain("Two-step verification turned off on IzyBoost");
    expect((await call("/api/me", other.data.token)).status).toBe(401);
    expect((await call("/api/me", u.token)).status).toBe(200);
    expect(await auditRows(p, "two_factor.disable", u.user.id)).toHaveLength(1);
    expect((await body(await login(u.user.email, u.password))).data.token).toBeDefined();
    expect(await p.services.db.selectFrom("two_factor_recovery_codes").select("id").where("user_id", "=", u.user.id).execute()).toEqual([]);
  });

  it("new recovery codes need a current code or the password, and the old ones stop working", async () => {
    const u = await enrolled();
    expect((await call("/api/user/two-factor/recovery-codes", u.token, {})).status).toBe(422);
    expect((await call("/api/user/two-factor/recovery-codes", u.token, { password: "not-the-password" })).status).toBe(422);
    const made = await call("/api/user/two-factor/recovery-codes", u.token, { password: u.password });
    expect(made.status).toBe(200);
    const fresh = (await body(made)).data.recovery_codes as string[];
    expect(fresh).toHaveLength(10);
    expect((await second(await challengeOf(u), u.recovery[1]!)).status).toBe(422);
    expect((await second(await challengeOf(u), fresh[1]!)).status).toBe(200);
    const byCode = await call("/api/user/two-factor/recovery-codes", u.token, { code: code(u.secret) });
    expect(byCode.status).toBe(200);
    expect(await auditRows(p, "two_factor.recovery_codes", u.user.id)).toHaveLength(2);
  });

  it("wrong codes count on the account's failed sign-in counter, and a correct password does not clear it", async () => {
    const u = await enrolled();
    const right = code(u.secret);
    const wrongCode = right === "000000" ? "111111" : "000000";
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await second(await challengeOf(u), wrongCode)).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422]);
    // The password step is refused now too, and the right code cannot pass with an older challenge.
    expect((await login(u.user.email, u.password)).status).toBe(429);
    const stuck = await p.services.db.selectFrom("two_factor_challenges").select("id").where("user_id", "=", u.user.id).execute();
    expect(stuck.length).toBeGreaterThan(0);
  });

  it("when the platform requires it, an admin without two-factor is sent to enrol before the admin API", async () => {
    const admin = await signUpAdmin(p);
    await putSetting(p.ctx(), "admin_two_factor_required", "1");
    try {
      const signedIn = await body(await login(admin.user.email, admin.password));
      expect(signedIn.data.two_factor_enrolment_required).toBe(true);
      const refused = await call("/api/admin/dashboard", signedIn.data.token);
      expect(refused.status).toBe(403);
      expect((await body(refused)).error.code).toBe("two_factor_enrolment_required");
      // Their own account works, enrolment included; then the admin API opens.
      expect((await call("/api/me", signedIn.data.token)).status).toBe(200);
      expect((await body(await call("/api/user/two-factor", signedIn.data.token))).data.required).toBe(true);
      const { secret } = (await body(await call("/api/user/two-factor/start", signedIn.data.token, {}))).data;
      expect((await call("/api/user/two-factor/confirm", signedIn.data.token, { code: code(secret) })).status).toBe(200);
      expect((await call("/api/admin/dashboard", signedIn.data.token)).status).toBe(200);
      // A plain user is not concerned.
      const user = await signUp(p);
      expect((await body(await login(user.user.email, user.password))).data.two_factor_enrolment_required).toBeUndefined();
    } finally {
      await putSetting(p.ctx(), "admin_two_factor_required", "0");
    }
    const other = await signUpAdmin(p);
    expect((await call("/api/admin/dashboard", other.token)).status).toBe(200);
  });

  it("admins can switch the requirement through the settings API", async () => {
    const admin = await signUpAdmin(p);
    const res = await p.request("/api/admin/settings/admin_two_factor_required", { method: "PUT", token: admin.token, json: { value: "maybe" } });
    expect(res.status).toBe(422);
    const settings = (await body(await call("/api/admin/settings", admin.token))).data as { key: string; value: string }[];
    expect(settings.find((s) => s.key === "admin_two_factor_required")?.value).toBe("0");
  });
});
