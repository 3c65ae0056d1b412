import http from "node:http";
import https from "node:https";

/**
 * The provider API's transport: a form POST over kept-alive connections, answered as text. A
 * dispatch run calls the same provider many times in a row; node:http costs a third of the CPU of
 * fetch per call, and tells exactly whether a request can have reached the provider.
 */

// Idle connections are closed after 4 s (or just before the server's keep-alive hint), so that a
// request is rarely written to a connection the provider is closing.
const agentOptions = { keepAlive: true, maxSockets: 64, timeout: 4_000 };
const agents: Record<string, http.Agent> = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
const MAX_REDIRECTS = 3;

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

export interface Answer {
  status: number;
  text: string;
}

/** POSTs a urlencoded form; the whole answer, whatever its status. 307/308 are followed with the same body. */
export async function postForm(url: string, form: string, timeoutMs: number): Promise<Answer> {
  const deadline = performance.now() + timeoutMs;
  let target = url;
  for (let hop = 0; ; hop++) {
    const answer = await exchange(target, form, Math.max(1, deadline - performance.now()));
    if ((answer.status !== 307 && answer.status !== 308) || !answer.location || hop >= MAX_REDIRECTS) return answer;
    target = new URL(answer.location, target).href;
  }
}

function exchange(target: string, form: string, timeoutMs: number): Promise<Answer & { location?: string }> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch (err) {
      return reject(new ExchangeError("Invalid provider URL", { code: "ERR_INVALID_URL", mayHaveArrived: false, cause: err }));
    }
    const agent = agents[url.protocol];
    if (!agent) return reject(new ExchangeError("Invalid provider URL", { code: "ERR_INVALID_URL", mayHaveArrived: false }));

    let arrived = false;
    let settled = false;
    const fail = (err: unknown, timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      const code = (err as { code?: unknown } | null)?.code;
      reject(new ExchangeError(err instanceof Error ? err.message : String(err), { code: typeof code === "string" ? code : undefined, mayHaveArrived: arrived, timedOut, cause: err }));
    };
    const timer = setTimeout(() => fail(new Error(`No answer within ${timeoutMs} ms`), true), timeoutMs);
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", "user-agent": "node", "content-length": Buffer.byteLength(form) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
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
