import { afterAll, beforeAll, expect, it } from "vitest";
import { checkAfterRun } from "../../bench/load-checks.ts";
import { SITES, describeEachDialect, uniqueName } from "../harness/platform.ts";
import { registerUser } from "../../src/auth/service.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { ALL_PERMISSIONS, fund, v2 } from "../developer-api/helpers.ts";
import { addService, closeWorld, fundedUser, orderWorld, type World } from "../orders/support.ts";
import { siteWith } from "../chain/support.ts";

// `npm run bench:load` fails CI on what this checker reports: it must see a lost, a doubled or an unasked-for order, and a broken ledger.
describeEachDialect("the load test's check after the run", (dialect) => {
  let w: World;
  let host: string;
  let placed: string;
  const check = (o: { placed: string[]; seeded?: number; unanswered?: number }) =>
    checkAfterRun({
      databaseUrl: w.p.services.config.DATABASE_URL!,
      dataDir: w.p.services.config.DATA_DIR,
      sitesDomain: SITES,
      seeded: o.seeded ?? 0,
      unanswered: o.unanswered ?? 0,
      placed: o.placed,
    });

  beforeAll(async () => {
    w = await orderWorld(dialect);
    const service = await addService(w, { rate: "1000" });
    const shop = await siteWith(w, { resellerFunds: "50000" });
    const ctx = w.p.ctx(shop.tenant);
    host = shop.host;
    const customer = await registerUser(ctx, {
      username: uniqueName("c"),
      email: `${uniqueName("c")}@example.com`,
      password: "correct-horse-9",
      welcome: false,
    });
    await fund(w.p, customer.id, "3000", ctx);
    const key = (await createApiKey(ctx, customer.id, { name: "load", permissions: ALL_PERMISSIONS })).raw;
    const added = await v2(w.p, { key, action: "add", service: service.id, link: "https://x.com/a", quantity: 100 }, { host });
    placed = `${host}#${added.json.order}`;
  });
  afterAll(() => closeWorld(w));

  it("finds nothing wrong when every answered order is written once, with its platform order", async () => {
    const after = await check({ placed: [placed] });
    expect(after.problems).toEqual([]);
    expect(after).toMatchObject({ answered: 1, inDatabase: 1, missing: 0, answeredTwice: 0, brokenChains: 0, ledgerViolations: 0 });
  });

  it("reports an answered order missing from the database, and one number answered twice", async () => {
    const after = await check({ placed: [placed, placed, `${host}#999999`] });
    expect(after).toMatchObject({ missing: 1, answeredTwice: 1 });
    expect(after.problems).toHaveLength(3);
  });

  it("reports an order written that nobody was answered for, unless a request was cut at the end", async () => {
    expect((await check({ placed: [] })).problems).toEqual(["1 orders written for 0 answered (and 0 cut at the end)"]);
    expect((await check({ placed: [], unanswered: 1 })).problems).toEqual([]);
  });

  it("reports a balance that no longer matches its ledger", async () => {
    const someone = await fundedUser(w, "10");
    await w.p.services.db.updateTable("users").set({ balance: 1 }).where("id", "=", someone.user.id).execute();
    const after = await check({ placed: [placed] });
    expect(after.ledgerViolations).toBe(1);
    expect(after.problems[0]).toMatch(/^ledger invariant broken for 1 users/);
  });
});
