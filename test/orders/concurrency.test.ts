import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, money, orderWorld, type World } from "./support.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";

describeEachDialect("concurrent order placement", (dialect) => {
  let w: World;
  beforeAll(async () => {
    if (dialect === "mysql") w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  // SQLite serialises writers; the race that matters is MariaDB's, with a pool of connections.
  it.runIf(dialect === "mysql")("200 simultaneous orders against a balance for 50: exactly 50 are placed and the balance ends at zero", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "5000");
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        w.p.request("/api/user/orders", { method: "POST", token: u.token, json: { service_id: svc.id, link: `https://x.test/rush/${i}`, quantity: 100 } }),
      ),
    );
    const codes = await Promise.all(
      results.map(async (r) => (r.status === 201 ? "201" : `${r.status}:${((await r.json()) as { error: { code: string } }).error.code}`)),
    );
    await settleDispatchKicks(w.p.services);
    expect(codes.filter((c) => c === "201").length).toBe(50);
    expect(codes.filter((c) => c === "422:insufficient_balance").length).toBe(150);
    expect(await balanceOf(w, u.user.id)).toBe(0);
    const orders = await w.p.services.db.selectFrom("orders").select(["charge"]).where("user_id", "=", u.user.id).execute();
    expect(orders.length).toBe(50);
    expect(orders.reduce((s, o) => s + Number(o.charge), 0)).toBe(money("5000"));
    const negative = await w.p.services.db.selectFrom("users").select("id").where("balance", "<", 0).execute();
    expect(negative).toEqual([]);
    await expectLedgerHolds(w);
  });
});
