import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import type { DialectName } from "../../src/db/database.ts";
import { parseMoney } from "../../src/money/money.ts";
import { runRenewals } from "../../src/white-label/renewals.ts";
import { activeMethod, api, customerOf, pendingDeposit, resellerSite, type Reseller } from "../reseller/helpers.ts";
import { balanceOf, expectLedgerHolds, fund, planBySlug, purchase, reseller, siteRow, whiteLabelPlatform } from "./helpers.ts";

const m = (s: string) => parseMoney(s)!;

describeEachDialect("a reseller's subscription: plan change, cancellation, deletion, invoices", (dialect: DialectName) => {
  // One platform for the suite (each test makes its own owners and sites); the clock starts over in each test.
  const clock = manualClock(new Date("2026-11-24T10:00:00Z"));
  let p: TestPlatform;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock, env: { SESSION_DAYS: "365" } });
  });
  afterAll(async () => {
    await p.close();
  });

  async function setup() {
    clock.set(new Date("2026-11-24T10:00:00Z"));
    return p;
  }
  const subOf = async (pl: TestPlatform, uuid: string) => {
    const site = await siteRow(pl, uuid);
    return pl.services.db.selectFrom("subscriptions").selectAll().where("site_id", "=", site.id).executeTakeFirstOrThrow();
  };
  const charges = async (pl: TestPlatform, userId: number) =>
    pl.services.db.selectFrom("transactions").selectAll().where("user_id", "=", userId).where("type", "=", "subscription").execute();
  const send = (pl: TestPlatform, token: string, path: string, json: unknown = {}, headers: Record<string, string> = {}) =>
    pl.request(path, { method: "POST", token, json, headers });

  /** A reseller who bought a starter site (5000 F a month) through the API. */
  async function starterOwner(pl: TestPlatform, funds = "50000") {
    const owner = await reseller(pl, funds);
    const starter = await planBySlug(pl, "starter");
    const bought = await purchase(pl, owner.token, { plan_id: starter.id });
    expect(bought.res.status).toBe(201);
    return { ...owner, site: bought.body.data as { uuid: string; slug: string } };
  }

  it("an upgrade charges the pro-rata difference exactly once under two concurrent submits, with an invoice", async () => {
    const pl = await setup();
    const o = await starterOwner(pl);
    const business = await planBySlug(pl, "business");
    clock.set(new Date("2026-12-04T10:00:00Z")); // 20 of 30 days left
    const quote = await send(pl, o.token, api(o, "/plan/quote"), { plan_id: business.id, billing_cycle: "monthly" });
    expect(quote.status).toBe(200);
    expect((await body(quote)).data).toMatchObject({ kind: "upgrade", charge: "6667.00", seconds_left: 20 * 86_400 });
    const before = await balanceOf(pl, o.user.id);

    const [a, b] = await Promise.all([
      send(pl, o.token, api(o, "/plan"), { plan_id: business.id, billing_cycle: "monthly" }, { "Idempotency-Key": "up-a" }),
      send(pl, o.token, api(o, "/plan"), { plan_id: business.id, billing_cycle: "monthly" }, { "Idempotency-Key": "up-b" }),
    ]);
    // One goes through; the other finds the subscription changed (409) or already on that plan (422): never charged twice.
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([409, 422]).toContain(statuses[1]);
    expect(await balanceOf(pl, o.user.id)).toBe(before - m("6667"));
    expect((await charges(pl, o.user.id)).map((t) => Number(t.amount))).toEqual([-m("6667")]);
    const sub = await subOf(pl, o.site.uuid);
    expect(sub).toMatchObject({ plan_id: business.id, price: m("15000"), billing_cycle: "monthly" });
    expect(sub.current_period_end.startsWith("2026-12-24 10:00:00")).toBe(true);
    expect((await siteRow(pl, o.site.uuid)).plan_id).toBe(business.id);

    const list = await pl.request(api(o, "/invoices"), { token: o.token });
    const invoices = (await body(list)).data;
    expect(invoices).toHaveLength(2);
    expect(invoices[0]).toMatchObject({ kind: "plan_change", amount: "6667.00", plan: "Business", from_plan: "Starter" });
    const one = await pl.request(api(o, `/invoices/${invoices[0].uuid}`), { token: o.token });
    expect((await body(one)).data.number).toBe(invoices[0].number);
    // A retry with the first key replays; nothing more is charged.
    const replay = await send(
      pl,
      o.token,
      api(o, "/plan"),
      { plan_id: business.id, billing_cycle: "monthly" },
      { "Idempotency-Key": a.status === 200 ? "up-a" : "up-b" },
    );
    expect(replay.status).toBe(200);
    expect(await charges(pl, o.user.id)).toHaveLength(1);
    await expectLedgerHolds(pl);
  });

  it("a downgrade credits nothing, waits for the period end and is applied by the renewal; one the site does not fit is refused", async () => {
    const pl = await setup();
    const r = await resellerSite(pl, "100000"); // business, 15000 F a month
    const starter = await planBySlug(pl, "starter");
    const before = await balanceOf(pl, r.user.id);
    clock.set(new Date("2026-12-04T10:00:00Z"));

    // More customers than the new plan allows: refused, nothing changed.
    await pl.services.db.updateTable("white_label_plans").set({ max_customers: 1 }).where("id", "=", starter.id).execute();
    await customerOf(pl, r);
    await customerOf(pl, r);
    const crowded = await send(pl, r.token, api(r, "/plan"), { plan_id: starter.id, billing_cycle: "monthly" });
    expect(crowded.status).toBe(422);
    expect((await body(crowded)).error.details.plan_id[0]).toContain("customers");
    await pl.services.db.updateTable("white_label_plans").set({ max_customers: 500 }).where("id", "=", starter.id).execute();
    // A custom domain on a plan without one: refused.
    await pl.services.db.updateTable("white_label_sites").set({ custom_domain: "shop.example.com" }).where("uuid", "=", r.site.uuid).execute();
    const domain = await send(pl, r.token, api(r, "/plan"), { plan_id: starter.id, billing_cycle: "monthly" });
    expect(domain.status).toBe(422);
    expect((await body(domain)).error.details.plan_id[0]).toContain("custom domain");
    await pl.services.db.updateTable("white_label_sites").set({ custom_domain: null }).where("uuid", "=", r.site.uuid).execute();

    const down = await send(pl, r.token, api(r, "/plan"), { plan_id: starter.id, billing_cycle: "monthly" });
    expect(down.status).toBe(200);
    const downData = (await body(down)).data;
    expect(downData).toMatchObject({ kind: "downgrade", charge: "0.00" });
    expect(await balanceOf(pl, r.user.id)).toBe(before);
    expect(downData.site.subscription.pending_change).toMatchObject({ plan_id: starter.id, billing_cycle: "monthly" });

    clock.set(new Date("2026-12-24T10:30:00Z"));
    await runRenewals(pl.ctx());
    expect(await balanceOf(pl, r.user.id)).toBe(before - m("5000"));
    const sub = await subOf(pl, r.site.uuid);
    expect(sub).toMatchObject({ plan_id: starter.id, price: m("5000"), pending_plan_id: null, status: "active" });
    expect((await siteRow(pl, r.site.uuid)).plan_id).toBe(starter.id);
    await expectLedgerHolds(pl);
  });

  it("cancel at the period end: undone, then kept; the renewal job charges nothing and the site expires", async () => {
    const pl = await setup();
    const r = await resellerSite(pl, "100000");
    const before = await balanceOf(pl, r.user.id);
    expect((await send(pl, r.token, api(r, "/cancel"))).status).toBe(200);
    expect((await send(pl, r.token, api(r, "/cancel"))).status).toBe(409);
    const resumed = await send(pl, r.token, api(r, "/resume"));
    expect((await body(resumed)).data.subscription.cancel_at_period_end).toBe(false);
    const canceled = await send(pl, r.token, api(r, "/cancel"));
    expect((await body(canceled)).data.subscription.cancel_at_period_end).toBe(true);
    // Renewing early is refused while the cancellation stands.
    expect((await send(pl, r.token, api(r, "/renew"))).status).toBe(409);

    clock.set(new Date("2026-12-24T10:30:00Z"));
    const report = await runRenewals(pl.ctx());
    expect(report.expired).toBe(1);
    await runRenewals(pl.ctx());
    expect(await balanceOf(pl, r.user.id)).toBe(before);
    expect(await charges(pl, r.user.id)).toHaveLength(0);
    expect((await subOf(pl, r.site.uuid)).status).toBe("canceled");
    expect((await siteRow(pl, r.site.uuid)).status).toBe("suspended");
    const notices = await pl.services.db
      .selectFrom("notifications")
      .selectAll()
      .where("user_id", "=", r.user.id)
      .where("type", "=", "white_label.expired")
      .execute();
    expect(notices).toHaveLength(1);
    expect((await pl.request("/", { host: r.host })).status).toBe(503);

    // A week later the owner changes its mind: renewing restarts it, a new month from now, charged once.
    clock.set(new Date("2026-12-31T09:00:00Z"));
    const sub = await subOf(pl, r.site.uuid);
    const [again, twice] = await Promise.all([send(pl, r.token, api(r, "/renew")), send(pl, r.token, api(r, "/renew"))]);
    expect([again.status, twice.status].sort()).toEqual([200, 409]);
    expect(await charges(pl, r.user.id)).toHaveLength(1);
    expect(await balanceOf(pl, r.user.id)).toBe(before - sub.price);
    const restarted = await subOf(pl, r.site.uuid);
    expect(restarted).toMatchObject({ status: "active", cancel_requested_at: null, canceled_at: null });
    expect(new Date(`${restarted.current_period_start.replace(" ", "T")}Z`).toISOString()).toBe("2026-12-31T09:00:00.000Z");
    expect((await siteRow(pl, r.site.uuid)).status).toBe("active");
    expect((await pl.request("/", { host: r.host })).status).toBe(200);
    await expectLedgerHolds(pl);
  });

  it("deleting a site is refused while its customers hold money, with the reason, and done once settled", async () => {
    const pl = await setup();
    const r: Reseller = await resellerSite(pl, "100000");
    const rich = await customerOf(pl, r, "2500");
    const method = await activeMethod(pl, r);
    const waiting = await pendingDeposit(pl, r, rich, method.id, "1000");

    const wrongSlug = await send(pl, r.token, api(r, "/delete"), { confirm_slug: "not-it" });
    expect(wrongSlug.status).toBe(422);
    const refused = await send(pl, r.token, api(r, "/delete"), { confirm_slug: r.site.slug });
    expect(refused.status).toBe(409);
    const err = (await body(refused)).error;
    expect(err.code).toBe("site_holds_money");
    expect(err.details).toMatchObject({ customers_with_balance: 1, balance_total: m("2500"), pending_deposits: 1, pending_total: m("1000"), active_orders: 0 });
    expect((await siteRow(pl, r.site.uuid)).status).toBe("active");

    const rejected = await send(pl, r.token, api(r, `/deposits/${waiting.id}/verify`), { action: "reject" });
    expect(rejected.status).toBe(200);
    const zeroed = await send(pl, r.token, api(r, `/customers/${rich.id}/adjust-balance`), { amount: "-2500", reason: "Remboursé en espèces" });
    expect(zeroed.status).toBe(200);

    const deleted = await send(pl, r.token, api(r, "/delete"), { confirm_slug: r.site.slug.toUpperCase() });
    expect(deleted.status).toBe(200);
    const row = await siteRow(pl, r.site.uuid);
    expect(row).toMatchObject({ status: "disabled", custom_domain: null });
    expect(row.deleted_at).not.toBeNull();
    expect((await subOf(pl, r.site.uuid)).status).toBe("canceled");
    const gone = await pl.services.db.selectFrom("users").selectAll().where("id", "=", rich.id).executeTakeFirstOrThrow();
    expect(gone.deleted_at).not.toBeNull();
    expect(gone.email).not.toBe(rich.email);
    expect((await pl.request(api(r), { token: r.token })).status).toBe(404);
    expect((await pl.request("/", { host: r.host })).status).toBe(503);
    await expectLedgerHolds(pl);
  });

  it("another owner's site, invoices and actions are 404s", async () => {
    const pl = await setup();
    const a = await resellerSite(pl, "100000");
    const b = await resellerSite(pl, "100000");
    const starter = await planBySlug(pl, "starter");
    const invoice = (await body(await pl.request(api(a, "/invoices"), { token: a.token }))).data[0];
    expect((await pl.request(api(a, "/invoices"), { token: b.token })).status).toBe(404);
    expect((await pl.request(api(a, `/invoices/${invoice.uuid}`), { token: b.token })).status).toBe(404);
    // B's own site does not lend A's invoice either.
    expect((await pl.request(api(b, `/invoices/${invoice.uuid}`), { token: b.token })).status).toBe(404);
    for (const [path, json] of [
      ["/plan", { plan_id: starter.id, billing_cycle: "monthly" }],
      ["/plan/quote", { plan_id: starter.id, billing_cycle: "monthly" }],
      ["/cancel", {}],
      ["/delete", { confirm_slug: a.site.slug }],
    ] as const) {
      expect((await send(pl, b.token, api(a, path), json)).status).toBe(404);
    }
    expect((await subOf(pl, a.site.uuid)).cancel_requested_at).toBeNull();
    expect((await siteRow(pl, a.site.uuid)).deleted_at).toBeNull();
    await fund(pl, b.user.id, "1");
    await expectLedgerHolds(pl);
  });
});
