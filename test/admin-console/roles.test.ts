import { afterAll, beforeAll, expect, it } from "vitest";
import { staffActionOf, staffMay } from "../../src/auth/roles.ts";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { insertSite, Jar } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

/**
 * The role matrix of every console page, read from the router so that a new page is covered:
 * admin, support, customer, anonymous, and the same paths on a site's host.
 */
describeEachDialect("admin console: role matrix of every page", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  const UUID = "00000000-0000-4000-8000-000000000000";
  function pages(): string[] {
    const out = new Set<string>();
    for (const r of p.app.routes) {
      if (r.method !== "GET" || !/^\/admin(\/|$)/.test(r.path) || r.path.includes("*")) continue;
      out.add(r.path.replace(/:([A-Za-z]+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_m, name: string) => (name === "uuid" ? UUID : "1")));
    }
    return [...out];
  }

  it("admins open every page, support only theirs, customers never, anonymous visitors are sent to sign in", async () => {
    const all = pages();
    expect(all).toContain("/admin");
    const admin = await staffJar(p, "admin");
    const support = await staffJar(p, "support");
    const customer = await staffJar(p, "user");
    const wrong: string[] = [];
    for (const path of all) {
      const a = (await visit(p, admin.jar, path)).res.status;
      if (a === 403 || a >= 500) wrong.push(`admin ${path} → ${a}`);
      const s = (await visit(p, support.jar, path)).res.status;
      const allowed = staffMay("support", staffActionOf("GET", path.replace(/^\/admin/, "")));
      if (allowed ? s === 403 || s >= 500 : s !== 403 && !(path === "/admin" && s === 303)) wrong.push(`support ${path} → ${s}`);
      const u = (await visit(p, customer.jar, path)).res.status;
      if (u !== 403) wrong.push(`customer ${path} → ${u}`);
      const anon = await visit(p, new Jar(), path);
      if (anon.res.status !== 303 || !anon.res.headers.get("location")?.startsWith("/login?next=")) wrong.push(`anonymous ${path} → ${anon.res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("no console page exists on a site's host", async () => {
    const site = await insertSite(p);
    const admin = await staffJar(p, "admin");
    const found = [];
    for (const path of pages()) {
      const res = await visit(p, admin.jar, path, site.host);
      if (res.res.status !== 404) found.push(`${path} → ${res.res.status}`);
    }
    expect(found).toEqual([]);
  });
});
