import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOnceForValue } from "../../src/idempotency/idempotency.ts";
import { ABANDONED_AFTER_MS } from "../../src/idempotency/keys.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { dbNow } from "../../src/lib/time.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import { addService, closeWorld, expectLedgerHolds, fundedUser, orderWorld, type World } from "../orders/support.ts";
import { countRows } from "../wallet/helpers.ts";

describeEachDialect("idempotency keys whose request died", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  /** The claim a process leaves behind when it is killed before its work commits (the row runOnce inserted first). */
  async function leftClaim(userId: number, key: string, order: unknown, status: "in_flight" | "committed", ageMs: number) {
    const hash = createHash("sha256")
      .update(`POST /api/user/orders\n${JSON.stringify(order)}`)
      .digest("hex");
    await w.p.services.db
      .insertInto("idempotency_keys")
      .values({ scope: `u:${userId}`, key, request_hash: hash, status, created_at: dbNow(w.clock, -ageMs), expires_at: dbNow(w.clock, 86_400_000 - ageMs) })
      .execute();
  }

  const ordersOf = (userId: number) => countRows(w.p, "orders", userId);

  it("a claim left in flight by a killed instance is claimed again by the same request once abandoned, and the order is placed once", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "100000");
    const order = { service_id: svc.id, link: "https://instagram.com/p/abandoned", quantity: 100 };
    await leftClaim(u.user.id, "killed-1", order, "in_flight", ABANDONED_AFTER_MS - 10_000);
    const place = () => w.p.request("/api/user/orders", { method: "POST", token: u.token, json: order, headers: { "Idempotency-Key": "killed-1" } });
    const early = await place();
    expect(early.status).toBe(409);
    expect((await body(early)).error.code).toBe("idempotency_in_flight");
    w.clock.advance(20_000);
    const res = await place();
    expect(res.status).toBe(201);
    expect((await place()).headers.get("idempotent-replayed")).toBe("true");
    expect(await ordersOf(u.user.id)).toBe(1);
    await expectLedgerHolds(w);
  });

  it("an abandoned claim is not taken over by another request under the same key (422)", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "100000");
    await leftClaim(u.user.id, "killed-2", { service_id: svc.id, link: "https://instagram.com/p/first", quantity: 100 }, "in_flight", 2 * ABANDONED_AFTER_MS);
    const res = await w.p.request("/api/user/orders", {
      method: "POST",
      token: u.token,
      json: { service_id: svc.id, link: "https://instagram.com/p/other", quantity: 100 },
      headers: { "Idempotency-Key": "killed-2" },
    });
    expect(res.status).toBe(422);
    expect(await ordersOf(u.user.id)).toBe(0);
  });

  it("a key whose work committed is never run again: 409 while its answer may still come, then 409 saying the answer was lost", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "100000");
    const order = { service_id: svc.id, link: "https://instagram.com/p/committed", quantity: 100 };
    await leftClaim(u.user.id, "killed-3", order, "committed", 2 * ABANDONED_AFTER_MS);
    const place = () => w.p.request("/api/user/orders", { method: "POST", token: u.token, json: order, headers: { "Idempotency-Key": "killed-3" } });
    const early = await place();
    expect(early.status).toBe(409);
    expect((await body(early)).error.code).toBe("idempotency_in_flight");
    w.clock.advance(2 * ABANDONED_AFTER_MS + 1_000);
    const late = await place();
    expect(late.status).toBe(409);
    const error = (await body(late)).error;
    expect(error.code).toBe("idempotency_answer_lost");
    expect(error.message).toContain("Do not send it again");
    expect(await ordersOf(u.user.id)).toBe(0);
  });

  it("work that committed and then failed keeps its key: the retry does not do it a second time", async () => {
    const u = await fundedUser(w, "0");
    const ctx = w.p.ctx();
    const req = { scope: `u:${u.user.id}`, key: "commit-then-fail", operation: "test", body: { amount: 1 } };
    let runs = 0;
    const work = async () => {
      runs++;
      await credit(ctx, { userId: u.user.id, amount: 1_000_000, type: "adjustment" });
      throw new Error("Connection lost: The server closed the connection.");
    };
    await expect(runOnceForValue(ctx, req, work)).rejects.toThrow(/Connection lost/);
    await expect(runOnceForValue(ctx, req, work)).rejects.toMatchObject({ status: 409 });
    expect(runs).toBe(1);
    const row = await w.p.services.db
      .selectFrom("idempotency_keys")
      .select("status")
      .where("scope", "=", req.scope)
      .where("key", "=", req.key)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("committed");
    await expectLedgerHolds(w);
  });

  it("work that failed before committing lets its key go: the retry runs", async () => {
    const u = await fundedUser(w, "0");
    const ctx = w.p.ctx();
    const req = { scope: `u:${u.user.id}`, key: "fail-before-commit", operation: "test", body: {} };
    await expect(
      runOnceForValue(ctx, req, async () => {
        throw new Error("boom before any write");
      }),
    ).rejects.toThrow(/boom/);
    const { value } = await runOnceForValue(ctx, req, async () => "ran");
    expect(value).toBe("ran");
  });

  it("a request that stalls past the abandonment loses its claim to the retry: its own work rolls back, the work is done once", async () => {
    const u = await fundedUser(w, "0");
    const ctx = w.p.ctx();
    const req = { scope: `u:${u.user.id}`, key: "stalled", operation: "test", body: { amount: 1 } };
    const pay = () => credit(ctx, { userId: u.user.id, amount: 1_000_000, type: "adjustment" });
    const stalled = runOnceForValue(ctx, req, async () => {
      // Stalled long enough for the client's retry to find the claim abandoned and run the request itself.
      w.clock.advance(ABANDONED_AFTER_MS + 1_000);
      const retry = await runOnceForValue(ctx, req, async () => {
        await pay();
        return "retry";
      });
      expect(retry.value).toBe("retry");
      await pay();
      return "stalled";
    });
    await expect(stalled).rejects.toMatchObject({ status: 409 });
    const balance = await w.p.services.db.selectFrom("users").select("balance").where("id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(Number(balance.balance)).toBe(1_000_000);
    expect((await runOnceForValue(ctx, req, async () => "again")).value).toBe("retry");
    await expectLedgerHolds(w);
  });
});
