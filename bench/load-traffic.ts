// The kinds of request of the load test, each one autocannon instance, all running at the same time
// through Caddy over HTTPS, each spreading its requests over every seeded site (Host per request).
import autocannon from "autocannon";
import type { Seed } from "./load-seed.ts";
import { PLATFORM_HOST } from "./load-stack.ts";

export interface KindResult {
  kind: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Requests sent whose answer was not read when the phase ended (the server may still have done them). */
  unanswered: number;
  /** 2xx answers that are a refusal (the v2 protocol answers `{"error": …}` with 200). */
  refused: number;
  /** The first few refusals, to tell what went wrong. */
  samples: string[];
}

interface Kind {
  kind: string;
  method: "GET" | "POST";
  /** The request for the nth call: which site and what it sends. */
  request(n: number): { host: string; path: string; body?: string; token?: string };
  /** The host whose name the connections send as SNI (one per kind: autocannon sets it per instance). */
  sni: string;
  /** Whether a 2xx body is the answer expected (v2 refusals come with 200). */
  accept?(body: string, host: string): boolean;
}

const form = (fields: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

/** The four kinds over the seeded sites; `placed` collects every order the load placed ("host#number"). */
export function kindsOf(seed: Seed, placed: string[]): Kind[] {
  const sites = seed.sites;
  const site = (n: number) => sites[n % sites.length]!;
  /** A v2 call on the n-th site with its customer's key: the protocol's form body. */
  const v2 = (n: number, fields: (s: (typeof sites)[number]) => Record<string, string | number>) => {
    const s = site(n);
    return { host: s.host, path: "/api/v2", body: form({ key: s.key, ...fields(s) }) };
  };
  const answered = (field: string) => (body: string) => {
    try {
      return JSON.parse(body)?.[field] !== undefined;
    } catch {
      return false;
    }
  };
  return [
    { kind: "storefront page GET /services", sni: site(0).host, method: "GET", request: (n) => ({ host: site(n).host, path: "/services" }) },
    {
      // The platform's JSON catalogue as signed-in users see it (their own prices: not the anonymous cached copy).
      kind: "catalogue GET /api/services",
      sni: PLATFORM_HOST,
      method: "GET",
      request: (n) => ({ host: PLATFORM_HOST, path: `/api/services?per_page=100&page=${1 + (n % 3)}`, token: seed.ownerTokens[n % seed.ownerTokens.length] }),
    },
    {
      kind: "order v2 add",
      sni: site(1).host,
      method: "POST",
      request: (n) => v2(n, () => ({ action: "add", service: seed.serviceId, link: `https://instagram.com/load${n}`, quantity: seed.quantity })),
      accept(body, host) {
        try {
          const order = JSON.parse(body)?.order;
          if (typeof order !== "number" && typeof order !== "string") return false;
          placed.push(`${host}#${order}`);
          return true;
        } catch {
          return false;
        }
      },
    },
    {
      kind: "status v2 status",
      sni: site(2).host,
      method: "POST",
      request: (n) => v2(n, (s) => ({ action: "status", order: s.orders[Math.floor(n / sites.length) % s.orders.length]! })),
      accept: answered("status"),
    },
  ];
}

/** Runs one kind with `connections` for `seconds` against `url`, every connection sending SNI `servername`. */
export async function runKind(k: Kind, o: { url: string; connections: number; seconds: number }): Promise<KindResult> {
  let n = 0;
  let refused = 0;
  const samples: string[] = [];
  const result = await autocannon({
    url: o.url,
    servername: k.sni,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        setupRequest: (req, context) => {
          const r = k.request(n++);
          (context as { host?: string }).host = r.host;
          const headers: Record<string, string> = { host: r.host, "user-agent": "izyboost-load" };
          if (r.body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
          if (r.token) headers.authorization = `Bearer ${r.token}`;
          return { ...req, method: k.method, path: r.path, headers, body: r.body };
        },
        onResponse: (status, body, context) => {
          if (status < 200 || status > 299 || !k.accept) return;
          if (k.accept(body, (context as { host?: string }).host ?? "")) return;
          refused++;
          if (samples.length < 3) samples.push(body.slice(0, 200));
        },
      },
    ],
  });
  return {
    kind: k.kind,
    requests: result["2xx"] + result.non2xx,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    unanswered: Math.max(0, result.requests.sent - result["2xx"] - result.non2xx - result.errors),
    refused,
    samples,
  };
}

/** A plain GET load (the bare Hono hello-world). */
export async function runPlain(kind: string, o: { url: string; connections: number; seconds: number; servername?: string }): Promise<KindResult> {
  const r = await autocannon({ url: o.url, connections: o.connections, duration: o.seconds, ...(o.servername ? { servername: o.servername } : {}) });
  return {
    kind,
    requests: r["2xx"] + r.non2xx,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    unanswered: 0,
    refused: 0,
    samples: [],
  };
}
