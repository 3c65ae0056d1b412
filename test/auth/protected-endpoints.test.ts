import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { requireAdmin, requireAuth, signedIn } from "../../src/auth/middleware.ts";
import { guardOf } from "../../src/http/guard.ts";

// The only routes mounted without a guard: a new route must be mounted behind one or be added here.
const PUBLIC_API = [
  "POST /api/register",
  "POST /api/login",
  "POST /api/login/two-factor",
  "POST /api/password/forgot",
  "POST /api/password/reset",
  "POST /api/email/verify",
  "GET /api/services",
  "GET /api/white-label/plans",
  "GET /api/white-label/templates",
  "GET /api/v2",
  "POST /api/v2",
  "GET /api/v2/",
  "POST /api/v2/",
];

const UUID = "00000000-0000-4000-8000-000000000000";
/** A Hono route path with its parameters filled in (an id or a uuid of nothing). */
const concrete = (path: string) =>
  path.replace(/:([A-Za-z]+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_m, name: string, pattern?: string) =>
    name === "uuid" || pattern?.includes("a-fA-F") ? UUID : "1",
  );

const endpoints = readFileSync(new URL("../fixtures/seed-endpoints.txt", import.meta.url), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter(Boolean)
  .map((l) => {
    const [method, path] = l.split(" ");
    return { method: method!, path: path!.replace("{uuid}", UUID).replace("{id}", "1").replace("{key}", "site_name") };
  });

describeEachDialect("protection taken from the mounts", (dialect) => {
  let p: TestPlatform;
  let userToken: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    userToken = (await signUp(p)).token;
  });
  afterAll(() => p.close());

  /** Every method-specific route of the app and the guard its mount put in front of it (read from the router). */
  function routes(filter: (path: string) => boolean) {
    const out = new Map<string, { method: string; path: string; guard?: unknown }>();
    for (const r of p.app.routes) {
      if (r.method === "ALL" || !filter(r.path)) continue;
      const key = `${r.method} ${r.path}`;
      const entry = out.get(key) ?? { method: r.method, path: r.path };
      entry.guard ??= guardOf(r.handler);
      out.set(key, entry);
    }
    return [...out.values()];
  }
  const api = () => routes((path) => /^\/api(\/|$)/.test(path));
  const send = (method: string, path: string, token?: string) =>
    p.request(path, { method, token, json: method === "GET" || method === "DELETE" ? undefined : {} });

  it("every API route is public by name or mounted behind a guard; admin routes behind requireAdmin, /api/v1 behind the key", () => {
    const all = api();
    expect(all.length).toBeGreaterThan(80);
    expect(
      all
        .filter((r) => !r.guard)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([...PUBLIC_API].sort());
    expect(all.filter((r) => r.path.startsWith("/api/admin/") && r.guard !== requireAdmin).map((r) => r.path)).toEqual([]);
    const keyGuard = all.find((r) => r.path.startsWith("/api/v1/"))?.guard;
    expect(keyGuard).toBeDefined();
    expect([requireAuth, requireAdmin]).not.toContain(keyGuard);
    expect(all.filter((r) => r.path.startsWith("/api/v1/") !== (r.guard === keyGuard)).map((r) => r.path)).toEqual([]);
  });

  it("every guarded API route answers 401 in the envelope without credentials; public ones answer without asking", async () => {
    const failures: string[] = [];
    for (const r of api()) {
      const res = await send(r.method, concrete(r.path));
      const b = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (r.guard && (res.status !== 401 || !b?.error?.code)) failures.push(`${r.method} ${r.path} → ${res.status}`);
      if (!r.guard && (res.status === 401 || res.status >= 500)) failures.push(`public ${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("routes behind requireAdmin answer 403 to a signed-in user, routes behind requireAuth let the user through", async () => {
    const failures: string[] = [];
    for (const r of api().filter((x) => x.guard === requireAdmin || x.guard === requireAuth)) {
      // Logging out would end the session the other calls use.
      if (r.path === "/api/logout") continue;
      const res = await send(r.method, concrete(r.path), userToken);
      if (r.guard === requireAdmin ? res.status !== 403 : res.status === 401 || res.status === 403) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("the seed's protected endpoints answer 401 in the envelope without a session", async () => {
    const failures: string[] = [];
    for (const e of endpoints) {
      if (PUBLIC_API.includes(`${e.method} ${e.path}`)) continue;
      const res = await send(e.method, e.path);
      const b = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (res.status !== 401 || !b?.error?.code) failures.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("pages behind signedIn send an anonymous visitor to the login page with the way back; other pages do not", async () => {
    const pages = routes((path) => !/^\/api(\/|$)/.test(path) && !path.includes("*"));
    const guardedPages = pages.filter((r) => r.guard);
    expect(guardedPages.every((r) => r.guard === signedIn)).toBe(true);
    expect(guardedPages.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(["GET /account", "GET /orders", "POST /funds", "GET /white-label/sites", "POST /white-label"]),
    );
    const failures: string[] = [];
    for (const r of pages) {
      const path = concrete(r.path);
      const res = await p.request(`${path}?page=2`, { method: r.method, body: r.method === "GET" ? undefined : "" });
      const location = res.headers.get("location") ?? "";
      const back = r.method === "GET" ? `${path}?page=2` : `/${path.split("/")[1]}`;
      if (r.guard && (res.status !== 303 || location !== `/login?next=${encodeURIComponent(back)}`))
        failures.push(`${r.method} ${r.path} → ${res.status} ${location}`);
      // The sign-in's own second step sends a visitor without a pending challenge back to the password, not through a guard.
      if (`${r.method} ${r.path}` === "GET /login/two-factor") {
        if (location !== "/login?flash=two_factor_expired") failures.push(`${r.method} ${r.path} → ${res.status} ${location}`);
      } else if (!r.guard && location.startsWith("/login")) failures.push(`unguarded ${r.method} ${r.path} → ${res.status} ${location}`);
    }
    expect(failures).toEqual([]);
  });

  it("an unknown path under a guarded prefix is the router's 404, whoever asks", async () => {
    for (const token of [undefined, userToken]) {
      const res = await send("GET", "/api/wallet/nothing-here", token);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Route not found");
    }
  });
});
