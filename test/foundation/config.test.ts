import { describe, expect, it } from "vitest";
import { ConfigError, dataEncryptionKey, loadConfig } from "../../src/config/config.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");

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
    const c = loadConfig({ NODE_ENV: "production", APP_URL: "https://izyboost.com/", DATA_ENCRYPTION_KEY: KEY });
    expect(c.platformHosts).toEqual(["izyboost.com"]);
    expect(c.APP_URL).toBe("https://izyboost.com");
  });

  it("requires DATA_ENCRYPTION_KEY in production with one clear line, and derives a stable development key otherwise", () => {
    try {
      loadConfig({ NODE_ENV: "production", APP_URL: "https://izyboost.com/" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: required in production/)]);
    }
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/DATA_ENCRYPTION_KEY: must be 32 random bytes/);
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: "not base64 at all!!" })).toThrow(/DATA_ENCRYPTION_KEY/);
    expect(dataEncryptionKey(loadConfig({ DATA_ENCRYPTION_KEY: KEY }))).toEqual(Buffer.alloc(32, 7));
    const dev = dataEncryptionKey(loadConfig({}));
    expect(dev).toHaveLength(32);
    expect(dataEncryptionKey(loadConfig({}))).toEqual(dev);
  });
});
