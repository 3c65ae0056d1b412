import { afterAll, beforeAll, expect, it } from "vitest";
import { decode, startSmtp } from "../harness/smtp.ts";
import { manualClock } from "../harness/clock.ts";
import { body, describeEachDialect, makePlatform, signUpAdmin, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { declaredForeignKeys } from "../../src/db/foreign-keys.ts";
import { DAY, MINUTE } from "../../src/lib/time.ts";
import * as emailTokens from "../../migrations/0018_email_tokens.ts";

describeEachDialect("e-mail verification after sign-up", (dialect) => {
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

  /** The mails `email` received while `action` ran, decoded. */
  async function mailsDuring(email: string, action: () => Promise<unknown>): Promise<string[]> {
    await p.services.mailer.flush();
    const before = smtp.inbox.length;
    await action();
    await p.services.mailer.flush();
    return smtp.inbox
      .slice(before)
      .filter((m) => m.to.includes(email))
      .map((m) => decode(m.raw));
  }
  const linkIn = (texts: string[]) => {
    for (const text of texts) {
      const m = /(https?:\/\/[^\s"<]+)\/email\/verify\?token=([a-z2-7]+)/.exec(text);
      if (m) return { base: m[1]!, token: m[2]! };
    }
    return null;
  };
  const register = (json: Record<string, unknown>, host = "izyboost.test") => p.request("/api/register", { method: "POST", host, json });
  const verify = (token: string, host = "izyboost.test") => p.request("/api/email/verify", { method: "POST", host, json: { token } });
  const me = async (token: string, host = "izyboost.test") => (await body(await p.request("/api/me", { token, host }))).data;

  it("a new platform user gets the link in French with the welcome, on the platform's host; the link verifies the address once", async () => {
    const name = uniqueName();
    const email = `${name}@example.com`;
    let reg: Response | undefined;
    const mails = await mailsDuring(email, async () => {
      reg = await register({ username: name, email, password: "correct-horse-9" });
    });
    expect(reg!.status).toBe(201);
    const { token: session } = (await body(reg!)).data;
    expect(mails.some((t) => t.includes("Bienvenue sur IzyBoost"))).toBe(true);
    const verification = mails.find((t) => t.includes("/email/verify?token="))!;
    expect(verification).toContain("Confirmez votre adresse e-mail IzyBoost");
    expect(verification).toContain("Confirm your IzyBoost e-mail address");
    expect(verification.indexOf("Confirmez")).toBeLessThan(verification.indexOf("Confirm your"));
    const link = linkIn(mails)!;
    expect(link.base).toBe("http://izyboost.test");
    expect((await me(session)).email_verified).toBe(false);
    const stored = await p.services.db.selectFrom("email_tokens").select("id").execute();
    expect(stored.map((r) => r.id)).not.toContain(link.token);

    const used = await verify(link.token);
    expect(used.status).toBe(200);
    expect((await body(used)).data).toMatchObject({ email, changed: false });
    expect((await me(session)).email_verified).toBe(true);

    const again = await verify(link.token);
    expect(again.status).toBe(422);
    expect((await body(again)).error.details.token).toBeDefined();
  });

  it("a site's customer who signs up on the site's form gets the link in the site's name and language, to the site's host", async () => {
    const { site, host } = await insertSite(p, { extra: { name: "Boutique Soleil", language: "en" } });
    const name = uniqueName("c");
    const email = `${name}@example.com`;
    const mails = await mailsDuring(email, async () => {
      const reg = await registerThroughForm(p, host, { username: name, email });
      expect(reg.res.status).toBe(303);
    });
    const verification = mails.find((t) => t.includes("/email/verify?token="))!;
    expect(verification).toMatch(/Subject: Confirm your Boutique Soleil e-mail address/);
    expect(verification.indexOf("Confirm your")).toBeLessThan(verification.indexOf("Confirmez"));
    expect(verification).toContain("Confirmez votre adresse e-mail Boutique Soleil");
    const link = linkIn(mails)!;
    expect(link.base).toBe(`http://${host}`);
    expect(site.language).toBe("en");

    // A token made for this site is nothing on the platform or on another site's page, and stays usable on its own.
    const other = await insertSite(p);
    expect((await verify(link.token)).status).toBe(422);
    const usePage = async (on: string) => {
      const jar = new Jar();
      const page = await get(p, on, `/email/verify?token=${link.token}`, jar);
      return post(p, on, "/email/verify", jar, { _csrf: csrfFrom(page.html), token: link.token });
    };
    const elsewhere = await usePage(other.host);
    expect(elsewhere.res.status).toBe(422);
    expect(elsewhere.html).toContain("Ce lien ne fonctionne plus");
    const here = await usePage(host);
    expect(here.res.status).toBe(303);
    expect(here.res.headers.get("location")).toBe("/login?flash=email_verified");
    const row = await p.services.db
      .selectFrom("users")
      .select("email_verified_at")
      .where("email", "=", email)
      .where("site_id", "=", site.id)
      .executeTakeFirstOrThrow();
    expect(row.email_verified_at).not.toBeNull();
  });

  it("a link stops working after 24 hours", async () => {
    const name = uniqueName();
    const email = `${name}@example.com`;
    const mails = await mailsDuring(email, () => register({ username: name, email, password: "correct-horse-9" }));
    clock.advance(DAY + MINUTE);
    const res = await verify(linkIn(mails)!.token);
    expect(res.status).toBe(422);
    const row = await p.services.db.selectFrom("users").select("email_verified_at").where("email", "=", email).executeTakeFirstOrThrow();
    expect(row.email_verified_at).toBeNull();
  });

  it("the link is sent again on request, a few times an hour; a verified account is told it already is", async () => {
    const name = uniqueName();
    const email = `${name}@example.com`;
    const reg = await register({ username: name, email, password: "correct-horse-9" });
    const session = (await body(reg)).data.token;
    const resend = () => p.request("/api/user/email/verification", { method: "POST", token: session });
    const mails = await mailsDuring(email, async () => {
      for (let i = 0; i < 4; i++) expect((await resend()).status).toBe(202);
    });
    expect(mails.filter((t) => t.includes("/email/verify?token="))).toHaveLength(4);
    const refused = await resend();
    expect(refused.status).toBe(429);
    expect((await body(refused)).error.code).toBe("rate_limited");
    clock.advance(61 * MINUTE);
    const later = await mailsDuring(email, async () => expect((await resend()).status).toBe(202));
    // Every link sent works (the latest here), and then the account is verified.
    expect((await verify(linkIn(later)!.token)).status).toBe(200);
    const done = await resend();
    expect(done.status).toBe(409);
    expect((await body(done)).error.code).toBe("email_already_verified");
  });

  it("the verify page asks for a click, then verifies and says so; a used link shows an error with a way on", async () => {
    const reg = await registerThroughForm(p, "izyboost.test");
    const user = await p.services.db.selectFrom("users").select(["email"]).where("username", "=", reg.username).executeTakeFirstOrThrow();
    const account = await get(p, "izyboost.test", "/orders/new", reg.jar);
    expect(account.html).toContain('action="/account/email/verification"');
    let sent: Awaited<ReturnType<typeof post>> | undefined;
    const mails = await mailsDuring(user.email, async () => {
      sent = await post(p, "izyboost.test", "/account/email/verification", reg.jar, { _csrf: csrfFrom(account.html), back: "/orders/new" });
    });
    expect(sent!.res.headers.get("location")).toBe("/orders/new?flash=verification_sent");
    const { token } = linkIn(mails)!;
    const page = await get(p, "izyboost.test", `/email/verify?token=${token}`, reg.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(`value="${token}"`);
    const done = await post(p, "izyboost.test", "/email/verify", reg.jar, { _csrf: csrfFrom(page.html), token });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("location")).toBe("/account/settings?flash=email_verified");
    const settings = await get(p, "izyboost.test", "/account/settings?flash=email_verified", reg.jar);
    expect(settings.html).toContain("Votre adresse e-mail est confirmée.");
    expect(settings.html).not.toContain('action="/account/email/verification"');
    const reused = await post(p, "izyboost.test", "/email/verify", reg.jar, { _csrf: csrfFrom(page.html), token });
    expect(reused.res.status).toBe(422);
    expect(reused.html).toContain("Ce lien ne fonctionne plus");
  });

  it("notifications by e-mail go to verified addresses only; the reset link proves the address and goes anyway", async () => {
    const name = uniqueName();
    const email = `${name}@example.com`;
    const session = (await body(await register({ username: name, email, password: "correct-horse-9" }))).data.token;
    const admin = await signUpAdmin(p);
    const ticket = (await body(await p.request("/api/tickets", { method: "POST", token: session, json: { subject: "Aide", message: "Bonjour" } }))).data;
    const reply = (message: string) => p.request(`/api/admin/support/tickets/${ticket.uuid}/reply`, { method: "POST", token: admin.token, json: { message } });
    const unverified = await mailsDuring(email, async () => expect((await reply("First answer")).status).toBe(200));
    expect(unverified).toEqual([]);
    const reset = await mailsDuring(email, () => p.request("/api/password/forgot", { method: "POST", json: { email } }));
    expect(reset.some((t) => t.includes("/password/reset?token="))).toBe(true);

    const link = linkIn(await mailsDuring(email, () => p.request("/api/user/email/verification", { method: "POST", token: session })))!;
    expect((await verify(link.token)).status).toBe(200);
    const verified = await mailsDuring(email, async () => expect((await reply("Second answer")).status).toBe(200));
    expect(verified.some((t) => t.includes("Second answer"))).toBe(true);
  });

  it("keeps links in their own table, removed with their account, and the demo admin counts as verified", async () => {
    const declared = await declaredForeignKeys(p.services.db);
    expect(declared).toContainEqual(expect.objectContaining({ table: "email_tokens", column: "user_id", references: "users", onDelete: "cascade" }));
    const admin = await p.services.db.selectFrom("users").select("email_verified_at").where("email", "=", "admin@izyboost.local").executeTakeFirst();
    if (admin) expect(admin.email_verified_at).not.toBeNull();
  });
});

describeEachDialect("migration 0018 on a database with accounts", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("counts the accounts that exist at migration time as verified, and leaves later sign-ups unverified", async () => {
    const db = p.services.db;
    const old = (
      await body(
        await p.request("/api/register", {
          method: "POST",
          json: { username: uniqueName(), email: `${uniqueName()}@example.com`, password: "correct-horse-9" },
        }),
      )
    ).data.user;
    await emailTokens.down(db);
    await db.updateTable("users").set({ email_verified_at: null }).where("id", "=", old.id).execute();
    await emailTokens.up(db);
    const row = await db.selectFrom("users").select(["email_verified_at", "created_at"]).where("id", "=", old.id).executeTakeFirstOrThrow();
    expect(row.email_verified_at).toBe(row.created_at);
    const fresh = (
      await body(
        await p.request("/api/register", {
          method: "POST",
          json: { username: uniqueName(), email: `${uniqueName()}@example.com`, password: "correct-horse-9" },
        }),
      )
    ).data.user;
    expect(fresh.email_verified).toBe(false);
  });
});
