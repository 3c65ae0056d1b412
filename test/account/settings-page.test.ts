import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { csrfFrom, get, Jar, post, registerThroughForm } from "../storefront/helpers.ts";

const ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

describeEachDialect("the account settings page: profile and sessions", (dialect) => {
  let p: TestPlatform;
  let siteA: string;
  let siteB: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    siteA = (await resellerSite(p)).host;
    siteB = (await resellerSite(p)).host;
  });
  afterAll(() => p.close());

  /** Signs in again through the login form, from a phone, in a fresh jar. */
  async function loginAgain(host: string, login: string) {
    const jar = new Jar();
    const page = await get(p, host, "/login", jar);
    const res = await p.request("/login", {
      host,
      method: "POST",
      body: new URLSearchParams({ _csrf: csrfFrom(page.html), login, password: "correct-horse-9" }).toString(),
      headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded", "user-agent": ANDROID },
    });
    jar.take(res);
    expect(res.status).toBe(303);
    return jar;
  }
  const sessionIds = (html: string) => [...html.matchAll(/action="\/account\/sessions\/([0-9a-f]{32})\/end"/g)].map((m) => m[1]!);

  it("lists the customer's devices in their language, this device marked, each end action behind a confirmation", async () => {
    const { jar, username } = await registerThroughForm(p, siteA);
    await loginAgain(siteA, username);
    const page = await get(p, siteA, "/account/settings", jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Chrome sur Android");
    expect(page.html).toContain("Cet appareil");
    expect(sessionIds(page.html)).toHaveLength(2);
    expect(page.html).toMatch(/<details class="confirm">\s*<summary[^>]*>Fermer toutes les autres sessions/);
    const en = await get(p, siteA, "/account/settings?lang=en", jar);
    expect(en.html).toContain("Chrome on Android");
  });

  it("ending the others keeps this device signed in and signs the others out", async () => {
    const { jar, username } = await registerThroughForm(p, siteA);
    const phone = await loginAgain(siteA, username);
    const page = await get(p, siteA, "/account/settings", jar);
    const res = await post(p, siteA, "/account/sessions/others/end", jar, { _csrf: csrfFrom(page.html) });
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get("location")).toBe("/account/settings?flash=sessions_ended");
    const after = await get(p, siteA, "/account/settings", jar);
    expect(after.res.status).toBe(200);
    expect(sessionIds(after.html)).toHaveLength(1);
    expect((await get(p, siteA, "/account/settings", phone)).res.status).toBe(303);
  });

  it("another customer, another site or the platform API gets 404 for a customer's session, which keeps working", async () => {
    const victim = await registerThroughForm(p, siteA);
    const [victimSession] = sessionIds((await get(p, siteA, "/account/settings", victim.jar)).html);
    const intruders = [await registerThroughForm(p, siteA), await registerThroughForm(p, siteB)];
    for (const [host, intruder] of [
      [siteA, intruders[0]!],
      [siteB, intruders[1]!],
    ] as const) {
      const page = await get(p, host, "/account/settings", intruder.jar);
      expect(page.html).not.toContain(victimSession);
      const res = await post(p, host, `/account/sessions/${victimSession}/end`, intruder.jar, { _csrf: csrfFrom(page.html) });
      expect(res.res.status).toBe(404);
    }
    const platformUser = await p.request("/api/register", {
      method: "POST",
      json: { username: `pl${Date.now()}`, email: `pl${Date.now()}@example.com`, password: "correct-horse-9" },
    });
    const token = ((await platformUser.json()) as { data: { token: string } }).data.token;
    expect((await p.request(`/api/user/sessions/${victimSession}`, { method: "DELETE", token })).status).toBe(404);
    expect((await get(p, siteA, "/account/settings", victim.jar)).res.status).toBe(200);
  });

  it("the profile form saves, or keeps what was typed and names the field in error", async () => {
    const { jar, username } = await registerThroughForm(p, siteA);
    const page = await get(p, siteA, "/account/settings", jar);
    const bad = await post(p, siteA, "/account/profile", jar, { _csrf: csrfFrom(page.html), full_name: "Awa Koné", phone: "appelez-moi", language: "fr" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('value="Awa Koné"');
    expect(bad.html).toContain('value="appelez-moi"');
    expect(bad.html).toMatch(/id="f-phone-error">Numéro de téléphone invalide/);
    expect(bad.html).not.toContain('id="f-full_name-error"');
    const good = await post(p, siteA, "/account/profile", jar, {
      _csrf: csrfFrom(page.html),
      full_name: "Awa Koné",
      phone: "+225 07 12 34 56",
      language: "en",
    });
    expect(good.res.status).toBe(303);
    const row = await p.services.db.selectFrom("users").select(["full_name", "phone", "language"]).where("username", "=", username).executeTakeFirstOrThrow();
    expect(row).toEqual({ full_name: "Awa Koné", phone: "+225 07 12 34 56", language: "en" });
  });
});
