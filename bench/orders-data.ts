// The admin scenario's data set: `count` platform orders over the last year, written with multi-row
// INSERTs straight to MariaDB (a bench fixture, not the app's way of writing orders).
import { randomUUID } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { toDbTime } from "../src/lib/time.ts";

const DAY = 86_400_000;
const FINAL = ["completed", "completed", "completed", "completed", "completed", "partial", "canceled", "failed", "refunded"] as const;
const ACTIVE = ["in_progress", "processing", "pending"] as const;

export async function insertBenchOrders(databaseUrl: string, opts: { count: number; userIds: number[]; serviceIds: number[]; providerId: number }) {
  const c = await createConnection(databaseUrl);
  await c.query("SET foreign_key_checks = 0, unique_checks = 0");
  const now = Date.now();
  const batch = 5000;
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let done = 0; done < opts.count; done += batch) {
    const values: unknown[] = [];
    const n = Math.min(batch, opts.count - done);
    for (let i = 0; i < n; i++) {
      const age = Math.floor(rand() * 365 * DAY);
      // As on a real panel: orders of the last two days may still run, older ones have ended.
      const pool = age < 2 * DAY ? [...FINAL, ...ACTIVE] : FINAL;
      const status = pool[Math.floor(rand() * pool.length)]!;
      const quantity = 100 + Math.floor(rand() * 9900);
      const charge = quantity * 1000 * 1000; // 1 XOF per unit, whole francs
      const cost = Math.floor(charge * 0.6);
      const refunded = status === "partial" ? Math.floor(rand() * quantity) * 1_000_000 : ["canceled", "failed", "refunded"].includes(status) ? charge : 0;
      const at = toDbTime(new Date(now - age));
      values.push([
        randomUUID(),
        0,
        opts.userIds[(done + i) % opts.userIds.length],
        opts.serviceIds[(done + i) % opts.serviceIds.length],
        opts.providerId,
        `https://instagram.com/bench/${done + i}`,
        quantity,
        1_000_000_000,
        charge,
        cost,
        refunded,
        "XOF",
        status,
        status === "pending" ? "queued" : status === "failed" ? "failed" : "sent",
        "web",
        at,
        at,
      ]);
    }
    await c.query(
      "INSERT INTO orders (uuid, site_id, user_id, service_id, provider_id, link, quantity, rate, charge, provider_cost, refunded, currency, status, dispatch_state, source, created_at, updated_at) VALUES ?",
      [values],
    );
    if ((done / batch) % 20 === 0) process.stderr.write(`  orders: ${done + n} / ${opts.count}\n`);
  }
  await c.query("ANALYZE TABLE orders");
  await c.end();
}
