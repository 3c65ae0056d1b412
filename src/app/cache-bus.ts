import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { AppEvents } from "../context.ts";
import type { Logger } from "../lib/logger.ts";

const CHANNEL = "izy:cache:changes";
/** Counts every announcement ever published: an instance that sees it ahead of what it heard missed one. */
const COUNTER = "izy:cache:version";

type Change = { kind: "site"; siteId: number } | { kind: "catalog" };
interface Message {
  from: string;
  n: number;
  change: Change;
}

interface CacheBus {
  close(): Promise<void>;
}

/**
 * Shares page-cache invalidation between instances through Redis: each local `siteChanged` /
 * `catalogChanged` is published on a channel and the other instances raise the same event (their
 * own messages are ignored). A lost message cannot keep a stale page: every `checkEveryMs` each
 * instance reads the shared counter of announcements and, if it is ahead of what it heard, raises
 * `allChanged`. Without REDIS_URL nothing is shared (one instance).
 */
export async function startCacheBus(
  redisUrl: string | undefined,
  events: AppEvents,
  logger: Logger,
  opts: { checkEveryMs?: number } = {},
): Promise<CacheBus | null> {
  if (!redisUrl) return null;
  const me = randomUUID();
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const sub = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  // Pub/sub channels ignore Redis's database number, keys do not: the channel names the database, so
  // deployments (or test suites) on separate databases of one Redis never hear each other.
  const channel = `${CHANNEL}:${pub.options.db ?? 0}`;
  // Redis down is said once per outage (ioredis reconnects by itself); /readyz reports it meanwhile.
  let down = false;
  for (const client of [pub, sub]) {
    client.on("error", (err: Error) => {
      if (!down) logger.warn("Redis unreachable: cached pages are not shared between instances until it answers", { error: err.message });
      down = true;
    });
    client.on("ready", () => {
      down = false;
    });
  }
  // What this instance heard, from the counter read once Redis answered (null before).
  let heard: Heard | null = null;
  let subscribed = false;
  /** Subscribes and reads the counter if not done yet; true when this is the first time the counter was read. */
  const connect = async (): Promise<boolean> => {
    if (!subscribed) {
      await sub.subscribe(channel);
      subscribed = true;
    }
    if (heard) return false;
    heard = new Heard(Number((await pub.get(COUNTER)) ?? 0));
    return true;
  };
  // A start while Redis is down goes on: the periodic check connects later (an instance must start and say 503 on /readyz, not crash).
  await connect().catch(() => {});
  // Set while another instance's change is raised here, so that it is not published again.
  let applying = false;

  const raise = (fn: () => void) => {
    applying = true;
    try {
      fn();
    } finally {
      applying = false;
    }
  };

  // Announcements on their way: closing waits for them (a CLI run announces its changes, then exits).
  const sending = new Set<Promise<unknown>>();
  const publish = (change: Change) => {
    if (applying) return;
    const sent = pub
      .incr(COUNTER)
      .then((n) => {
        heard?.add(n);
        return pub.publish(channel, JSON.stringify({ from: me, n, change } satisfies Message));
      })
      .catch((err) => logger.warn("cache change not shared with other instances", { error: String(err) }))
      .finally(() => sending.delete(sent));
    sending.add(sent);
  };
  events.onSiteChanged((siteId) => publish({ kind: "site", siteId }));
  events.onCatalogChanged(() => publish({ kind: "catalog" }));

  sub.on("message", (_channel: string, text: string) => {
    const msg = parseMessage(text);
    if (!msg || msg.from === me) return;
    heard?.add(msg.n);
    const change = msg.change;
    raise(() => (change.kind === "site" ? events.siteChanged(change.siteId) : events.catalogChanged()));
  });

  const check = async () => {
    // Connected late (Redis was down): whatever changed meanwhile was not heard.
    if (!heard || !subscribed) {
      if (await connect()) {
        logger.warn("Redis answers again: every cache is dropped once");
        raise(() => events.allChanged());
      }
      return;
    }
    if (!heard.missedBy(Number((await pub.get(COUNTER)) ?? 0))) return;
    logger.warn("missed a cache change of another instance: every cache is dropped");
    raise(() => events.allChanged());
  };
  const timer = setInterval(() => {
    check().catch((err) => logger.warn("shared cache counter unreadable", { error: String(err) }));
  }, opts.checkEveryMs ?? 5_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      await Promise.allSettled([...sending]);
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}

/**
 * The announcements this instance heard, by number. A number not heard at one check may still be on
 * its way; still missing at the next check, it was lost.
 */
class Heard {
  /** Every number up to it is heard or given up on. */
  private upTo: number;
  private readonly above = new Set<number>();
  private suspectUpTo: number | null = null;

  constructor(start: number) {
    this.upTo = start;
  }

  add(n: number): void {
    if (n > this.upTo) this.above.add(n);
  }

  /** Whether an announcement counted by the shared counter was lost on its way here. */
  missedBy(shared: number): boolean {
    while (this.above.delete(this.upTo + 1)) this.upTo++;
    let missed = false;
    if (this.suspectUpTo !== null && this.upTo < this.suspectUpTo) {
      missed = true;
      for (const n of this.above) if (n <= this.suspectUpTo) this.above.delete(n);
      this.upTo = this.suspectUpTo;
      while (this.above.delete(this.upTo + 1)) this.upTo++;
    }
    this.suspectUpTo = this.upTo < shared ? shared : null;
    return missed;
  }
}

function parseMessage(text: string): Message | null {
  try {
    const m = JSON.parse(text) as Message;
    if (typeof m.from !== "string" || typeof m.n !== "number" || !m.change) return null;
    if (m.change.kind === "site" && Number.isInteger(m.change.siteId)) return m;
    return m.change.kind === "catalog" ? m : null;
  } catch {
    return null;
  }
}
