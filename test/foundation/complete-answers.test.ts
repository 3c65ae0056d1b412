import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";

// Cached answers are written with every header at once (src/http/response-headers.ts): the same as a fresh answer's.
describeEachDialect("answers from cache carry every header", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  const SECURITY = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-site",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=15552000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
  };
  const namesOf = (res: Response) => [...res.headers.keys()].sort();

  it("the catalogue API: security headers, the request id, the rate limit and no-store, anonymous or signed in", async () => {
    const u = await signUp(p);
    for (const token of [undefined, u.token]) {
      const fresh = await p.request("/api/services?per_page=3", { token, headers: { "x-request-id": "first-1" } });
      const cached = await p.request("/api/services?per_page=3", { token, headers: { "x-request-id": "second-2" } });
      expect(cached.status).toBe(200);
      expect(await cached.text()).toBe(await fresh.text());
      expect(namesOf(cached)).toEqual(namesOf(fresh));
      expect(Object.fromEntries(cached.headers)).toMatchObject({ ...SECURITY, "x-request-id": "second-2", "cache-control": "no-store" });
      expect(Number(cached.headers.get("ratelimit-remaining"))).toBe(Number(fresh.headers.get("ratelimit-remaining")) - 1);
      expect(cached.headers.get("ratelimit-policy")).toMatch(/^\d+;w=60$/);
    }
  });

  it("a cached storefront page: its CSP and caching, the security headers over its own, and ?lang= still sets the language cookie", async () => {
    const fresh = await p.request("/services");
    const cached = await p.request("/services", { headers: { "x-request-id": "page-3" } });
    expect(await cached.text()).toBe(await fresh.text());
    expect(namesOf(cached)).toEqual(namesOf(fresh));
    expect(Object.fromEntries(cached.headers)).toMatchObject({ ...SECURITY, "x-request-id": "page-3", "cache-control": "no-cache", vary: "Cookie" });
    expect(cached.headers.get("content-security-policy")).toContain("default-src 'self'");
    await p.request("/services?lang=en");
    const english = await p.request("/services?lang=en");
    expect(english.headers.get("set-cookie")).toMatch(/izy_lang=en/);
  });
});
