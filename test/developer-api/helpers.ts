import { body, signUp, type TestPlatform } from "../harness/platform.ts";
import type { Permission } from "../../src/developer-api/keys.ts";

export { balanceOf, expectLedgerHolds, fund } from "../harness/money.ts";

export const ALL_PERMISSIONS: Permission[] = ["services.read", "orders.create", "orders.read", "balance.read"];

/** POST /api/user/api-keys as `token`. */
export async function createKeyVia(p: TestPlatform, token: string, json: Record<string, unknown>) {
  const res = await p.request("/api/user/api-keys", { method: "POST", token, json });
  return { status: res.status, json: await body(res) };
}

/** A signed-up user with a key (all permissions unless told) created through the API. */
export async function userWithKey(p: TestPlatform, extra: Record<string, unknown> = {}) {
  const u = await signUp(p);
  const made = await createKeyVia(p, u.token, { name: "bot", permissions: ALL_PERMISSIONS, ...extra });
  if (made.status !== 201) throw new Error(`key creation failed: ${made.status} ${JSON.stringify(made.json)}`);
  return { ...u, key: made.json.data.key as string, keyId: made.json.data.id as string };
}

/** A /api/v1 call with X-API-Key. */
export function v1(p: TestPlatform, path: string, key: string, init: { method?: string; json?: unknown; ip?: string; headers?: Record<string, string> } = {}) {
  return p.request(`/api/v1${path}`, { method: init.method ?? "GET", json: init.json, ip: init.ip, headers: { "x-api-key": key, ...init.headers } });
}

/** A standard v2 call, form-encoded as third-party panels send it; returns the HTTP status and the JSON answer. */
export async function v2(p: TestPlatform, fields: Record<string, string | number>, opts: { host?: string; ip?: string } = {}) {
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await p.request("/api/v2", {
    method: "POST",
    host: opts.host,
    ip: opts.ip,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return { status: res.status, json: await body(res) };
}

export async function apiLogsOf(p: TestPlatform, keyUuid: string) {
  const key = await p.services.db.selectFrom("api_keys").select("id").where("uuid", "=", keyUuid).executeTakeFirstOrThrow();
  return p.services.db.selectFrom("api_logs").selectAll().where("api_key_id", "=", key.id).orderBy("id").execute();
}
