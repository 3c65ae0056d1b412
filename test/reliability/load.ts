import { httpRequest } from "./http.ts";
import { PLATFORM_HOST, type Instance } from "./fleet.ts";
import { sleep } from "./processes.ts";
import type { Client } from "./world.ts";

/** An order a client was told about (a 2xx), under its Idempotency-Key. */
export interface PlacedOrder {
  key: string;
  link: string;
  uuid: string;
}

export interface LoadResult {
  placed: PlacedOrder[];
  /** Keys a client gave up on (its deadline passed without a 2xx or a refusal). */
  unresolved: { key: string; link: string; last: string }[];
  /** 4xx refusals other than 409 in flight: none is expected (the clients have money, the input is valid). */
  refused: { key: string; status: number; body: string }[];
  replayed: number;
  status503: number;
  status5xx: number;
  connectionErrors: number;
  conflicts409: number;
  polls: number;
  pollFailures: number;
}

export interface LoadRun {
  result: LoadResult;
  /** Lets every client finish the key it is on (retrying until it resolves or its deadline), then stops. */
  stop(): Promise<LoadResult>;
  /** Resolves once `n` orders more than now were placed. */
  placedAtLeast(n: number, timeoutMs?: number): Promise<void>;
}

/** The link of a key's order: unique per key, so the provider's orders and ours can be matched by it. */
export const linkOf = (key: string) => `https://instagram.com/reliability/${key}`;

/**
 * Clients placing orders over HTTP as real ones do: each order under its own Idempotency-Key, the same
 * key retried on connection errors, 5xx and 409 (in flight) against whichever instance is next, and an
 * occasional status poll. `instances` is read at every attempt, so killed and restarted instances are
 * met as a client would meet them.
 */
export function startLoad(opts: {
  scenario: string;
  instances: () => Instance[];
  clients: Client[];
  serviceId: number;
  quantity: number;
  /** Pause between one client's orders. */
  pauseMs: number;
  /** How long a client keeps retrying one key. */
  keyDeadlineMs: number;
}): LoadRun {
  const result: LoadResult = {
    placed: [],
    unresolved: [],
    refused: [],
    replayed: 0,
    status503: 0,
    status5xx: 0,
    connectionErrors: 0,
    conflicts409: 0,
    polls: 0,
    pollFailures: 0,
  };
  let stopping = false;
  let turn = 0;
  const pick = () => {
    const all = opts.instances();
    return all[turn++ % all.length]!;
  };

  async function placeOne(client: Client, key: string): Promise<void> {
    const link = linkOf(key);
    const deadline = Date.now() + opts.keyDeadlineMs;
    let last = "not tried";
    while (Date.now() < deadline) {
      const instance = pick();
      try {
        const res = await httpRequest(`${instance.url}/api/user/orders`, {
          method: "POST",
          host: PLATFORM_HOST,
          headers: { authorization: `Bearer ${client.token}`, "idempotency-key": key },
          json: { service_id: opts.serviceId, link, quantity: opts.quantity },
          timeoutMs: 10_000,
        });
        last = `${res.status} ${res.text.slice(0, 120)}`;
        if (res.status >= 200 && res.status < 300) {
          if (res.headers["idempotent-replayed"] === "true") result.replayed++;
          result.placed.push({ key, link, uuid: (JSON.parse(res.text) as { data: { uuid: string } }).data.uuid });
          return;
        }
        if (res.status === 503) {
          result.status503++;
          await sleep(400);
        } else if (res.status >= 500) {
          result.status5xx++;
          await sleep(300);
        } else if (res.status === 409) {
          result.conflicts409++;
          await sleep(500);
        } else {
          result.refused.push({ key, status: res.status, body: res.text.slice(0, 300) });
          return;
        }
      } catch (err) {
        result.connectionErrors++;
        last = String(err);
        await sleep(200);
      }
    }
    result.unresolved.push({ key, link, last });
  }

  async function poll(client: Client, uuid: string): Promise<void> {
    result.polls++;
    try {
      const res = await httpRequest(`${pick().url}/api/user/orders/${uuid}`, {
        host: PLATFORM_HOST,
        headers: { authorization: `Bearer ${client.token}` },
        timeoutMs: 5_000,
      });
      if (res.status !== 200) result.pollFailures++;
    } catch {
      result.pollFailures++;
    }
  }

  const loops = opts.clients.map(async (client, i) => {
    for (let n = 0; !stopping; n++) {
      await placeOne(client, `${opts.scenario}-c${i}-${n}`);
      const mine = result.placed.at(-1);
      if (n % 3 === 2 && mine) await poll(client, mine.uuid);
      await sleep(opts.pauseMs);
    }
  });

  return {
    result,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return result;
    },
    async placedAtLeast(n, timeoutMs = 60_000) {
      const target = result.placed.length + n;
      const started = Date.now();
      while (result.placed.length < target) {
        if (Date.now() - started > timeoutMs) throw new Error(`${opts.scenario}: fewer than ${n} orders placed in ${timeoutMs} ms`);
        await sleep(50);
      }
    },
  };
}
