import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../src/db/database.ts";

/** Hostile JSON values put in place of a known field (JSON text, so that 1e308 and nesting stay as sent). */
export const HOSTILE_VALUES: string[] = [
  "{}",
  "[]",
  '{"$gt":""}',
  "[1,2,3]",
  "true",
  "null",
  "1e308",
  "-1e308",
  "-1",
  "0",
  "99999999999999999999",
  "9007199254740993",
  "12.3456789",
  '"12.3456789"',
  '"NaN"',
  '"Infinity"',
  '"-0"',
  '"1e3"',
  '""',
  '"   "',
  JSON.stringify("x".repeat(100_000)),
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800\\udfff\\ud800 𝕏ñ‮ 日本"',
  '"<script>alert(1)</script>"',
  '"\' OR 1=1 --"',
  '{"__proto__":{"admin":true}}',
  "[".repeat(2000) + "]".repeat(2000),
];

/** Whole bodies that are not what any route reads. */
export function hostileBodies(base: Record<string, unknown>): { label: string; body: string; type?: string }[] {
  const baseText = JSON.stringify(base);
  const withProto =
    baseText === "{}"
      ? '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}'
      : `{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}},${baseText.slice(1)}`;
  return [
    { label: "malformed JSON", body: '{"a": ' },
    { label: "truncated JSON", body: baseText.slice(0, Math.max(1, baseText.length - 1)) },
    { label: "JSON array", body: "[]" },
    { label: "JSON array of the body", body: `[${baseText}]` },
    { label: "JSON string", body: '"hello"' },
    { label: "JSON number", body: "1e308" },
    { label: "JSON null", body: "null" },
    { label: "JSON true", body: "true" },
    { label: "__proto__ and constructor keys", body: withProto },
    { label: "NUL bytes", body: '{"\u0000":"\u0000"}' },
    { label: "form body sent as multipart without boundary", body: "garbage", type: "multipart/form-data" },
    { label: "urlencoded with a bad escape", body: "a=%ZZ&b=%", type: "application/x-www-form-urlencoded" },
    { label: "deep nesting", body: "[".repeat(20_000) + "]".repeat(20_000) },
  ];
}

/** Hostile query-string values (already URL-encoded). */
export const HOSTILE_QUERY: string[] = [
  "",
  "0",
  "-1",
  "abc",
  "1e308",
  "99999999999999999999",
  "1.5",
  "NaN",
  "Infinity",
  "%00",
  "__proto__",
  "%F0%9D%95%8F%E2%80%AE",
  "%27%20OR%201%3D1%20--",
  "x".repeat(5000),
  "%ZZ",
];

/** Path segments that are no id or uuid of anything. */
export const HOSTILE_PARAMS: string[] = [
  "not-a-uuid",
  "99999999999999999999",
  "9007199254740993",
  "%00",
  "-1",
  "0",
  "1.5",
  "1e3",
  "__proto__",
  "constructor",
  "toString",
  "00000000-0000-0000-0000-000000000000",
  "%2e%2e%2f%2e%2e",
  "%F0%9F%92%A9",
  "%ZZ",
  "a".repeat(3000),
];

export interface Violation {
  route: string;
  role: string;
  what: string;
  problem: string;
}

/** Why a response breaks the promise, or null: never 5xx; every 4xx is the documented envelope; 422s carry details. */
export function responseProblem(status: number, text: string, protocol: "envelope" | "v2"): string | null {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (status >= 400 || protocol === "v2") return `status ${status} with a body that is not JSON: ${text.slice(0, 120)}`;
    return null;
  }
  if (protocol === "v2") {
    if (json && typeof json === "object" && !Array.isArray(json) && "error" in json && typeof (json as { error: unknown }).error !== "string")
      return `v2 error that is not a string: ${text.slice(0, 200)}`;
    if (status >= 400 && status !== 429) return `v2 answered ${status}`;
    return null;
  }
  if (status < 400) return null;
  if (!json || typeof json !== "object" || Array.isArray(json)) return `4xx body is not an object: ${text.slice(0, 200)}`;
  const keys = Object.keys(json);
  if (keys.length !== 1 || keys[0] !== "error") return `4xx body has keys ${keys.join(",")}`;
  const error = (json as { error: unknown }).error;
  if (!error || typeof error !== "object" || Array.isArray(error)) return `error is not an object: ${text.slice(0, 200)}`;
  const e = error as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => !["code", "message", "request_id", "details"].includes(k));
  if (extra.length) return `error has unexpected keys ${extra.join(",")}`;
  if (typeof e.code !== "string" || !e.code) return `error.code missing: ${text.slice(0, 200)}`;
  if (typeof e.message !== "string" || !e.message) return `error.message missing: ${text.slice(0, 200)}`;
  if (e.request_id !== undefined && typeof e.request_id !== "string") return "error.request_id is not a string";
  if (e.details !== undefined && (!e.details || typeof e.details !== "object")) return "error.details is not an object";
  if (status === 422) {
    const d = e.details as Record<string, unknown> | undefined;
    if (!d || typeof d !== "object" || Object.keys(d).length === 0) return `422 without field details: ${text.slice(0, 200)}`;
    for (const [field, messages] of Object.entries(d)) {
      if (!Array.isArray(messages) || !messages.every((m) => typeof m === "string")) return `422 details.${field} is not a list of messages`;
    }
  }
  return null;
}

// ---- "changes nothing" ----

/** Tables whose rows move with every authenticated call (sliding sessions, key use) or job bookkeeping. */
const VOLATILE_TABLES = new Set(["sessions", "job_locks"]);
const VOLATILE_COLUMNS: Record<string, string[]> = { api_keys: ["last_used_at", "last_used_ip", "updated_at"] };

export interface Snapshotter {
  /** Row counts of every table and the sum of balances: one query. */
  counts(): Promise<Record<string, number>>;
  /** A digest of the content of each table but the volatile ones (and `ignore`). */
  digest(ignore?: string[]): Promise<Record<string, string>>;
}

export async function snapshotter(db: Db): Promise<Snapshotter> {
  const tables = (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((n) => !n.startsWith("kysely_"))
    .sort();
  const parts = tables.map((n) => sql`(select count(*) from ${sql.table(n)}) as ${sql.ref(`c_${n}`)}`);
  const countQuery = sql<Record<string, unknown>>`select ${sql.join(parts)}, (select coalesce(sum(balance), 0) from users) as balance_sum`;
  return {
    async counts() {
      const row = (await countQuery.execute(db)).rows[0]!;
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(row)) out[k] = Number(v);
      return out;
    },
    async digest(ignore = []) {
      const out: Record<string, string> = {};
      for (const n of tables) {
        if (VOLATILE_TABLES.has(n) || ignore.includes(n)) continue;
        const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(n)} order by 1`.execute(db)).rows;
        const drop = VOLATILE_COLUMNS[n] ?? [];
        const hash = createHash("sha256");
        for (const r of rows) {
          for (const c of drop) delete r[c];
          hash.update(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)));
        }
        out[n] = hash.digest("hex");
      }
      return out;
    },
  };
}

/** The tables whose content differs between two digests. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((n) => before[n] !== after[n]);
}

/** The entries of `after` that differ from `before`, except the ignored tables. */
export function countChanges(before: Record<string, number>, after: Record<string, number>, ignore: string[] = []): string[] {
  return Object.keys(after)
    .filter((k) => before[k] !== after[k] && !ignore.some((t) => k === `c_${t}`))
    .map((k) => `${k.replace(/^c_/, "")}: ${before[k]} → ${after[k]}`);
}
