import { sql } from "kysely";
import { appSlot, PLATFORM, withTransaction, type Ctx } from "../context.ts";
import { retryDeadlocks, retryWhileUnavailable } from "../db/errors.ts";
import { dbNow } from "../lib/time.ts";
import { forTenant, PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { numberedEntryText, reserveOrderNumbers } from "./numbers.ts";

/**
 * MariaDB numbers orders just after their placement commits, many at a time: the tenant's counter
 * row (the one row every order of the tenant writes) is then taken once per batch instead of once per
 * order, and its lock is held for the batch's two UPDATEs and its COMMIT. Numbers stay gap-free per
 * tenant: the counter moves by exactly the orders it numbers, in the same transaction. SQLite numbers
 * in the placement's transaction (one writer at a time anyway): see numbers.ts.
 */

/** Most orders one numbering transaction takes (the rest wait for the next one). */
const MAX_BATCH = 500;
/** A database that blinks during numbering is waited for this long; then the orders are left to the sweep. */
const PATIENCE = { attempts: 20, delayMs: 500 };
/** The sweep leaves younger unnumbered orders to the placements that are numbering them right now. */
const STRAY_AFTER_MS = 30_000;
/** Most unnumbered orders of one tenant that one sweep numbers. */
const SWEEP_BATCH = 500;

/** Whether a placement in `ctx` leaves its orders' numbers to after its commit (MariaDB, not inside a caller's transaction). */
export function numbersAfterCommit(ctx: Ctx): boolean {
  return ctx.dialect === "mysql" && !ctx.db.isTransaction;
}

interface Waiting {
  orderId: number;
  done: (number: number | null) => void;
}
interface TenantQueue {
  waiting: Waiting[];
  draining: Promise<void> | null;
}

/** Per app: each tenant's orders waiting for a number, and the batch being numbered. */
const QUEUES = appSlot(
  "order numbering",
  () => new Map<number, TenantQueue>(),
  async (queues) => {
    // The app closes once every placement that committed has its number.
    for (;;) {
      const draining = [...queues.values()].flatMap((q) => (q.draining ? [q.draining] : []));
      if (draining.length === 0) return;
      await Promise.allSettled(draining);
    }
  },
);

/**
 * The number of an order whose placement has just committed: the order joins its tenant's queue, and
 * one transaction numbers all the orders queued meanwhile. Null when the database stayed away longer
 * than PATIENCE: the order is then numbered by the sweep (`numberStrayOrders`), meanwhile shown by its
 * short uuid.
 */
function awaitOrderNumber(ctx: Ctx, siteId: number, orderId: number): Promise<number | null> {
  if (ctx.db.isTransaction) throw new Error("an order is numbered after its placement commits");
  const queues = ctx.state.get(QUEUES);
  const q = queues.get(siteId) ?? { waiting: [], draining: null };
  queues.set(siteId, q);
  const numbered = new Promise<number | null>((done) => q.waiting.push({ orderId, done }));
  // Numbering is platform work whichever request placed the order; each order's tenant is named by siteId.
  q.draining ??= drain({ ...ctx, user: null, tenant: PLATFORM }, siteId, q).finally(() => {
    q.draining = null;
  });
  return numbered;
}

/** `awaitOrderNumber` for an order row: the same row with its number. */
export async function withOrderNumber<T extends { id: number; site_id: number; number: number | null }>(ctx: Ctx, order: T): Promise<T> {
  if (order.number !== null) return order;
  return { ...order, number: await awaitOrderNumber(ctx, order.site_id, order.id) };
}

async function drain(ctx: Ctx, siteId: number, q: TenantQueue): Promise<void> {
  while (q.waiting.length > 0) {
    const batch = q.waiting.splice(0, MAX_BATCH);
    const ids = batch.map((w) => w.orderId);
    let numbers = new Map<number, number>();
    try {
      // A retry after a lost COMMIT finds the orders numbered and answers their numbers: never a second one.
      numbers = await retryWhileUnavailable(() => retryDeadlocks(() => numberOrders(ctx, siteId, ids)), PATIENCE);
    } catch (err) {
      ctx.logger.error("order numbering failed; the sweep numbers these orders later", { site_id: siteId, order_ids: ids, error: String(err) });
    }
    for (const w of batch) w.done(numbers.get(w.orderId) ?? null);
  }
}

/**
 * Numbers the unnumbered orders among `orderIds` of tenant `siteId`, in id order, in one transaction:
 * the orders are locked first, then the counter moves by as many as are still unnumbered, and each
 * gets its number and its ledger text `Order #N: …`. Answers every order's number, including those
 * another instance or the sweep numbered first.
 */
async function numberOrders(ctx: Ctx, siteId: number, orderIds: number[]): Promise<Map<number, number>> {
  return withTransaction(ctx, async (tx) => {
    // Locked by primary key only (record locks, no gaps): placements inserting meanwhile never wait.
    const rows = await tx.db
      .selectFrom("orders")
      .select(["id", "site_id", "number"])
      .where("id", "in", orderIds)
      .orderBy("id")
      .$if(tx.dialect === "mysql", (qb) => qb.forUpdate())
      .execute();
    const numbers = new Map<number, number>();
    const fresh: number[] = [];
    for (const r of rows) {
      if (r.site_id !== siteId) continue;
      if (r.number !== null) numbers.set(r.id, Number(r.number));
      else fresh.push(r.id);
    }
    if (fresh.length === 0) return numbers;
    // The charges' ledger rows, read without a lock: committed with their orders, rewritten only under the orders' locks.
    const entries = await tx.db
      .selectFrom("transactions")
      .select(["id", "order_id", "description"])
      .where("order_id", "in", fresh)
      .where("type", "=", "order")
      .execute();
    const first = (await reserveOrderNumbers(tx, siteId, fresh.length)) - fresh.length + 1;
    for (const [i, id] of fresh.entries()) numbers.set(id, first + i);
    const numberOf = (id: number) => numbers.get(id)!;
    const res = await tx.db
      .updateTable("orders")
      .set({
        number: sql<number>`case id ${sql.join(
          fresh.map((id) => sql`when ${id} then ${numberOf(id)}`),
          sql` `,
        )} end`,
      })
      .where("id", "in", fresh)
      .where("number", "is", null)
      .executeTakeFirst();
    // The rows are locked: anything else means another writer numbers orders without the lock (a bug). Roll back.
    if (Number(res.numUpdatedRows) !== fresh.length) throw new Error(`numbered ${Number(res.numUpdatedRows)} of ${fresh.length} orders of tenant ${siteId}`);
    if (entries.length > 0) {
      await tx.db
        .updateTable("transactions")
        .set({
          description: sql<string>`case id ${sql.join(
            entries.map((e) => sql`when ${e.id} then ${numberedEntryText(e.description ?? "", numberOf(e.order_id!))}`),
            sql` `,
          )} end`,
        })
        .where(
          "id",
          "in",
          entries.map((e) => e.id),
        )
        .execute();
    }
    return numbers;
  });
}

/**
 * Numbers orders that a crash left unnumbered between their placement's commit and their numbering:
 * at boot and with the order status job, tenant by tenant (the platform and every site; each an
 * indexed read of its unnumbered orders), orders older than STRAY_AFTER_MS only. Answers how many it numbered.
 */
export async function numberStrayOrders(ctx: Ctx): Promise<number> {
  const until = dbNow(ctx.clock, -STRAY_AFTER_MS);
  // Every tenant, not only those with a counter: a new site's first order may be the one a crash left.
  const sites = await ctx.db.selectFrom("white_label_sites").select("id").execute();
  let numbered = 0;
  for (const siteId of [PLATFORM_TENANT_ID, ...sites.map((s) => s.id)]) {
    const stray = await forTenant(ctx.db, siteId)
      .selectFrom("orders")
      .select("id")
      .where("number", "is", null)
      .where("created_at", "<=", until)
      .orderBy("id")
      .limit(SWEEP_BATCH)
      .execute();
    if (stray.length === 0) continue;
    const ids = stray.map((o) => o.id);
    const numbers = await retryDeadlocks(() => numberOrders(ctx, siteId, ids));
    numbered += numbers.size;
    ctx.logger.warn("numbered orders left unnumbered (a crash between placement and numbering)", { site_id: siteId, orders: numbers.size });
  }
  return numbered;
}
