import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds } from "../harness/money.ts";
import { startGateways } from "../../src/gateway-sim/bootstrap.ts";
import { dbNow } from "../../src/lib/time.ts";
import { forTenant } from "../../src/tenancy/scoped.ts";

describeEachDialect("a newcomer's first run: the simulated gateway behind a CinetPay and a FedaPay account", (dialect) => {
  let p: TestPlatform;
  let gateways: Awaited<ReturnType<typeof startGateways>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    gateways = await startGateways(p.services, async (url, init) => {
      const u = new URL(url);
      const res = await p.request(u.pathname, { method: "POST", host: u.host, headers: init.headers, body: init.body });
      return { status: res.status };
    });
  });
  afterAll(async () => {
    await gateways.stop();
    await p.close();
  });

  it("offers both simulated gateways, and a top-up through the FedaPay one is credited", async () => {
    const u = await signUp(p);
    const methods = (await body(await p.request("/api/deposits/gateway/methods", { token: u.token }))).data as { id: number; kind: string; name: string }[];
    expect(methods.map((m) => [m.kind, m.name])).toEqual([
      ["cinetpay", "CinetPay (simulé)"],
      ["fedapay", "FedaPay (simulé)"],
    ]);
    const fedapay = methods.find((m) => m.kind === "fedapay")!;
    const started = await p.request("/api/deposits/gateway", { method: "POST", token: u.token, json: { gateway_account_id: fedapay.id, amount: "1000" } });
    expect(started.status).toBe(201);
    const uuid = (await body(started)).data.uuid as string;
    const at = gateways.sim!.sim.byTransaction(uuid)!;
    expect(at.kind).toBe("fedapay");
    await gateways.sim!.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(1000_000_000);
    await expectLedgerHolds(p);
  });

  it("a real account switches the simulated ones off at the next start", async () => {
    await gateways.stop();
    const now = dbNow(p.services.clock);
    await forTenant(p.services.db, 0)
      .insertInto("gateway_accounts", {
        code: "real-fedapay",
        kind: "fedapay",
        name: "FedaPay",
        credentials: "x",
        currency: "XOF",
        created_at: now,
        updated_at: now,
      })
      .execute();
    gateways = await startGateways(p.services);
    expect(gateways.sim).toBeNull();
    const sims = await forTenant(p.services.db, 0).selectFrom("gateway_accounts").select(["code", "is_active"]).where("mode", "=", "simulated").execute();
    expect(sims.map((s) => [s.code, Number(s.is_active)]).sort()).toEqual([
      ["simulated", 0],
      ["simulated-fedapay", 0],
    ]);
  });
});
