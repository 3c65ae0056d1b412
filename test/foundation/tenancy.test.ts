import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { randomUUID } from "node:crypto";

async function insertSite(p: TestPlatform, slug: string, extra: Record<string, unknown> = {}) {
  const owner = await signUp(p);
  const now = dbNow();
  await p.services.db
    .insertInto("white_label_sites")
    .values({ uuid: randomUUID(), owner_id: owner.user.id, plan_id: 1, template_id: 1, name: `Shop ${slug}`, slug, created_at: now, updated_at: now, ...extra })
    .execute();
  p.invalidateTenants();
}

describeEachDialect("tenant resolution from the Host header", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    await insertSite(p, "shopa", { custom_domain: "shop-a.example", domain_verified_at: dbNow() });
    await insertSite(p, "shopb", { custom_domain: "unverified.example" });
    await insertSite(p, "closed", { status: "suspended" });
  });
  afterAll(() => p.close());

  it("the platform host serves the master API", async () => {
    const res = await p.request("/api/me");
    expect(res.status).toBe(401);
    expect((await body(res)).error.code).toBe("unauthenticated");
  });

  it("localhost with a port is the platform in development", async () => {
    const res = await p.request("/api/me", { host: "localhost:8000" });
    expect(res.status).toBe(401);
  });

  it("a site's slug host is that site, and does not serve the master API", async () => {
    const res = await p.request("/api/me", { host: "shopa.sites.izyboost.test" });
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe("not_found");
  });

  it("a verified custom domain is that site; an unverified one is unknown", async () => {
    expect((await p.request("/api/me", { host: "shop-a.example" })).status).toBe(404);
    const unknown = await p.request("/", { host: "unverified.example" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Site introuvable");
  });

  it("an unknown host gets a plain 404 page, never the platform", async () => {
    const res = await p.request("/api/login", { host: "evil.example", method: "POST", json: { login: "a", password: "b" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Site not found");
  });

  it("a suspended site answers 503 in its own name", async () => {
    const res = await p.request("/", { host: "closed.sites.izyboost.test" });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Shop closed");
  });

  it("ignores X-Forwarded-Host from a peer that is not a trusted proxy", async () => {
    const res = await p.request("/api/me", { host: "evil.example", headers: { "x-forwarded-host": "izyboost.test" } });
    expect(res.status).toBe(404);
    const res2 = await p.request("/api/me", { headers: { "x-forwarded-host": "shopa.sites.izyboost.test" } });
    expect(res2.status).toBe(401);
  });
});

describeEachDialect("tenant resolution behind a trusted proxy", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { TRUSTED_PROXIES: "10.0.0.0/8" });
    await insertSite(p, "proxied");
  });
  afterAll(() => p.close());

  it("believes X-Forwarded-Host from a configured proxy only", async () => {
    const viaProxy = await p.request("/api/me", { host: "internal", ip: "10.1.2.3", headers: { "x-forwarded-host": "proxied.sites.izyboost.test" } });
    expect(viaProxy.status).toBe(404);
    const viaProxyPlatform = await p.request("/api/me", { host: "internal", ip: "10.1.2.3", headers: { "x-forwarded-host": "izyboost.test" } });
    expect(viaProxyPlatform.status).toBe(401);
    const spoofed = await p.request("/api/me", { host: "izyboost.test", ip: "203.0.113.9", headers: { "x-forwarded-host": "proxied.sites.izyboost.test" } });
    expect(spoofed.status).toBe(401);
  });
});

describeEachDialect("health check", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("answers on any host while the process is alive", async () => {
    for (const host of ["izyboost.test", "unknown.example"]) {
      const res = await p.request("/healthz", { host });
      expect(res.status).toBe(200);
      expect(await body(res)).toEqual({ status: "ok" });
    }
  });
});

describeEachDialect("HTTPS behind a trusted TLS proxy", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { TRUSTED_PROXIES: "10.0.0.0/8" });
  });
  afterAll(() => p.close());

  async function sessionCookie(ip: string, proto: string) {
    const page = await p.request("/register", { ip, headers: { "x-forwarded-proto": proto } });
    return page.headers.get("set-cookie") ?? "";
  }

  it("cookies get the __Host- prefix and Secure when the proxy says https, and not when a stranger says so", async () => {
    const viaProxy = await sessionCookie("10.0.0.5", "https");
    expect(viaProxy).toMatch(/__Host-izy_csrf=[^;]+;.*Secure/i);
    expect(viaProxy).not.toMatch(/Domain=/i);
    const spoofed = await sessionCookie("203.0.113.10", "https");
    expect(spoofed).toMatch(/(^|, )izy_csrf=/);
    expect(spoofed).not.toMatch(/Secure/i);
  });
});
