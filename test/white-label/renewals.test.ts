import { afterEach, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import type { DialectName } from "../../src/db/database.ts";
import { DAY, HOUR } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { JOBS } from "../../src/app/jobs.ts";
import { chargeRenewal, runRenewals } from "../../src/white-label/renewals.ts";
import { SITES, balanceOf, expectLedgerHolds, fund, resellerWithSite, siteRow, whiteLabelPlatform } from "./helpers.ts";

const PRICE = parseMoney("15000")!;

describeEachDialect("white-label subscription renewals", (dialect: DialectName) => {
  let p: TestPlatform | null = null;
  let clock: ReturnType<typeof manualClock>;
  afterEach(async () => {
    await p?.close();
    p = null;
  });

  async function setup() {
    clock = manualClock(new Date("2026-11-24T10:00:00Z"));
    // Sessions must outlive the months the clock is stepped through.
    p = await whiteLabelPlatform(dialect, { clock, env: { SESSION_DAYS: "365" } });
    return p;
  }
  const job = JOBS.find((j) => j.name === "white-label:renewals")!;
  const runJob = async (pl: TestPlatform) => (await runJobOnce(pl.services, job))?.result;
  const subOf = async (pl: TestPlatform, uuid: string) => {
    const site = await siteRow(pl, uuid);
    return pl.services.db.selectFrom("subscriptions").selectAll().where("site_id", "=", site.id).executeTakeFirstOrThrow();
  };
  const notices = async (pl: TestPlatform, userId: number, type: string) =>
    pl.services.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).where("type", "=", type).execute();
  const renewals = async (pl: TestPlatform, userId: number) =>
    pl.services.db.selectFrom("transactions").selectAll().where("user_id", "=", userId).where("type", "=", "subscription").execute();

  it("charges a due renewal exactly once even when the job runs twice or concurrently", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "40000");
    const before = await subOf(pl, a.site.uuid);
    clock.set(new Date("2026-12-24T10:30:00Z"));
    await runJob(pl);
    await runJob(pl);
    await Promise.all([runRenewals(pl.ctx()), runRenewals(pl.ctx()), runJob(pl)]);
    expect(await balanceOf(pl, a.user.id)).toBe(parseMoney("40000")! - 2 * PRICE);
    expect((await renewals(pl, a.user.id)).map((t) => Number(t.amount))).toEqual([-PRICE]);
    const after = await subOf(pl, a.site.uuid);
    expect(after.status).toBe("active");
    expect(after.current_period_start).toBe(before.current_period_end);
    expect(after.current_period_end.startsWith("2027-01-24 10:00:00")).toBe(true);
    expect((await siteRow(pl, a.site.uuid)).expires_at).toBe(after.current_period_end);
    expect(await notices(pl, a.user.id, "white_label.renewed")).toHaveLength(1);
    const invoices = await pl.services.db.selectFrom("invoices").select("number").where("user_id", "=", a.user.id).execute();
    expect(invoices).toHaveLength(2);
    await expectLedgerHolds(pl);
  });

  it("two runs holding the same stale snapshot of a due subscription charge it once", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "40000");
    clock.set(new Date("2026-12-24T10:30:00Z"));
    const stale = await subOf(pl, a.site.uuid);
    const site = await siteRow(pl, a.site.uuid);
    const outcomes = await Promise.all([1, 2, 3].map(() => chargeRenewal(pl.ctx(), stale, site, clock.now())));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await chargeRenewal(pl.ctx(), stale, site, clock.now())).toBe(false);
    expect(await renewals(pl, a.user.id)).toHaveLength(1);
    expect(await balanceOf(pl, a.user.id)).toBe(parseMoney("40000")! - 2 * PRICE);
    await expectLedgerHolds(pl);
  });

  it("without funds: grace (still serving), then suspended (503); a top-up and renew bring it back", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "15000");
    const host = `${a.site.slug}.${SITES}`;
    clock.set(new Date("2026-12-24T11:00:00Z"));
    await runJob(pl);
    const sub = await subOf(pl, a.site.uuid);
    expect(sub.status).toBe("grace");
    expect(sub.grace_until!.startsWith("2026-12-31 10:00:00")).toBe(true);
    expect((await siteRow(pl, a.site.uuid)).status).toBe("grace");
    expect((await pl.request("/", { host })).status).not.toBe(503);
    const failed = await notices(pl, a.user.id, "white_label.renewal_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.title).toContain("Échec du renouvellement");

    clock.advance(HOUR);
    await runJob(pl);
    expect((await subOf(pl, a.site.uuid)).status).toBe("grace");
    expect(await notices(pl, a.user.id, "white_label.renewal_failed")).toHaveLength(1);

    clock.set(new Date("2026-12-31T10:30:00Z"));
    await runJob(pl);
    expect((await subOf(pl, a.site.uuid)).status).toBe("suspended");
    expect((await siteRow(pl, a.site.uuid)).status).toBe("suspended");
    expect((await pl.request("/", { host })).status).toBe(503);
    expect(await notices(pl, a.user.id, "white_label.suspended")).toHaveLength(1);

    const broke = await pl.request(`/api/white-label/sites/${a.site.uuid}/renew`, { method: "POST", token: a.token });
    expect(broke.status).toBe(422);
    expect((await body(broke)).error.code).toBe("insufficient_balance");
    expect((await subOf(pl, a.site.uuid)).status).toBe("suspended");

    await fund(pl, a.user.id, "15000");
    clock.set(new Date("2027-01-05T09:00:00Z"));
    const renewed = await pl.request(`/api/white-label/sites/${a.site.uuid}/renew`, { method: "POST", token: a.token });
    expect(renewed.status).toBe(200);
    const data = (await body(renewed)).data;
    expect(data.status).toBe("active");
    expect(data.subscription).toMatchObject({
      status: "active",
      current_period_start: "2027-01-05T09:00:00.000Z",
      current_period_end: "2027-02-05T09:00:00.000Z",
    });
    expect((await pl.request("/", { host })).status).not.toBe(503);
    expect(await balanceOf(pl, a.user.id)).toBe(0);
    const again = await pl.request(`/api/white-label/sites/${a.site.uuid}/renew`, { method: "POST", token: a.token });
    expect(again.status).toBe(409);
    expect(await renewals(pl, a.user.id)).toHaveLength(1);
    await expectLedgerHolds(pl);
  });

  it("retries a grace site daily and reactivates it, continuing from the old period end", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "15000");
    clock.set(new Date("2026-12-24T10:30:00Z"));
    await runJob(pl);
    expect((await subOf(pl, a.site.uuid)).status).toBe("grace");
    await fund(pl, a.user.id, "20000");
    clock.advance(2 * HOUR);
    await runJob(pl);
    expect((await subOf(pl, a.site.uuid)).status).toBe("grace");
    clock.advance(DAY);
    await runJob(pl);
    const sub = await subOf(pl, a.site.uuid);
    expect(sub.status).toBe("active");
    expect(sub.grace_until).toBeNull();
    expect(sub.current_period_end.startsWith("2027-01-24 10:00:00")).toBe(true);
    expect((await siteRow(pl, a.site.uuid)).status).toBe("active");
    expect(await balanceOf(pl, a.user.id)).toBe(parseMoney("5000")!);
    await expectLedgerHolds(pl);
  });

  it("reminds the owner once per period, in their language", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "50000");
    await pl.services.db.updateTable("users").set({ language: "en" }).where("id", "=", a.user.id).execute();
    clock.set(new Date("2026-12-20T10:00:00Z"));
    await runJob(pl);
    expect(await notices(pl, a.user.id, "white_label.renewal_reminder")).toHaveLength(0);
    clock.set(new Date("2026-12-22T10:00:00Z"));
    await runJob(pl);
    await Promise.all([runRenewals(pl.ctx()), runRenewals(pl.ctx())]);
    clock.advance(HOUR);
    await runJob(pl);
    const sent = await notices(pl, a.user.id, "white_label.renewal_reminder");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toContain("renews on");
    clock.set(new Date("2026-12-24T10:30:00Z"));
    await runJob(pl);
    clock.set(new Date("2027-01-22T10:00:00Z"));
    await runJob(pl);
    expect(await notices(pl, a.user.id, "white_label.renewal_reminder")).toHaveLength(2);
  });

  it("does not charge a site an administrator disabled", async () => {
    const pl = await setup();
    const a = await resellerWithSite(pl, "40000");
    await pl.services.db.updateTable("white_label_sites").set({ status: "disabled" }).where("uuid", "=", a.site.uuid).execute();
    clock.set(new Date("2026-12-25T10:00:00Z"));
    await runJob(pl);
    expect(await renewals(pl, a.user.id)).toHaveLength(0);
    expect((await subOf(pl, a.site.uuid)).status).toBe("active");
    expect((await siteRow(pl, a.site.uuid)).status).toBe("disabled");
  });
});
