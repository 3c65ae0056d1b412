import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { appSlot } from "../context.ts";
import { addressList } from "../lib/ip.ts";

/**
 * The provider API's transport: a form POST over kept-alive connections, answered as text. A
 * dispatch run calls the same provider many times in a row; node:http costs a third of the CPU of
 * fetch per call, and tells exactly whether a request can have reached the provider.
 */

// Idle connections are closed after 4 s (or just before the server's keep-alive hint), so that a
// request is rarely written to a connection the provider is closing.
const agentOptions = { keepAlive: true, maxSockets: 64, timeout: 4_000 };
// Separate pools, so that a connection opened to a private address where allowed is never lent to a call that forbids it.
const pools = (): Record<string, http.Agent> => ({ "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) });
const MAX_REDIRECTS = 3;

/** Loopback, private, link-local, CGNAT and unspecified ranges: never a provider unless allowed. */
const PRIVATE_RANGES = addressList([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "::/128",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
]);

interface ExchangeOptions {
  timeoutMs: number;
  /** The answer's size cap: reading stops beyond it. */
  maxBytes: number;
  /** Loopback and private addresses are refused unless this is set (PROVIDER_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  connections: ProviderConnections;
}

/** One app's kept-alive connection pools and the lookup they resolve names with. */
interface ProviderConnections {
  agents: { public: Record<string, http.Agent>; private: Record<string, http.Agent> };
  publicLookup: LookupFunction;
}

/** Made on the app's first provider call; its idle connections end when the app closes. */
export const PROVIDER_CONNECTIONS = appSlot(
  "provider connections",
  ({ dns }): ProviderConnections => ({ agents: { public: pools(), private: pools() }, publicLookup: publicLookup(dns.lookup) }),
  ({ agents }) => {
    for (const agent of [...Object.values(agents.public), ...Object.values(agents.private)]) agent.destroy();
  },
);

function privateAddressError(address: string): Error {
  return Object.assign(new Error(`The provider's address ${address} is private or loopback; set PROVIDER_ALLOW_PRIVATE_URLS=true to allow it`), {
    code: "ERR_PRIVATE_ADDRESS",
  });
}

/** The app's dns lookup, refusing private answers, so a name cannot point the key at an internal host. */
function publicLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (err) return callback(err, address, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = all.find((a) => PRIVATE_RANGES.has(a));
      if (bad) return callback(privateAddressError(bad), address, family);
      callback(null, address, family);
    });
  };
}

/** One exchange that did not end with a whole answer. */
export class ExchangeError extends Error {
  readonly code: string | undefined;
  /**
   * False only when no connection ever carried the request (refused, unreachable, TLS failed, no
   * free connection in time, invalid URL): then the provider cannot have acted on it.
   */
  readonly mayHaveArrived: boolean;
  readonly timedOut: boolean;
  constructor(message: string, opts: { code?: string; mayHaveArrived: boolean; timedOut?: boolean; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ExchangeError";
    this.code = opts.code;
    this.mayHaveArrived = opts.mayHaveArrived;
    this.timedOut = opts.timedOut ?? false;
  }
}

interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs a urlencoded form; the whole answer, whatever its status. A 307/308 to the same origin is
 * followed with the same body (it says the request was not processed); any other redirect is
 * handed back as it is, never followed: the form carries the key.
 */
export async function postForm(url: string, form: string, opts: ExchangeOptions): Promise<Answer> {
  const deadline = performance.now() + opts.timeoutMs;
  let target = url;
  for (let hop = 0; ; hop++) {
    const answer = await exchange(target, form, { ...opts, timeoutMs: Math.max(1, deadline - performance.now()) });
    if ((answer.status !== 307 && answer.status !== 308) || !answer.location || hop >= MAX_REDIRECTS) return answer;
    const next = new URL(answer.location, target);
    if (next.origin !== new URL(target).origin) return answer;
    target = next.href;
  }
}

function exchange(target: string, form: string, opts: ExchangeOptions): Promise<Answer & { location?: string }> {
  const { timeoutMs, maxBytes } = opts;
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch (err) {
      return reject(new ExchangeError("Invalid provider URL", { code: "ERR_INVALID_URL", mayHaveArrived: false, cause: err }));
    }
    const agent = opts.connections.agents[opts.allowPrivate ? "private" : "public"][url.protocol];
    if (!agent) return reject(new ExchangeError("Invalid provider URL", { code: "ERR_INVALID_URL", mayHaveArrived: false }));
    // An address in the URL itself is never looked up: checked here.
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (!opts.allowPrivate && isIP(literal) && PRIVATE_RANGES.has(literal)) {
      return reject(new ExchangeError(privateAddressError(literal).message, { code: "ERR_PRIVATE_ADDRESS", mayHaveArrived: false }));
    }

    let arrived = false;
    let settled = false;
    const fail = (err: unknown, timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      const code = (err as { code?: unknown } | null)?.code;
      reject(
        new ExchangeError(err instanceof Error ? err.message : String(err), {
          code: typeof code === "string" ? code : undefined,
          mayHaveArrived: arrived,
          timedOut,
          cause: err,
        }),
      );
    };
    const timer = setTimeout(() => fail(new Error(`No answer within ${timeoutMs} ms`), true), timeoutMs);
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "POST",
        agent,
        ...(opts.allowPrivate ? {} : { lookup: opts.connections.publicLookup }),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "user-agent": "node",
          "content-length": Buffer.byteLength(form),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = () => fail(Object.assign(new Error(`The answer is larger than ${maxBytes} bytes; reading stopped`), { code: "ERR_ANSWER_TOO_LARGE" }));
        if (Number(res.headers["content-length"] ?? 0) > maxBytes) return tooLarge();
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return tooLarge();
          chunks.push(chunk);
        });
        res.on("error", (err) => fail(err));
        res.on("end", () => {
          if (settled) return;
          if (!res.complete) return fail(Object.assign(new Error("The answer was cut short"), { code: "ECONNRESET" }));
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), location: res.headers.location });
        });
      },
    );
    // A kept-alive connection is already open: the request may arrive at once. A new one carries
    // nothing until it is connected (and, for https, its handshake done).
    req.on("socket", (socket) => {
      if (req.reusedSocket || (url.protocol === "http:" && !socket.connecting)) arrived = true;
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => (arrived = true));
    });
    req.on("error", (err) => fail(err));
    req.end(form);
  });
}
