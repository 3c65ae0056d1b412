import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { insertSite } from "../storefront/helpers.ts";
import { startGateways } from "../../src/gateway-sim/bootstrap.ts";
import { simulatedGateway } from "../../src/payment-gateways/simulated.ts";
import { gatewayFor } from "../../src/payment-gateways/accounts.ts";
import { gatewayAccount, simGatewayFor } from "./helpers.ts";

describeEachDialect("npm start's simulated gateway and the resellers' simulated accounts", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("each start re-points a reseller's simulated account at the new simulator and its credentials; stopping withdraws the offer", async () => {
    const s = await insertSite(p);
    // An account made against an earlier run of the simulator (since gone).
    const old = await simGatewayFor(p);
    const id = await gatewayAccount(p, old, { siteId: s.site.id });
    await old.close();

    expect(simulatedGateway(p.ctx())).toBeNull();
    const started = await startGateways(p.services, async () => ({ status: 200 }));
    try {
      expect(started.sim).not.toBeNull();
      expect(simulatedGateway(p.ctx())?.url).toBe(started.sim!.url);
      const row = await p.services.db.selectFrom("gateway_accounts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      expect(row.api_base).toBe(started.sim!.url);
      expect(await gatewayFor(p.ctx(), row).testConnection()).toBe(true);
    } finally {
      await started.stop();
    }
    expect(simulatedGateway(p.ctx())).toBeNull();
  });
});
