import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { productionEnv } from "./env.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe("a production start refuses unsafe configuration", () => {
  it("starts with every required value set", () => {
    const c = loadConfig(productionEnv());
    expect(c.NODE_ENV).toBe("production");
    expect(c.INSTANCES).toBe(1);
  });

  it("names each missing value on its own line", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toEqual([
      expect.stringMatching(/^DATA_ENCRYPTION_KEY: required in production/),
      expect.stringMatching(/^APP_URL: must be https/),
      expect.stringMatching(/^APP_URL: localhost is not a public host/),
      expect.stringMatching(/^SITES_DOMAIN: required in production/),
      expect.stringMatching(/^DATABASE_URL: required in production/),
      expect.stringMatching(/^MAIL_HOST: required in production/),
    ]);
  });

  it("refuses the development key, a typed pattern and placeholder passwords", () => {
    const problems = problemsOf(
      productionEnv({
        DATA_ENCRYPTION_KEY: "a".repeat(64),
        DATABASE_URL: "mysql://izy:Change-Me@db:3306/izy",
        REDIS_URL: "redis://:password@redis:6379",
        MAIL_PASSWORD: "secret",
        APP_URL: "https://127.0.0.1:8443",
        SITES_DOMAIN: "sites.localhost",
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^DATA_ENCRYPTION_KEY: not a random key/),
      expect.stringMatching(/^APP_URL: 127\.0\.0\.1 is not a public host/),
      expect.stringMatching(/^SITES_DOMAIN: sites\.localhost is not a public domain/),
      expect.stringMatching(/^DATABASE_URL: its password is a placeholder/),
      expect.stringMatching(/^REDIS_URL: its password is a placeholder/),
      expect.stringMatching(/^MAIL_PASSWORD: a placeholder/),
    ]);
    // The refusal never repeats a secret it read.
    expect(problems.join("\n")).not.toMatch(/Change-Me|"password"|"secret"/);
  });

  it("allows embedded SQLite only when named, and only for one instance; several instances need Redis", () => {
    expect(problemsOf(productionEnv({ DATABASE_URL: "sqlite:/var/lib/izyboost/izy.db" }))).toEqual([]);
    expect(problemsOf(productionEnv({ DATABASE_URL: "sqlite:/var/lib/izyboost/izy.db", INSTANCES: "2", REDIS_URL: "redis://redis:6379" }))).toEqual([
      expect.stringMatching(/^DATABASE_URL: SQLite serves one instance only/),
    ]);
    expect(problemsOf(productionEnv({ INSTANCES: "2" }))).toEqual([expect.stringMatching(/^REDIS_URL: required with INSTANCES > 1/)]);
    expect(problemsOf(productionEnv({ INSTANCES: "2", REDIS_URL: "redis://redis:6379" }))).toEqual([]);
  });

  it("refuses private provider URLs unless allowed, as production has no loopback simulator", () => {
    expect(loadConfig(productionEnv()).PROVIDER_ALLOW_PRIVATE_URLS).toBe(false);
    expect(loadConfig(productionEnv({ PROVIDER_ALLOW_PRIVATE_URLS: "true" })).PROVIDER_ALLOW_PRIVATE_URLS).toBe(true);
  });

  it("development keeps its defaults", () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ NODE_ENV: "test", APP_URL: "http://localhost:8000" })).toEqual([]);
  });

  it("npm start exits with code 1 and one line per problem, no stack", async () => {
    const env = { PATH: process.env.PATH ?? "", NODE_ENV: "production", APP_URL: "http://localhost:8000" };
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [MAIN], { env, cwd: "/" }, (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }));
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("Invalid configuration:");
    expect(lines.slice(1)).toHaveLength(6);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}- [A-Z_]+: /);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
