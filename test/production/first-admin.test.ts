import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { ensureFirstAdmin } from "../../src/users/admin-account.ts";
import { productionPlatformEnv } from "./env.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function cli(p: TestPlatform, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: p.services.config.DATABASE_URL, APP_URL: "https://izyboost.test", LOG_LEVEL: "silent" };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

describeEachDialect("the first admin in production", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, productionPlatformEnv({ ADMIN_EMAIL: "owner@izyboost.test" }));
  });
  afterAll(async () => {
    await p.close();
  });

  const login = (login: string, password: string) => p.request("/api/login", { method: "POST", json: { login, password } });

  /** Opens a setup link in a browser-like jar and sets the password through the page's form. */
  async function useLink(link: string, password: string) {
    const url = new URL(link);
    const jar = new Jar();
    const page = await get(p, url.host, `${url.pathname}${url.search}`, jar);
    expect(page.res.status).toBe(200);
    return post(p, url.host, url.pathname, jar, {
      _csrf: csrfFrom(page.html),
      token: url.searchParams.get("token")!,
      password: "first-admin-pass-42",
      password_confirmation: password,
    });
  }

  it("is made once with a one-time setup link, never a password; the link sets the password once", async () => {
    const first = await ensureFirstAdmin(p.ctx());
    expect(first).not.toBeNull();
    expect(first!.user.email).toBe("owner@izyboost.test");
    expect(first!.user.role).toBe("admin");
    expect(first).not.toHaveProperty("password");
    expect(first!.link).toMatch(/^https:\/\/izyboost\.test\/password\/reset\?token=[a-z0-9]{20,}$/);
    // An admin exists now: a second start makes no other, and prints no link.
    expect(await ensureFirstAdmin(p.ctx())).toBeNull();

    // A mistyped confirmation re-renders the form and leaves the link usable.
    const mistyped = await useLink(first!.link, "something-else-42");
    expect(mistyped.res.status).toBe(422);
    const set = await useLink(first!.link, "first-admin-pass-42");
    expect(set.res.status).toBe(303);
    const signedIn = await login("admin", "first-admin-pass-42");
    expect(signedIn.status).toBe(200);
    expect((await p.request("/api/admin/settings", { token: (await body(signedIn)).data.token })).status).toBe(200);
    // Used once: the same link is refused.
    expect((await useLink(first!.link, "first-admin-pass-42")).res.status).toBe(422);
  });

  it("user:create --admin makes another admin, and admin:setup-link prints a new link, never a password", async () => {
    const created = await cli(p, ["user:create", "--email", "second@izyboost.test", "--password", "second-admin-pass-42", "--admin"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain("second-admin-pass-42");
    expect((await login("second@izyboost.test", "second-admin-pass-42")).status).toBe(200);

    const linked = await cli(p, ["admin:setup-link", "--email", "second@izyboost.test"]);
    expect(linked.code, linked.stderr).toBe(0);
    const link = /(https:\/\/\S+)/.exec(linked.stdout)?.[1];
    expect(link).toMatch(/\/password\/reset\?token=/);
    expect((await useLink(link!, "first-admin-pass-42")).res.status).toBe(303);
    expect((await login("second@izyboost.test", "first-admin-pass-42")).status).toBe(200);
    const unknown = await cli(p, ["admin:setup-link", "--email", "nobody@izyboost.test"]);
    expect(unknown.code).toBe(64);
  });
});
