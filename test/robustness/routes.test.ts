import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";

/** "GET /api/user/orders/{uuid}" → method and a path pattern comparable with Hono's ("/api/user/orders/:uuid{…}"). */
const shape = (path: string) => path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, ":").replace(/\{[^}/]+\}/g, ":");

const SEED = readFileSync(new URL("../fixtures/seed-endpoints.txt", import.meta.url), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter(Boolean)
  .map((l) => {
    const [method, path] = l.split(/\s+/);
    return { method: method!, path: path! };
  });

describeEachDialect("route inventory", (dialect) => {
  let p: TestPlatform;
  let admin: { token: string };
  let apiKey: string;

  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = await signUpAdmin(p);
    const made = await p.request("/api/user/api-keys", {
      method: "POST",
      token: admin.token,
      json: { name: "inventory", permissions: ["services.read", "orders.create", "orders.read", "balance.read"] },
    });
    apiKey = (await body(made)).data.key;
  });
  afterAll(() => p?.close());

  it("reads the whole seed list", () => {
    expect(SEED.length).toBe(81);
    expect(new Set(SEED.map((e) => `${e.method} ${e.path}`)).size).toBe(SEED.length);
  });

  it("registers a method-specific route (not only middleware) for every seed endpoint at its seed path", () => {
    // app.use() registers "ALL" entries: only a route added with get/post/put/delete/on counts.
    const registered = new Set(p.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${shape(r.path)}`));
    const missing = SEED.filter((e) => !registered.has(`${e.method} ${shape(e.path)}`)).map((e) => `${e.method} ${e.path}`);
    expect(missing).toEqual([]);
  });

  it("answers every seed endpoint from a handler: never the router's 'Route not found', never a 5xx", async () => {
    // Ids of nothing: a handler answers "X not found" (or a validation error), the router "Route not found".
    const concrete = (path: string) => path.replace("{uuid}", "00000000-0000-4000-8000-000000000000").replace("{id}", "987654321");
    const unrouted: string[] = [];
    const logoutToken = (await signUp(p)).token;
    for (const e of SEED) {
      const path = concrete(e.path);
      const headers: Record<string, string> = e.path.startsWith("/api/v1/") ? { "x-api-key": apiKey } : {};
      const token = e.path === "/api/logout" ? logoutToken : admin.token;
      // An empty JSON object: never enough to act (a sync names no provider id of ours, so it is refused or finds nothing).
      const json = e.method === "GET" || e.method === "DELETE" ? undefined : e.path === "/api/admin/services/sync" ? { provider_id: 987654321 } : {};
      const res = await p.request(path, { method: e.method, token, headers, json });
      const text = await res.text();
      if (res.status >= 500 || text.includes("Route not found")) unrouted.push(`${e.method} ${e.path} → ${res.status} ${text.slice(0, 120)}`);
    }
    expect(unrouted).toEqual([]);
  });

  it("an unknown API path is the router's 404 envelope (the check above can fail)", async () => {
    const res = await p.request("/api/user/orderz", { token: admin.token });
    expect(res.status).toBe(404);
    expect((await body(res)).error).toMatchObject({ code: "not_found", message: "Route not found" });
  });
});
