import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { csrfFrom, get, insertCatalog, insertSite, Jar, post, registerThroughForm, sessionCookie } from "./helpers.ts";

describeEachDialect("storefront accounts, sessions and CSRF", (dialect) => {
  let p: TestPlatform;
  let a: Awaited<ReturnType<typeof insertSite>>;
  let b: Awaited<ReturnType<typeof insertSite>>;
  const dataDir = mkdtempSync(join(tmpdir(), "izy-auth-"));
  beforeAll(async () => {
    p = await makePlatform(dialect, { DATA_DIR: dataDir });
    await insertCatalog(p, [{ name: "Followers Alpha", rate: "1000" }]);
    a = await insertSite(p, { theme: "savane" });
    b = await insertSite(p, { theme: "midnight" });
  });
  afterAll(async () => {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registering on a site signs the customer in with a host-only, HttpOnly, SameSite=Lax session cookie", async () => {
    const { jar, res, username } = await registerThroughForm(p, a.host);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account?flash=registered");
    const cookie = jar.raw.find((c) => c.startsWith("izy_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    const account = await get(p, a.host, "/account?flash=registered", jar);
    expect(account.res.status).toBe(200);
    expect(account.html).toContain(username);
    expect(account.html).toContain("Bienvenue");
    const user = await p.services.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
    expect(user.site_id).toBe(a.site.id);
  });

  it("over HTTPS the session cookie is __Host- prefixed and Secure", async () => {
    const page = await p.app.request(`https://${a.host}/register`, { headers: { host: a.host } });
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("__Host-izy_csrf="))!;
    expect(csrfCookie).toMatch(/Secure/);
    const username = uniqueName("h");
    const res = await p.app.request(`https://${a.host}/register`, {
      method: "POST",
      headers: { host: a.host, "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie.split(";")[0] },
      body: new URLSearchParams({
        _csrf: csrfFrom(await page.text()),
        username,
        email: `${username}@example.com`,
        password: "correct-horse-9",
        password_confirmation: "correct-horse-9",
      }).toString(),
    });
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("__Host-izy_session="))!;
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Domain=/i);
  });

  it("a session cookie from site A authenticates neither on site B nor on the platform", async () => {
    const { jar } = await registerThroughForm(p, a.host);
    expect((await get(p, a.host, "/account", jar)).res.status).toBe(200);
    for (const host of [b.host, "izyboost.test"]) {
      const res = await p.request("/account", { host, headers: { cookie: `izy_session=${sessionCookie(jar)}` } });
      expect(res.status, host).toBe(303);
      expect(res.headers.get("location")).toBe("/login?next=%2Faccount");
    }
  });

  it("the same e-mail registers on the platform and on two sites as three separate accounts", async () => {
    const email = `${uniqueName("same")}@example.com`;
    for (const host of ["izyboost.test", a.host, b.host]) {
      const { res } = await registerThroughForm(p, host, { email });
      expect(res.status, host).toBe(303);
    }
    const rows = await p.services.db.selectFrom("users").select(["site_id"]).where("email", "=", email).execute();
    expect(rows.map((r) => r.site_id).sort((x, y) => x - y)).toEqual([0, a.site.id, b.site.id].sort((x, y) => x - y));
  });

  it("login with a wrong password re-renders the form with a message in the page language, then logs in and out", async () => {
    const { username } = await registerThroughForm(p, b.host, { password: "right-password-1" });
    const jar = new Jar();
    let page = await get(p, b.host, "/login", jar);
    let res = await post(p, b.host, "/login", jar, { _csrf: csrfFrom(page.html), login: username, password: "wrong-password" });
    expect(res.res.status).toBe(422);
    expect(res.html).toContain("Identifiants incorrects.");
    expect(res.html).toContain(`value="${username}"`);
    page = await get(p, b.host, "/login?lang=en", jar);
    res = await post(p, b.host, "/login", jar, { _csrf: csrfFrom(page.html), login: username, password: "wrong-password" });
    expect(res.html).toContain("These credentials do not match our records.");
    expect(sessionCookie(jar)).toBeUndefined();

    res = await post(p, b.host, "/login", jar, { _csrf: csrfFrom(page.html), login: username, password: "right-password-1", next: "/orders" });
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get("location")).toBe("/orders");
    const account = await get(p, b.host, "/account", jar);
    expect(account.res.status).toBe(200);

    const out = await post(p, b.host, "/logout", jar, { _csrf: csrfFrom(account.html) });
    expect(out.res.status).toBe(303);
    expect(sessionCookie(jar)).toBeUndefined();
    expect((await get(p, b.host, "/account", jar)).res.status).toBe(303);
  });

  it("a login never redirects to another host", async () => {
    const { username } = await registerThroughForm(p, a.host);
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const jar = new Jar();
      const page = await get(p, a.host, "/login", jar);
      const res = await post(p, a.host, "/login", jar, { _csrf: csrfFrom(page.html), login: username, password: "correct-horse-9", next });
      expect(res.res.headers.get("location"), next).toBe("/account");
    }
  });

  it("a POST without a valid CSRF token is refused with 403 and changes nothing", async () => {
    const username = uniqueName("x");
    const fields = { username, email: `${username}@example.com`, password: "correct-horse-9", password_confirmation: "correct-horse-9" };
    const jar = new Jar();
    const page = await get(p, a.host, "/register", jar);
    expect((await post(p, a.host, "/register", jar, fields)).res.status).toBe(403);
    expect((await post(p, a.host, "/register", jar, { ...fields, _csrf: "forged" })).res.status).toBe(403);
    // A token minted for site B is no good on site A, even with B's cookie value copied over.
    const other = new Jar();
    const bPage = await get(p, b.host, "/register", other);
    const stolen = new Jar();
    stolen.cookies.set("izy_csrf", other.cookies.get("izy_csrf")!);
    expect((await post(p, a.host, "/register", stolen, { ...fields, _csrf: csrfFrom(bPage.html) })).res.status).toBe(403);
    // The right token without its cookie fails too (double submit).
    expect((await post(p, a.host, "/register", new Jar(), { ...fields, _csrf: csrfFrom(page.html) })).res.status).toBe(403);
    const refused = await post(p, a.host, "/login", new Jar(), { login: "x", password: "y" });
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain("Action refusée");
    expect(await p.services.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst()).toBeUndefined();

    const { jar: customer } = await registerThroughForm(p, a.host);
    expect((await post(p, a.host, "/logout", customer, {})).res.status).toBe(403);
    expect((await get(p, a.host, "/account", customer)).res.status).toBe(200);
  });

  it("registration errors are shown per field in the page language, with the typed values kept and escaped", async () => {
    const jar = new Jar();
    const page = await get(p, a.host, "/register?lang=en", jar);
    const res = await post(p, a.host, "/register", jar, {
      _csrf: csrfFrom(page.html),
      username: '"><b>x',
      email: "not-an-email",
      password: "short",
      password_confirmation: "other",
    });
    expect(res.res.status).toBe(422);
    expect(res.html).toContain("Not a valid e-mail address.");
    expect(res.html).toContain("The password must be at least 10 characters long.");
    expect(res.html).toContain('value="&quot;&gt;&lt;b&gt;x"');
    expect(res.html).toContain('aria-invalid="true"');
    const taken = await registerThroughForm(p, a.host);
    const again = await registerThroughForm(p, a.host, { username: taken.username });
    expect(again.res.status).toBe(422);
    expect(again.html).toContain("Ce nom d&#39;utilisateur est déjà pris.");
  });

  it("a site whose plan is full refuses new customers", async () => {
    const now = dbNow();
    const plan = await p.services.db
      .insertInto("white_label_plans")
      .values({ slug: uniqueName("tiny"), name: "Tiny", price_monthly: 1, price_yearly: 1, max_customers: 1, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    const site = await insertSite(p, { extra: { plan_id: Number(plan.insertId) } });
    expect((await registerThroughForm(p, site.host)).res.status).toBe(303);
    const jar = new Jar();
    const page = await get(p, site.host, "/register", jar);
    expect(page.html).toContain("accepte pas de nouvelles inscriptions pour le moment.");
    expect(page.html).not.toContain('action="/register"');
    const token = csrfFrom((await get(p, site.host, "/login", jar)).html);
    const username = uniqueName("late");
    const second = await post(p, site.host, "/register", jar, {
      _csrf: token,
      username,
      email: `${username}@example.com`,
      password: "correct-horse-9",
      password_confirmation: "correct-horse-9",
    });
    expect(second.res.status).toBe(403);
    expect(await p.services.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst()).toBeUndefined();
  });

  it("account pages need a signed-in customer and render for one", async () => {
    for (const path of ["/account", "/orders", "/orders/new", "/funds", "/tickets", "/tickets/new", "/api-access"]) {
      const res = await p.request(path, { host: a.host });
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const { jar } = await registerThroughForm(p, a.host);
    for (const path of ["/account", "/orders", "/orders/new", "/funds", "/tickets", "/tickets/new", "/api-access"]) {
      const { res, html } = await get(p, a.host, path, jar);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control")).toContain("no-store");
      expect(html).toContain('name="_csrf"');
    }
    const order = await get(p, a.host, "/orders/new", jar);
    expect(order.html).toMatch(/<option value="\d+" data-rate="1300" data-min="10" data-max="100000" data-type="Default"/);
    expect(order.html).toContain('<script src="/assets/savane/order-form.js?v=');
    expect((await get(p, a.host, "/api-access", jar)).html).toContain(`http://${a.host}/api/v2`);
    expect((await get(p, a.host, "/orders/0f8fad5b-d9cb-469f-a165-70867728950e", jar)).res.status).toBe(404);
    // The site has no payment methods of its own; the platform's seeded ones belong to the platform.
    expect((await get(p, a.host, "/funds", jar)).html).not.toContain("Orange Money");
    const platformJar = (await registerThroughForm(p, "izyboost.test")).jar;
    expect((await get(p, "izyboost.test", "/funds", platformJar)).html).toContain("Orange Money");
  });

  // The order form's action itself is covered in test/chain; here: the CSRF check comes first.
  it("form actions check the CSRF token before acting, and re-render the themed form on bad input", async () => {
    const { jar } = await registerThroughForm(p, a.host);
    const page = await get(p, a.host, "/orders/new", jar);
    expect((await post(p, a.host, "/orders", jar, { service: "1" })).res.status).toBe(403);
    const res = await post(p, a.host, "/orders", jar, { _csrf: csrfFrom(page.html), service: "999999", link: "https://x.example", quantity: "100" });
    expect(res.res.status).toBe(422);
    expect(res.html).toContain(a.site.name);
  });
});
