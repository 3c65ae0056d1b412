import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withTransaction } from "../../src/context.ts";
import type { User } from "../../src/db/schema.ts";
import { placeSiteOrder } from "../../src/order-chain/chain.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { numberStrayOrders } from "../../src/orders/numbering.ts";
import { createChargedOrder, quoteOrder } from "../../src/orders/place.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { customerOn, siteWith } from "../chain/support.ts";
import { addService, closeWorld, expectLedgerHolds, fundedUser, orderWorld, place, type World } from "./support.ts";

// MariaDB numbers orders just after their placement commits, in batches (src/orders/numbering.ts);
// SQLite in the placement's transaction. Either way: one number per order, none skipped, in every answer.
describeEachDialect("order numbering after commit", (dialect) => {
  let w: World;
  let plain: { id: number };

  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000" });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  const db = () => w.p.services.db;
  const input = () => ({ service_id: plain.id, link: "https://instagram.com/p/numbering", quantity: 100 });
  const numbersOf = async (siteId: number) =>
    (await db().selectFrom("orders").select(["id", "number"]).where("site_id", "=", siteId).orderBy("id").execute()).map((r) => r.number);
  const chargeTexts = async (orderIds: number[]) =>
    db()
      .selectFrom("transactions")
      .innerJoin("orders", "orders.id", "transactions.order_id")
      .select(["orders.id", "orders.number", "transactions.description"])
      .where("transactions.type", "=", "order")
      .where("orders.id", "in", orderIds)
      .execute();

  it("20 orders placed at once on one site take its numbers 1 to 20 exactly, each answer carrying its own", async () => {
    const s = await siteWith(w, { resellerFunds: "100000" });
    const customers = await Promise.all(Array.from({ length: 5 }, () => customerOn(w, s, "5000")));
    const platformBefore = Math.max(0, ...((await numbersOf(0)).filter((n) => n !== null) as number[]));
    const placed = await Promise.all(
      customers.flatMap((c) => [1, 2, 3, 4].map(() => placeSiteOrder({ ...w.p.ctx(s.tenant), user: c.user as User }, input(), { source: "web" }))),
    );
    await settleDispatchKicks(w.p.services);

    const answered = placed.map((p) => p.customerOrder.number);
    expect([...answered].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await numbersOf(s.siteId)).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each answer names the order the database numbered so, not another one.
    for (const p of placed) {
      const row = await db().selectFrom("orders").select("number").where("id", "=", p.customerOrder.id).executeTakeFirstOrThrow();
      expect(row.number).toBe(p.customerOrder.number);
    }
    // The reseller's 20 platform orders behind them take the platform's next 20 numbers, in the answers too.
    const platformAnswered = placed.map((p) => p.platformOrder.number!).sort((a, b) => a - b);
    expect(platformAnswered).toEqual(Array.from({ length: 20 }, (_, i) => platformBefore + i + 1));
    const ids = placed.flatMap((p) => [p.customerOrder.id, p.platformOrder.id]);
    for (const c of await chargeTexts(ids)) expect(c.description).toMatch(new RegExp(`^Order #${c.number}: `));
    await expectLedgerHolds(w);
  });

  it("20 platform orders posted at once get 20 consecutive numbers, and each 201 answer shows its order's number", async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => fundedUser(w, "5000")));
    const answers = await Promise.all(users.flatMap((u) => [1, 2, 3, 4].map(() => place(w, u.token, input()))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const numbers = answers.map((a) => a.order.number as number).sort((a, b) => a - b);
    expect(numbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => numbers[0]! + i));
    for (const a of answers) {
      const row = await db().selectFrom("orders").select("number").where("uuid", "=", a.order.uuid).executeTakeFirstOrThrow();
      expect(row.number).toBe(a.order.number);
    }
    await expectLedgerHolds(w);
  });

  it("a mass order's lines take consecutive numbers in line order, each line's answer with its own", async () => {
    const u = await fundedUser(w, "50000");
    const lines = Array.from({ length: 12 }, (_, i) => `${plain.id}|https://instagram.com/p/mass${i}|100`);
    lines.splice(5, 0, "999999|https://instagram.com/p/nope|100");
    const res = await w.p.request("/api/user/orders/mass", { method: "POST", token: u.token, json: { orders: lines.join("\n") } });
    expect(res.status).toBe(200);
    const data = (await body(res)).data as { line: number; ok: boolean; order?: { uuid: string; number: number } }[];
    expect(data.map((r) => r.ok)).toEqual(lines.map((l) => !l.startsWith("999999")));
    const numbers = data.flatMap((r) => (r.ok ? [r.order!.number] : []));
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => numbers[0]! + i));
    for (const r of data.filter((d) => d.ok)) {
      const row = await db().selectFrom("orders").select("number").where("uuid", "=", r.order!.uuid).executeTakeFirstOrThrow();
      expect(row.number).toBe(r.order!.number);
    }
    await expectLedgerHolds(w);
  });

  it("a retry with the same Idempotency-Key replays the first answer with its number", async () => {
    const u = await fundedUser(w, "5000");
    const headers = { "Idempotency-Key": "numbered-once" };
    const first = await place(w, u.token, input(), headers);
    const again = await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: input(), headers });
    const replayed = (await body(again)).data as { uuid: string; number: number | null };
    expect(first.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.order.number).toBeGreaterThan(0);
    expect(replayed).toMatchObject({ uuid: first.order.uuid, number: first.order.number });
  });

  it("an order a crash left unnumbered after its placement committed is numbered by the sweep, and no lookup by number finds it meanwhile", async () => {
    const u = await fundedUser(w, "5000");
    const user = (await db().selectFrom("users").selectAll().where("id", "=", u.user.id).executeTakeFirstOrThrow()) as User;
    const ctx = { ...w.p.ctx(), user };
    const quote = await quoteOrder(ctx, input());
    // The placement commits; the process "dies" before numbering it.
    const stray = await withTransaction(ctx, (tx) =>
      createChargedOrder(tx, { userId: user.id, siteId: 0, quote, charge: quote.charge, rate: quote.rate, source: "web", numberLater: true }),
    );
    expect(stray.number).toBeNull();
    const highest = Math.max(...((await numbersOf(0)).filter((n) => n !== null) as number[]));
    // Meanwhile the next number names no order yet.
    const listed = await w.p.request(`/api/user/orders/${highest + 1}`, { token: u.token });
    expect(listed.status).toBe(404);

    // Too young for the sweep: it may still be being numbered by its placement.
    expect(await numberStrayOrders(w.p.ctx())).toBe(0);
    w.clock.advance(31_000);
    expect(await numberStrayOrders(w.p.ctx())).toBe(1);
    const row = await db().selectFrom("orders").select("number").where("id", "=", stray.id).executeTakeFirstOrThrow();
    expect(row.number).toBe(highest + 1);
    const [charge] = await chargeTexts([stray.id]);
    expect(charge!.description).toMatch(new RegExp(`^Order #${highest + 1}: `));
    // Swept once: a second sweep finds nothing, and the next placement takes the number after it.
    expect(await numberStrayOrders(w.p.ctx())).toBe(0);
    const next = await place(w, u.token, input());
    expect(next.order.number).toBe(highest + 2);
    const found = await w.p.request(`/api/user/orders/${highest + 1}`, { token: u.token });
    expect(found.status).toBe(200);
    expect(((await body(found)).data as { uuid: string }).uuid).toBe(stray.uuid);
    await expectLedgerHolds(w);
  });

  it("the sweep also numbers a new site's first order, left unnumbered before the site had any counter", async () => {
    const s = await siteWith(w, { resellerFunds: "10000" });
    const c = await customerOn(w, s, "5000");
    const ctx = { ...w.p.ctx(s.tenant), user: c.user as User };
    const quote = await quoteOrder(ctx, input());
    const stray = await withTransaction(ctx, (tx) =>
      createChargedOrder(tx, {
        userId: c.user.id,
        siteId: s.siteId,
        quote,
        charge: quote.charge,
        rate: quote.rate,
        source: "web",
        dispatchState: "delegated",
        numberLater: true,
      }),
    );
    w.clock.advance(31_000);
    expect(await numberStrayOrders(w.p.ctx())).toBe(1);
    expect(await numbersOf(s.siteId)).toEqual([1]);
    const [charge] = await chargeTexts([stray.id]);
    expect(charge!.description).toMatch(/^Order #1: /);
    await expectLedgerHolds(w);
  });

  if (dialect === "mysql") {
    it("when numbering fails after the commit, the order is still placed and answered, and the sweep numbers it later", async () => {
      const u = await fundedUser(w, "5000");
      await sql
        .raw(
          "CREATE TRIGGER refuse_counter BEFORE UPDATE ON tenant_counters FOR EACH ROW BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated storage failure'; END",
        )
        .execute(db());
      let placed: Awaited<ReturnType<typeof place>>;
      try {
        placed = await place(w, u.token, input());
      } finally {
        await sql.raw("DROP TRIGGER refuse_counter").execute(db());
      }
      expect(placed.status).toBe(201);
      expect(placed.order.number).toBeNull();
      w.clock.advance(31_000);
      expect(await numberStrayOrders(w.p.ctx())).toBe(1);
      const row = await db().selectFrom("orders").select("number").where("uuid", "=", placed.order.uuid).executeTakeFirstOrThrow();
      expect(row.number).toBeGreaterThan(0);
      await expectLedgerHolds(w);
    });
  }
});
