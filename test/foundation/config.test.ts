import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { productionEnv } from "../production/env.ts";

describe("configuration", () => {
  it("starts with nothing set: embedded defaults", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.platformHosts).toContain("localhost");
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("reports every bad variable on its own line", () => {
    try {
      loadConfig({ PORT: "eighty", APP_URL: "not a url", DATABASE_URL: "postgres://x", REDIS_URL: "http://r" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["PORT", "APP_URL", "DATABASE_URL", "REDIS_URL"]));
      expect((e as ConfigError).message.split("\n").length).toBe(problems.length + 1);
    }
  });

  it("treats blank values as unset and splits trusted proxies", () => {
    const c = loadConfig({ PORT: "", TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1" });
    expect(c.PORT).toBe(8000);
    expect(c.TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "127.0.0.1"]);
  });

  it("allows private provider URLs only for the embedded simulator, unless set", () => {
    expect(loadConfig({}).PROVIDER_ALLOW_PRIVATE_URLS).toBe(true);
    expect(loadConfig({ SMM_API_URL: "https://panel.example/api/v2" }).PROVIDER_ALLOW_PRIVATE_URLS).toBe(false);
    expect(loadConfig({ SMM_API_URL: "http://10.0.0.5/api/v2", PROVIDER_ALLOW_PRIVATE_URLS: "true" }).PROVIDER_ALLOW_PRIVATE_URLS).toBe(true);
    expect(loadConfig({ PROVIDER_ALLOW_PRIVATE_URLS: "false" }).PROVIDER_ALLOW_PRIVATE_URLS).toBe(false);
    expect(() => loadConfig({ PROVIDER_ALLOW_PRIVATE_URLS: "maybe" })).toThrow(/PROVIDER_ALLOW_PRIVATE_URLS/);
  });

  it("production serves only the APP_URL host as the platform", () => {
    const c = loadConfig(productionEnv({ APP_URL: "https://izyboost.com/" }));
    expect(c.platformHosts).toEqual(["izyboost.com"]);
    expect(c.APP_URL).toBe("https://izyboost.com");
  });

  it("production refuses to start without DATA_ENCRYPTION_KEY, in one clear line; elsewhere a fixed development key is used", () => {
    try {
      loadConfig({ ...productionEnv({ APP_URL: "https://izyboost.com/" }), DATA_ENCRYPTION_KEY: "" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: required in production/)]);
    }
    expect(loadConfig({}).DATA_ENCRYPTION_KEY).toHaveLength(32);
    expect(loadConfig({}).DATA_ENCRYPTION_KEY.equals(loadConfig({ NODE_ENV: "test" }).DATA_ENCRYPTION_KEY)).toBe(true);
  });

  it("reads DATA_ENCRYPTION_KEY as 64 hex digits or base64 of 32 bytes, and refuses anything else", () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key.toString("hex") }).DATA_ENCRYPTION_KEY.equals(key)).toBe(true);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key.toString("base64") }).DATA_ENCRYPTION_KEY.equals(key)).toBe(true);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key.toString("base64url") }).DATA_ENCRYPTION_KEY.equals(key)).toBe(true);
    for (const bad of ["short", Buffer.alloc(16).toString("base64"), "z".repeat(64)]) {
      expect(() => loadConfig({ DATA_ENCRYPTION_KEY: bad }), bad).toThrow(/DATA_ENCRYPTION_KEY/);
    }
  });
});
