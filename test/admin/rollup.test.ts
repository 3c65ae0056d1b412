import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { fund } from "../harness/money.ts";
import { insertOrderRow } from "../harness/rows.ts";
import { refundExactly } from "../../src/orders/refunds.ts";
import { rollupStatistics } from "../../src/statistics/rollup.ts";
import { DAY } from "../../src/lib/time.ts";

const XOF = (n: number) => n * 1_000_000;

describeEachDialect("statistics roll-up", (dialect) => {
  const clock = manualClock(new Date("2026-11-10T12:00:00Z"));
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
  });
  afterAll(() => p.close());

  const dayRow = (date: string) => p.services.db.selectFrom("platform_statistics").selectAll().where("date", "=", date).executeTakeFirst();

  it("a refund booked days later re-rolls the day the order was placed; days nobody touched stay as they were", async () => {
    const u = await signUp(p);
    await fund(p, u.user.id, "5000");
    await insertOrderRow(p, u.user.id, { charge: XOF(1000), status: "completed" });
    await rollupStatistics(p.ctx());
    expect(Number((await dayRow("2026-11-10"))!.revenue)).toBe(XOF(1000));

    // Five days on: the day rolls off the window of yesterday and today.
    clock.advance(5 * DAY);
    await rollupStatistics(p.ctx());
    const order = await p.services.db.selectFrom("orders").select("id").where("user_id", "=", u.user.id).executeTakeFirstOrThrow();
    await refundExactly(p.ctx(), order.id, XOF(400), "late partial refund");
    clock.advance(15 * 60_000);
    const run = await rollupStatistics(p.ctx());

    expect(run.days).toEqual(["2026-11-10", "2026-11-14", "2026-11-15"]);
    const placed = (await dayRow("2026-11-10"))!;
    expect(Number(placed.revenue)).toBe(XOF(600));
    expect(Number(placed.refunds)).toBe(XOF(400));
    expect(await dayRow("2026-11-11")).toBeUndefined();
    // Nothing refunded since: the next run rolls the window only.
    clock.advance(15 * 60_000);
    expect((await rollupStatistics(p.ctx())).days).toEqual(["2026-11-14", "2026-11-15"]);
  });
});
