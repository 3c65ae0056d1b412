// The set-up work of `npm run bench:scale` that no instance does: the panel's orders and the bulk
// inserts. bench/scale.ts runs it in this process of its own (its spec as JSON on stdin), so that the
// memory it takes is not counted in the instance's RSS. A bench fixture, not the app's way of writing.
import { randomUUID } from "node:crypto";
import { text } from "node:stream/consumers";
import { sql } from "kysely";
import { openDatabase } from "../src/db/database.ts";
import { dbNow } from "../src/lib/time.ts";
import { insertBenchOrders } from "./orders-data.ts";

/** Open orders already sent to the panel, each charged from its buyer's balance with its ledger row. */
export interface SyncOrdersSpec {
  databaseUrl: string;
  panelAdmin: string;
  panelService: number;
  count: number;
  buyers: number[];
  serviceId: number;
  providerId: number;
  /** Micro-units charged per order. */
  charge: number;
}

/** The admin scenario's year of orders (bench/orders-data.ts). */
export interface AdminOrdersSpec {
  databaseUrl: string;
  count: number;
  userIds: number[];
  serviceIds: number[];
  providerId: number;
}

export type FixtureSpec = ({ what: "sync-orders" } & SyncOrdersSpec) | ({ what: "admin-orders" } & AdminOrdersSpec);

/** `count` orders placed on the panel (by its admin endpoint, as `add` calls would), then written here as sent and charged. */
async function syncOrders(spec: SyncOrdersSpec) {
  const res = await fetch(`${spec.panelAdmin}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ service: spec.panelService, link: "https://instagram.com/p/scale", quantity: 1000, count: spec.count }),
  });
  if (res.status !== 201) throw new Error(`the panel refused the bench's orders: ${res.status} ${await res.text()}`);
  const panelIds = ((await res.json()) as { orders: number[] }).orders;
  const { db, dialect, close } = openDatabase({ url: spec.databaseUrl, dataDir: "." });
  try {
    const now = dbNow();
    for (let start = 0; start < spec.count; start += 1000) {
      const chunk = panelIds.slice(start, start + 1000).map((providerOrderId, k) => ({
        uuid: randomUUID(),
        site_id: 0,
        user_id: spec.buyers[(start + k) % spec.buyers.length]!,
        service_id: spec.serviceId,
        provider_id: spec.providerId,
        link: `https://instagram.com/p/scale${start + k}`,
        quantity: 1000,
        rate: spec.charge,
        charge: spec.charge,
        provider_cost: Math.floor(spec.charge * 0.6),
        currency: "XOF",
        status: "processing" as const,
        dispatch_state: "sent" as const,
        provider_order_id: String(providerOrderId),
        created_at: now,
        updated_at: now,
      }));
      await db.insertInto("orders").values(chunk).execute();
    }
    // Their charges: one ledger row per order, and the balances they took.
    await sql`INSERT INTO transactions (uuid, site_id, user_id, type, amount, fee, balance_after, status, description, order_id, created_at, updated_at)
      SELECT ${dialect === "mysql" ? sql`UUID()` : sql`lower(hex(randomblob(16)))`}, 0, user_id, 'order', -charge, 0, 0, 'completed', 'Order', id, created_at, created_at FROM orders WHERE provider_order_id IS NOT NULL`.execute(
      db,
    );
    for (const userId of spec.buyers) {
      const taken = await db
        .selectFrom("orders")
        .select((e) => e.fn.sum<number>("charge").as("n"))
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow();
      await db
        .updateTable("users")
        .set({ balance: sql`balance - ${Number(taken.n ?? 0)}` })
        .where("id", "=", userId)
        .execute();
    }
  } finally {
    await close();
  }
}

const spec = JSON.parse(await text(process.stdin)) as FixtureSpec;
if (spec.what === "sync-orders") await syncOrders(spec);
else await insertBenchOrders(spec.databaseUrl, spec);
