import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { PERMISSIONS } from "../../src/developer-api/keys.ts";
import { notify } from "../../src/notifications/notify.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { activeMethod, customerOf, resellerSite } from "../reseller/helpers.ts";
import { addService } from "../orders/support.ts";
import { dbNow } from "../../src/lib/time.ts";
import { fund } from "../harness/money.ts";
import {
  HOSTILE_PARAMS,
  HOSTILE_QUERY,
  HOSTILE_VALUES,
  changedTables,
  countChanges,
  hostileBodies,
  responseProblem,
  snapshotter,
  type Snapshotter,
  type Violation,
} from "./battery.ts";
import { SPECS, type Role, type RouteSpec, type Victims } from "./specs.ts";
import { tenants, type Tenants } from "./world.ts";

/** One client address per route and role: unknown keys tried on one route must not lock the others out (the failed-key guard counts per address). */
const ROLE_NUMBER: Record<Role, number> = { admin: 1, user: 2, none: 3 };
const routeNumbers = new Map<string, number>();
const ipOf = (role: Role, routeKey: string) => {
  if (!routeNumbers.has(routeKey)) routeNumbers.set(routeKey, routeNumbers.size + 1);
  return `10.${routeNumbers.get(routeKey)! % 250}.${Math.floor(routeNumbers.get(routeKey)! / 250)}.${ROLE_NUMBER[role]}`;
};
/** Hostile values tried per field (rotating through the list so that every value meets some field). */
const PER_FIELD = 10;

type Answered = (what: string, status: number, text: string) => void;

interface Call {
  method: string;
  path: string;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
  query?: string;
}

describeEachDialect("hostile input on every JSON route", (dialect) => {
  let t: Tenants;
  let v: Victims;
  let snap: Snapshotter;
  const violations: Violation[] = [];
  const accepted: string[] = [];

  async function login(username: string): Promise<string> {
    const res = await t.w.p.request("/api/login", { method: "POST", json: { login: username, password: "correct-horse-9" } });
    return (await body(res)).data.token;
  }

  beforeAll(async () => {
    t = await tenants(dialect);
    t.w.p.answerTxt(async () => [["nothing-here"]]);
    const p = t.w.p;
    const victim = await signUp(p);
    const spare = await addService(t.w, { rate: "1000" });
    const now = dbNow(t.w.clock);
    const provider = await p.services.db
      .insertInto("api_providers")
      .values({ name: "Spare", url: "http://127.0.0.1:9/api/v2", api_key: "k", created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    const category = await p.services.db
      .insertInto("categories")
      .values({ name: "Spare", slug: "spare-fuzz", created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    await fund(p, victim.user.id, "1000");
    // A user with an own price the admin may remove, and a payment method nothing uses that the admin may delete.
    const priceUser = await signUp(p);
    await p.request(`/api/admin/users/${priceUser.user.id}/prices`, { method: "PUT", token: t.admin.token, json: { service_id: spare.id, rate: "700" } });
    const victimMethod = await p.request("/api/admin/finance/payment-methods", {
      method: "POST",
      token: t.admin.token,
      json: { code: "fuzz_victim", name: "Victim" },
    });
    const key = async (token: string) =>
      (
        await body(
          await p.request("/api/user/api-keys", { method: "POST", token, json: { name: "fuzz", permissions: [...PERMISSIONS], rate_limit_per_minute: 600 } }),
        )
      ).data;
    await notify(p.ctx(), t.p1.user.id, { type: "test", title: "to delete" });
    const note = await p.services.db
      .selectFrom("notifications")
      .select("id")
      .where("user_id", "=", t.p1.user.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const ticket = await p.request("/api/tickets", { method: "POST", token: t.p1.token, json: { subject: "To close", message: "Bonjour" } });
    const adminRow = await p.services.db.selectFrom("users").select("username").where("id", "=", t.admin.user.id).executeTakeFirstOrThrow();
    const savedReply = async (title: string) =>
      (await body(await p.request("/api/admin/support/saved-replies", { method: "POST", token: t.admin.token, json: { title, body: "Bonjour" } }))).data
        .id as number;
    // Site A's own gateway accounts, pointed at a closed loopback port (a test call never leaves the machine).
    const gatewayAccountOfA = async (name: string) => {
      const made = await p.request(`/api/white-label/sites/${t.A.uuid}/gateway-accounts`, {
        method: "POST",
        token: t.A.owner.token,
        json: { kind: "cinetpay", name, currency: "XOF", is_active: false, credentials: { apikey: "victim-key", site_id: "1", secret_key: "victim-secret" } },
      });
      const id = (await body(made)).data.id as number;
      await p.services.db.updateTable("gateway_accounts").set({ api_base: "http://127.0.0.1:9" }).where("id", "=", id).execute();
      return id;
    };
    const sessionsOwner = await signUp(p);
    await p.request("/api/login", { method: "POST", json: { login: sessionsOwner.user.email, password: sessionsOwner.password } });
    const ownSessions = (await body(await p.request("/api/user/sessions", { token: sessionsOwner.token }))).data as { id: string; current: boolean }[];
    v = {
      serviceId: spare.id,
      categoryId: Number(category.insertId),
      providerId: Number(provider.insertId),
      siteId: (await resellerSite(p, "100000")).tenant.siteId,
      userId: victim.user.id,
      banUserId: (await signUp(p)).user.id,
      deleteUserId: (await signUp(p)).user.id,
      priceUserId: priceUser.user.id,
      deleteMethodId: (await body(victimMethod)).data.id,
      keyId: (await key(t.p1.token)).id,
      notificationId: note.id,
      logoutTokens: { admin: await login(adminRow.username), user: await login(t.p1.user.username) },
      sessions: { token: sessionsOwner.token, otherId: ownSessions.find((s) => !s.current)!.id, endAllToken: (await signUp(p)).token },
      v1Keys: { admin: (await key(t.admin.token)).key, user: (await key(t.p1.token)).key },
      methodId: (await activeMethod(p, t.A.owner)).id,
      ticket: (await body(ticket)).data.uuid,
      customerId: (await customerOf(p, t.A.owner, "1000")).id,
      savedReplies: { edit: await savedReply("To edit"), remove: await savedReply("To delete") },
      gatewayAccounts: { edit: await gatewayAccountOfA("To edit"), remove: await gatewayAccountOfA("To remove") },
    };
    snap = await snapshotter(p.services.db);
  });

  afterAll(async () => {
    if (process.env.ROBUST_VERBOSE) console.log(`accepted hostile requests (${accepted.length}):\n${accepted.join("\n")}`);
    await t?.close();
  });

  /** The bearer token, API key or v2 key a role uses on a route. */
  function credentials(key: string, spec: RouteSpec, role: Role): { headers: Record<string, string>; v2key?: string } {
    if (role === "none") return { headers: {} };
    if (spec.api === "v1") return { headers: { "x-api-key": v.v1Keys[role] } };
    if (spec.api === "v2") {
      if (spec.host) return { headers: {}, v2key: role === "user" ? t.B.key : v.v1Keys.admin };
      return { headers: {}, v2key: role === "user" ? t.p1.key.raw : v.v1Keys.admin };
    }
    if (key === "POST /api/logout") return { headers: { authorization: `Bearer ${v.logoutTokens[role]}` } };
    // Ending sessions would log out the users every other route relies on.
    if (key === "DELETE /api/user/sessions") return { headers: { authorization: `Bearer ${v.sessions.endAllToken}` } };
    if (key === "DELETE /api/user/sessions/:id" && role === "user") return { headers: { authorization: `Bearer ${v.sessions.token}` } };
    const token = role === "admin" ? t.admin.token : spec.owner === "reseller" ? t.A.owner.token : t.p1.token;
    return { headers: { authorization: `Bearer ${token}` } };
  }

  function ownerRole(spec: RouteSpec): Role {
    return spec.owner === "public" ? "none" : spec.owner === "admin" ? "admin" : "user";
  }

  function concretePath(path: string, params: Record<string, string>): string {
    return path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_m, name: string) => {
      if (!(name in params)) throw new Error(`no value for :${name} in ${path}`);
      return params[name]!;
    });
  }

  function bodyWith(base: Record<string, unknown>, field: string, hostile: string): string {
    return `{${Object.entries(base)
      .map(([k, value]) => `${JSON.stringify(k)}:${k === field ? hostile : JSON.stringify(value)}`)
      .join(",")}}`;
  }

  /** Sends one call and records what breaks the promise: a 5xx, a body off the envelope, or data changed by a refusal. */
  async function attempt(
    routeKey: string,
    spec: RouteSpec,
    role: Role,
    what: string,
    call: Call,
    state: { baseline: Record<string, number>; accepted: boolean },
    onAnswer?: Answered,
  ) {
    const host = spec.host?.(t) ?? "izyboost.test";
    const headers = new Headers(call.headers);
    headers.set("host", host);
    if (call.body !== undefined) headers.set("content-type", call.type ?? "application/json");
    const url = `http://${host}${call.path}${call.query ? `?${call.query}` : ""}`;
    let status: number;
    let text: string;
    try {
      const res = await t.w.p.app.request(url, { method: call.method, headers, body: call.body }, { clientIp: ipOf(role, routeKey) });
      status = res.status;
      text = await res.text();
    } catch (err) {
      violations.push({ route: routeKey, role, what, problem: `threw ${String(err).slice(0, 200)}` });
      return;
    }
    onAnswer?.(what, status, text);
    if (process.env.ROBUST_VERBOSE && what === "the valid body" && status >= 400)
      console.log(`refused valid body: ${routeKey} → ${status} ${text.slice(0, 200)}`);
    const problem = responseProblem(status, text, spec.api === "v2" ? "v2" : "envelope");
    if (problem) violations.push({ route: routeKey, role, what, problem });
    const refused = spec.api === "v2" ? /^\{"error"/.test(text) || status >= 400 : status >= 400;
    if (!refused) {
      accepted.push(`${routeKey} [${role}] ${what} → ${status}`);
      state.accepted = true;
      await settleDispatchKicks(t.w.p.services);
      state.baseline = await snap.counts();
      return;
    }
    const now = await snap.counts();
    const changes = countChanges(state.baseline, now, spec.api ? ["api_logs"] : []);
    if (changes.length) {
      violations.push({ route: routeKey, role, what, problem: `refused (${status}) but changed ${changes.join(", ")}` });
      state.baseline = now;
    }
  }

  /** Runs `calls` for one route and role; if every one was refused, the content of every table is unchanged too. */
  async function batch(routeKey: string, spec: RouteSpec, role: Role, calls: { what: string; call: Call }[], onAnswer?: Answered) {
    const ignore = spec.api ? ["api_logs"] : [];
    const before = await snap.digest(ignore);
    const state = { baseline: await snap.counts(), accepted: false };
    for (const { what, call } of calls) await attempt(routeKey, spec, role, what, call, state, onAnswer);
    if (!state.accepted) {
      const changed = changedTables(before, await snap.digest(ignore));
      if (changed.length)
        violations.push({ route: routeKey, role, what: `${calls.length} refused calls`, problem: `changed the content of ${changed.join(", ")}` });
    }
  }

  function routesWithSpecs() {
    const seen = new Set<string>();
    const out: { key: string; method: string; path: string; spec: RouteSpec }[] = [];
    for (const r of t.w.p.app.routes) {
      if (r.method === "ALL" || !/^\/api(\/|$)/.test(r.path)) continue;
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, method: r.method, path: r.path, spec: SPECS[key]! });
    }
    return out;
  }

  function baseBody(spec: RouteSpec, role: Role): Record<string, unknown> | undefined {
    if (!spec.body) return undefined;
    const b = typeof spec.body === "function" ? spec.body(t, v) : { ...spec.body };
    if (spec.api === "v2") b.key = credentials("", spec, role).v2key ?? "";
    return b;
  }

  it("every JSON route of the app has a fuzz spec (a new route must say how to attack it)", () => {
    const missing = routesWithSpecs()
      .filter((r) => !r.spec)
      .map((r) => r.key);
    expect(missing).toEqual([]);
    expect(Object.keys(SPECS).filter((k) => !routesWithSpecs().some((r) => r.key === k))).toEqual([]);
  });

  it("hostile bodies get a 4xx envelope (422 with details), never a 5xx, and change nothing", async () => {
    violations.length = 0;
    const baseAnswers: string[] = [];
    for (const { key, method, path, spec } of routesWithSpecs()) {
      if (!spec || method === "GET") continue;
      const owner = ownerRole(spec);
      for (const role of ["admin", "user", "none"] as Role[]) {
        const { headers } = credentials(key, spec, role);
        const target = concretePath(path, spec.params?.(t, v) ?? {});
        const base = baseBody(spec, role) ?? {};
        const calls: { what: string; call: Call }[] = [];
        const send = (what: string, body: string | undefined, type?: string, extra: Record<string, string> = {}) =>
          calls.push({ what, call: { method, path: target, body, type, headers: { ...headers, ...extra } } });
        const wholeBodies = hostileBodies(base);
        if (role !== owner) {
          // Refused before the body is read: a few samples are enough.
          for (const b of wholeBodies.slice(0, 3)) send(b.label, b.body, b.type);
          send("first field 1e308", bodyWith(base, Object.keys(base)[0] ?? "", "1e308"));
          await batch(key, spec, role, calls);
          continue;
        }
        send("the valid body", JSON.stringify(base));
        if (!spec.skipEmpty) send("empty body", "");
        for (const b of wholeBodies) send(b.label, b.body, b.type);
        const fields = Object.keys(base);
        for (const value of HOSTILE_VALUES) {
          if (fields.length) send(`every field = ${value.slice(0, 40)}`, `{${fields.map((f) => `${JSON.stringify(f)}:${value}`).join(",")}}`);
        }
        fields.forEach((field, i) => {
          for (let j = 0; j < PER_FIELD; j++) {
            const value = HOSTILE_VALUES[(i * PER_FIELD + j) % HOSTILE_VALUES.length]!;
            send(`${field} = ${value.slice(0, 40)}`, bodyWith(base, field, value));
          }
        });
        for (const wrong of spec.extra?.(t, v) ?? []) send(`route-specific ${JSON.stringify(wrong).slice(0, 60)}`, JSON.stringify({ ...base, ...wrong }));
        // Inside nested objects and lists of objects too.
        fields.forEach((field, i) => {
          const value = base[field];
          const inner = Array.isArray(value) ? value[0] : value;
          if (!inner || typeof inner !== "object" || Array.isArray(inner)) return;
          Object.keys(inner).forEach((sub, k) => {
            const hostile = HOSTILE_VALUES[(i + k * 5) % HOSTILE_VALUES.length]!;
            const nested = bodyWith(inner as Record<string, unknown>, sub, hostile);
            send(`${field}.${sub} = ${hostile.slice(0, 40)}`, bodyWith(base, field, Array.isArray(value) ? `[${nested}]` : nested));
          });
        });
        if (spec.idempotent) {
          send("Idempotency-Key of 300 characters", JSON.stringify(base), undefined, { "idempotency-key": "k".repeat(300) });
          send("Idempotency-Key with a space", JSON.stringify(base), undefined, { "idempotency-key": "bad key" });
        }
        await batch(key, spec, role, calls, (what, status, text) => {
          // The valid body must pass (else every mutation of it proves little), unless the spec says why not.
          if (what === "the valid body" && status < 400 === Boolean(spec.baseRefused))
            baseAnswers.push(`${key}: the valid body → ${status} ${text.slice(0, 160)}`);
        });
      }
    }
    expect(baseAnswers).toEqual([]);
    await settleDispatchKicks(t.w.p.services);
    expect(await ledgerViolations(t.w.p.ctx())).toEqual([]);
    expect(violations.map((x) => `${x.route} [${x.role}] ${x.what}: ${x.problem}`)).toEqual([]);
  }, 300_000);

  it("hostile query strings get a 4xx envelope or are ignored, never a 5xx, and change nothing", async () => {
    violations.length = 0;
    for (const { key, method, path, spec } of routesWithSpecs()) {
      if (!spec || method !== "GET") continue;
      const owner = ownerRole(spec);
      for (const role of ["admin", "user", "none"] as Role[]) {
        const { headers, v2key } = credentials(key, spec, role);
        const target = concretePath(path, spec.params?.(t, v) ?? {});
        const base = spec.api === "v2" ? `key=${encodeURIComponent(v2key ?? "")}&action=status` : "";
        const calls: { what: string; call: Call }[] = [];
        const send = (what: string, query: string) =>
          calls.push({ what, call: { method, path: target, headers, query: [base, query].filter(Boolean).join("&") } });
        const fields = [...new Set([...(spec.query ?? []), "page", "per_page"])];
        if (role !== owner) {
          send("page=-1", "page=-1");
          send("every field = 1e308", fields.map((f) => `${f}=1e308`).join("&"));
          await batch(key, spec, role, calls);
          continue;
        }
        send("unknown and repeated parameters", "foo=bar&__proto__=x&constructor=1&page=1&page=2&per_page[]=3&status[]=x");
        for (const value of HOSTILE_QUERY) send(`every field = ${value.slice(0, 30)}`, fields.map((f) => `${f}=${value}`).join("&"));
        fields.forEach((field, i) => {
          for (let j = 0; j < 6; j++) {
            const value = HOSTILE_QUERY[(i * 6 + j) % HOSTILE_QUERY.length]!;
            send(`${field} = ${value.slice(0, 30)}`, `${field}=${value}`);
          }
        });
        await batch(key, spec, role, calls);
      }
    }
    expect(violations.map((x) => `${x.route} [${x.role}] ${x.what}: ${x.problem}`)).toEqual([]);
  }, 300_000);

  it("path ids that are no id or uuid of anything answer 404, never a 5xx, and change nothing", async () => {
    violations.length = 0;
    const not404: string[] = [];
    for (const { key, method, path, spec } of routesWithSpecs()) {
      if (!spec || !path.includes(":")) continue;
      const role = ownerRole(spec);
      const { headers } = credentials(key, spec, role);
      const params = spec.params?.(t, v) ?? {};
      const base = baseBody(spec, role);
      const calls: { what: string; call: Call }[] = [];
      for (const name of Object.keys(params)) {
        for (const hostile of HOSTILE_PARAMS) {
          calls.push({
            what: `:${name} = ${hostile.slice(0, 30)}`,
            call: { method, path: concretePath(path, { ...params, [name]: hostile }), headers, body: base && JSON.stringify(base) },
          });
        }
      }
      await batch(key, spec, role, calls, (what, status, text) => {
        if (status !== 404) not404.push(`${key} ${what} → ${status} ${text.slice(0, 120)}`);
      });
    }
    expect(violations.map((x) => `${x.route} [${x.role}] ${x.what}: ${x.problem}`).concat(not404)).toEqual([]);
  }, 300_000);

  it("web pages answer hostile path segments and query strings without a 5xx, on the platform and on a site", async () => {
    const pages = [...new Set(t.w.p.app.routes.filter((r) => r.method === "GET" && !/^\/api(\/|$)/.test(r.path) && r.path !== "/*").map((r) => r.path))];
    const wrong: string[] = [];
    const who = [
      { host: "izyboost.test", headers: { authorization: `Bearer ${t.p1.token}` } },
      { host: t.A.host, headers: { cookie: t.A.customer.jar.header() } },
      { host: t.B.host, headers: {} },
    ];
    for (const path of pages) {
      const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      const paths = names.length ? HOSTILE_PARAMS.map((h) => path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, h)) : [path];
      for (const concrete of paths) {
        for (const query of [
          "",
          "page=-1&per_page=1e308&category=%00&search=%ZZ&service=__proto__&flash=x&next=//evil.example",
          HOSTILE_QUERY.map((q, i) => `q${i}=${q}`).join("&"),
        ]) {
          for (const { host, headers } of who) {
            const res = await t.w.p.app.request(`http://${host}${concrete}${query ? `?${query}` : ""}`, { headers: { host, ...headers } });
            if (res.status >= 500) wrong.push(`${host} ${concrete.slice(0, 80)}?${query.slice(0, 40)} → ${res.status}`);
            await res.arrayBuffer();
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("hostile headers (Host, Authorization, X-API-Key, cookies, languages) never cause a 5xx, and API refusals keep the envelope", async () => {
    const wrong: string[] = [];
    const long = "x".repeat(8000);
    const variants: Record<string, string>[] = [
      { host: "IZYBOOST.TEST." },
      { host: "izyboost.test:99999" },
      { host: "évil.test" },
      { host: "a..b" },
      { host: "[::1]:8000" },
      { host: `${long}.test` },
      { host: `${t.A.host.toUpperCase()}.` },
      { authorization: `Bearer ${long}` },
      { authorization: "Bearer" },
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: `Bearer ${t.p1.token}x` },
      { "x-api-key": long },
      { "x-api-key": "sk_" },
      { "x-api-key": `${v.v1Keys.user} ` },
      { cookie: `izy_session=${long}; izy_csrf=${long}; lang=xx` },
      { cookie: "izy_session=%ZZ; ;;=;" },
      { "accept-language": `${long},*;q=x` },
      { "accept-language": "zz-ZZ;q=1e308" },
      { "x-forwarded-for": "not-an-ip, ::ffff:999.1.1.1" },
      { "x-forwarded-host": "evil.example" },
      { "x-forwarded-proto": "gopher" },
      { "x-request-id": long },
      { "content-type": "application/json; charset=utf-7" },
      { "idempotency-key": long },
    ];
    const targets: { method: string; path: string; body?: string }[] = [
      { method: "GET", path: "/api/me" },
      { method: "GET", path: "/api/services?per_page=1" },
      { method: "GET", path: "/api/v1/balance" },
      { method: "POST", path: "/api/tickets", body: "{}" },
      { method: "POST", path: "/api/v2", body: "key=x&action=balance" },
      { method: "GET", path: "/" },
      { method: "GET", path: "/account" },
    ];
    for (const headers of variants) {
      for (const target of targets) {
        const host = headers.host ?? "izyboost.test";
        const res = await t.w.p.app.request(
          `http://izyboost.test${target.path}`,
          { method: target.method, headers: { host, ...headers }, body: target.body },
          { clientIp: "198.51.100.99" },
        );
        const text = await res.text();
        const protocol = target.path === "/api/v2" ? "v2" : "envelope";
        const problem =
          target.path.startsWith("/api/") && res.headers.get("content-type")?.includes("json")
            ? responseProblem(res.status, text, protocol)
            : res.status >= 500
              ? `status ${res.status}`
              : null;
        if (problem) wrong.push(`${target.method} ${target.path} with ${Object.keys(headers)[0]}=${Object.values(headers)[0]!.slice(0, 30)}: ${problem}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
