import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { countRows, deposit, expectLedgerHolds, makeMethod, newRef } from "./helpers.ts";

describeEachDialect("deposits with an Idempotency-Key", (dialect) => {
  let p: TestPlatform;
  let method: { id: number };
  beforeAll(async () => {
    p = await makePlatform(dialect);
    method = await makeMethod(p, { percentBp: 100 });
  });
  afterAll(() => p.close());

  it("a retry with the same key and body replays the first answer and records one pending deposit", async () => {
    const u = await signUp(p);
    const json = { payment_method_id: method.id, amount: "4000", reference: newRef() };
    const first = await deposit(p, u.token, json, { "Idempotency-Key": "dep-1" });
    expect(first.status).toBe(201);
    expect(first.res.headers.get("idempotent-replayed")).toBeNull();
    const again = await deposit(p, u.token, json, { "Idempotency-Key": "dep-1" });
    expect(again.status).toBe(201);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(await countRows(p, "transactions", u.user.id)).toBe(1);
  });

  it("the same key with another body is refused with 422 and records nothing", async () => {
    const u = await signUp(p);
    const ref = newRef();
    expect((await deposit(p, u.token, { payment_method_id: method.id, amount: "4000", reference: ref }, { "Idempotency-Key": "dep-2" })).status).toBe(201);
    const other = await deposit(p, u.token, { payment_method_id: method.id, amount: "4001", reference: newRef() }, { "Idempotency-Key": "dep-2" });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_reused");
    expect(await countRows(p, "transactions", u.user.id)).toBe(1);
  });

  it("keys belong to their caller: another user's identical key is a fresh request", async () => {
    const a = await signUp(p);
    const b = await signUp(p);
    expect((await deposit(p, a.token, { payment_method_id: method.id, amount: "1000", reference: newRef() }, { "Idempotency-Key": "shared" })).status).toBe(
      201,
    );
    const mine = await deposit(p, b.token, { payment_method_id: method.id, amount: "1000", reference: newRef() }, { "Idempotency-Key": "shared" });
    expect(mine.status).toBe(201);
    expect(mine.res.headers.get("idempotent-replayed")).toBeNull();
    expect(await countRows(p, "transactions", b.user.id)).toBe(1);
  });

  it("a refused deposit is replayed as the same refusal", async () => {
    const u = await signUp(p);
    const json = { payment_method_id: method.id, amount: "12.3456789", reference: newRef() };
    const first = await deposit(p, u.token, json, { "Idempotency-Key": "bad-1" });
    expect(first.status).toBe(422);
    const again = await deposit(p, u.token, json, { "Idempotency-Key": "bad-1" });
    expect(again.status).toBe(422);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.error.details).toEqual(first.json.error.details);
    expect(await countRows(p, "transactions", u.user.id)).toBe(0);
  });

  it("parallel submissions with one key record a single deposit", async () => {
    const u = await signUp(p);
    const json = { payment_method_id: method.id, amount: "2000", reference: newRef() };
    const results = await Promise.all(Array.from({ length: 4 }, () => deposit(p, u.token, json, { "Idempotency-Key": "race-1" })));
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(results.some((r) => r.status === 201)).toBe(true);
    expect(await countRows(p, "transactions", u.user.id)).toBe(1);
    await expectLedgerHolds(p);
  });
});
