import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Runs the real CLI against the test platform's database. */
function cli(p: TestPlatform, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: p.services.config.DATABASE_URL, APP_URL: "http://izyboost.test", LOG_LEVEL: "silent" };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describeEachDialect("izyboost user:password", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(async () => {
    await p.close();
  });

  const login = (login: string, password: string) => p.request("/api/login", { method: "POST", json: { login, password } });

  it("sets the given password and ends the account's sessions", async () => {
    const u = await signUp(p);
    const run = await cli(p, ["user:password", "--email", u.user.email, "--password", "set-by-the-operator"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("set-by-the-operator");
    expect((await login(u.user.email, "set-by-the-operator")).status).toBe(200);
    expect((await login(u.user.email, u.password)).status).toBe(401);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
  });

  it("generates and prints a password when none is given", async () => {
    const u = await signUp(p);
    const run = await cli(p, ["user:password", "--email", u.user.email.toUpperCase()]);
    expect(run.code).toBe(0);
    const generated = /New password: (\S+)/.exec(run.stdout)?.[1];
    expect(generated?.length).toBeGreaterThanOrEqual(10);
    expect((await login(u.user.email, generated!)).status).toBe(200);
  });

  it("refuses a common password and an unknown address, changing nothing", async () => {
    const u = await signUp(p);
    const weak = await cli(p, ["user:password", "--email", u.user.email, "--password", "password123"]);
    expect(weak.code).toBe(64);
    expect(weak.stderr).toContain("--password");
    const unknown = await cli(p, ["user:password", "--email", "nobody-here@example.com", "--password", "set-by-the-operator"]);
    expect(unknown.code).toBe(64);
    expect((await login(u.user.email, u.password)).status).toBe(200);
  });
});
