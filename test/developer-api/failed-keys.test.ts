import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { FAILED_KEYS_PER_MINUTE } from "../../src/developer-api/middleware.ts";

describeEachDialect("guessing API keys", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("an address that tries too many unknown keys is refused with 429 on v1 and v2, others are not", async () => {
    const ip = "198.51.100.77";
    for (let i = 0; i < FAILED_KEYS_PER_MINUTE; i++) {
      const res = await p.request("/api/v1/balance", { ip, headers: { "x-api-key": `sk_${"a".repeat(32)}` } });
      expect(res.status).toBe(401);
    }
    const v1 = await p.request("/api/v1/balance", { ip, headers: { "x-api-key": `sk_${"b".repeat(32)}` } });
    expect(v1.status).toBe(429);
    expect((await body(v1)).error.code).toBe("rate_limited");
    const v2 = await p.request("/api/v2", { ip, method: "POST", body: new URLSearchParams({ key: "sk_nope", action: "balance" }) });
    expect(v2.status).toBe(429);
    expect((await body(v2)).error).toMatch(/Too many/);
    const elsewhere = await p.request("/api/v1/balance", { ip: "198.51.100.78", headers: { "x-api-key": `sk_${"c".repeat(32)}` } });
    expect(elsewhere.status).toBe(401);
  });
});
