import { afterAll, beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { userWithKey, v1 } from "../developer-api/helpers.ts";
import { dbNow } from "../../src/lib/time.ts";

const PROXY = "10.0.0.5";

describeEachDialect("the client's address and host behind trusted proxies", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { TRUSTED_PROXIES: "10.0.0.0/8", LOGIN_RATE_LIMIT_PER_MINUTE: "3" });
    const owner = await signUp(p);
    const now = dbNow();
    await p.services.db
      .insertInto("white_label_sites")
      .values({
        uuid: randomUUID(),
        owner_id: owner.user.id,
        plan_id: 1,
        template_id: 1,
        name: "Shop proxied",
        slug: "proxied",
        created_at: now,
        updated_at: now,
      })
      .execute();
    p.invalidateTenants();
  });
  afterAll(() => p.close());

  const via = (xff: string, extra: Record<string, string> = {}) => ({ ip: PROXY, headers: { "x-forwarded-for": xff, ...extra } });

  it("a client cannot pass an API key's IP whitelist by writing the allowed address first in X-Forwarded-For", async () => {
    const u = await userWithKey(p, { ip_whitelist: ["198.51.100.7"] });
    const spoofed = await v1(p, "/balance", u.key, via("198.51.100.7, 203.0.113.9"));
    expect(spoofed.status).toBe(403);
    expect((await body(spoofed)).error.code).toBe("ip_not_allowed");
    expect((await v1(p, "/balance", u.key, via("203.0.113.9, 198.51.100.7"))).status).toBe(200);
    // Two proxies of ours in a row: the address before them is the client.
    expect((await v1(p, "/balance", u.key, via("203.0.113.9, 198.51.100.7, 10.0.0.8"))).status).toBe(200);
    // A stranger's own X-Forwarded-For is never read.
    expect((await v1(p, "/balance", u.key, { ip: "203.0.113.9", headers: { "x-forwarded-for": "198.51.100.7" } })).status).toBe(403);
  });

  it("a client cannot escape the login limit by changing the leftmost X-Forwarded-For address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await p.request("/api/login", {
        method: "POST",
        ...via(`192.0.2.${i + 1}, 203.0.113.60`),
        json: { login: "who@example.com", password: "whatever" },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const other = await p.request("/api/login", {
      method: "POST",
      ...via("192.0.2.1, 203.0.113.61"),
      json: { login: "who@example.com", password: "whatever" },
    });
    expect(other.status).toBe(401);
  });

  it("takes the X-Forwarded-Host our proxy wrote last, not one the client put before it", async () => {
    const platform = await p.request("/api/me", { host: "internal", ip: PROXY, headers: { "x-forwarded-host": "proxied.sites.izyboost.test, izyboost.test" } });
    expect(platform.status).toBe(401);
    const site = await p.request("/api/me", { host: "internal", ip: PROXY, headers: { "x-forwarded-host": "izyboost.test, proxied.sites.izyboost.test" } });
    expect(site.status).toBe(404);
  });

  it("takes the X-Forwarded-Proto our proxy wrote last", async () => {
    const page = await p.request("/register", { ip: PROXY, headers: { "x-forwarded-proto": "https, http" } });
    expect(page.headers.get("set-cookie") ?? "").not.toMatch(/Secure/i);
  });
});
