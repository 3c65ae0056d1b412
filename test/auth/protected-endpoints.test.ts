import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";

// The seed's endpoints; public ones are listed here, every other one needs a session (or a key for /api/v1).
const PUBLIC = new Set(["POST /api/register", "POST /api/login", "GET /api/services", "GET /api/white-label/plans", "GET /api/white-label/templates"]);
const endpoints = readFileSync(new URL("../fixtures/seed-endpoints.txt", import.meta.url), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter(Boolean)
  .map((l) => {
    const [method, path] = l.split(" ");
    return { method: method!, path: path!.replace("{uuid}", "00000000-0000-4000-8000-000000000000").replace("{id}", "1").replace("{key}", "site_name") };
  });

describeEachDialect("protected seed endpoints", (dialect) => {
  let p: TestPlatform;
  let userToken: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    userToken = (await signUp(p)).token;
  });
  afterAll(() => p.close());

  it("answer 401 in the envelope without a session", async () => {
    const failures: string[] = [];
    for (const e of endpoints) {
      if (PUBLIC.has(`${e.method} ${e.path}`)) continue;
      const res = await p.request(e.path, { method: e.method, json: e.method === "GET" || e.method === "DELETE" ? undefined : {} });
      const b = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (res.status !== 401 || !b?.error?.code) failures.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("admin endpoints answer 403 to a non-admin", async () => {
    const failures: string[] = [];
    for (const e of endpoints.filter((x) => x.path.startsWith("/api/admin/"))) {
      const res = await p.request(e.path, { method: e.method, token: userToken, json: e.method === "GET" || e.method === "DELETE" ? undefined : {} });
      if (res.status !== 403) failures.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
