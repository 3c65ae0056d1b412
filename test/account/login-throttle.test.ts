import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { resellerSite } from "../reseller/helpers.ts";
import { csrfFrom, get, Jar, registerThroughForm } from "../storefront/helpers.ts";

describeEachDialect("failed sign-ins throttled per account", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { LOGIN_FAILURES_PER_ACCOUNT: "3" });
  });
  afterAll(() => p.close());

  const attempt = (login: string, password: string, ip: string, host?: string) =>
    p.request("/api/login", { method: "POST", ip, host, json: { login, password } });

  it("refuses an account with 429 from any address after too many failures, even with the right password", async () => {
    const u = await signUp(p);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(u.user.email, "wrong-password-1", `198.51.100.${10 + i}`)).status);
    expect(statuses).toEqual([401, 401, 401]);
    // By username from yet another address: the same account, the same counter.
    const blocked = await attempt(u.user.username, u.password, "198.51.100.99");
    expect(blocked.status).toBe(429);
    expect((await body(blocked)).error.code).toBe("rate_limited");
    // Another account is not affected.
    const other = await signUp(p);
    expect((await attempt(other.user.email, other.password, "198.51.100.10")).status).toBe(200);
  });

  it("answers an unknown address exactly like a known one", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt("ghost-account@example.com", "wrong-password-1", `203.0.113.${i + 1}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it("counts per tenant, on the login page too", async () => {
    const site = await resellerSite(p);
    const u = await signUp(p);
    for (let i = 0; i < 3; i++) await attempt(u.user.email, "wrong-password-1", `192.0.2.${i + 1}`);
    expect((await attempt(u.user.email, u.password, "192.0.2.9")).status).toBe(429);
    // The same address on a site is another account, with its own counter.
    const customer = await registerThroughForm(p, site.host, { email: u.user.email });
    expect(customer.res.status).toBe(303);
    expect((await formLogin(site.host, u.user.email, "correct-horse-9", "192.0.2.50")).status).toBe(303);
    for (let i = 0; i < 3; i++) expect((await formLogin(site.host, u.user.email, "wrong-password-1", `192.0.2.${60 + i}`)).status).toBe(422);
    expect((await formLogin(site.host, u.user.email, "correct-horse-9", "192.0.2.70")).status).toBe(429);
  });

  it("forgets failures after a successful sign-in", async () => {
    const u = await signUp(p);
    const statuses: number[] = [];
    for (const password of ["wrong-password-1", "wrong-password-1", u.password, "wrong-password-1", "wrong-password-1", u.password])
      statuses.push((await attempt(u.user.email, password, "192.0.2.80")).status);
    expect(statuses).toEqual([401, 401, 200, 401, 401, 200]);
  });

  /** The storefront's login form from a given address, with a fresh anonymous CSRF cookie. */
  async function formLogin(host: string, login: string, password: string, ip: string) {
    const jar = new Jar();
    const page = await get(p, host, "/login", jar);
    return p.request("/login", {
      host,
      ip,
      method: "POST",
      body: new URLSearchParams({ _csrf: csrfFrom(page.html), login, password }).toString(),
      headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
    });
  }
});
