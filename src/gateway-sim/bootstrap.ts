import type { AppServices } from "../context.ts";
import { systemCtx } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { bookingCurrency } from "../settings/service.ts";
import { forTenant, onPlatform } from "../tenancy/scoped.ts";
import { sealCredentials } from "../payment-gateways/accounts.ts";
import { announceSimulatedGateway } from "../payment-gateways/simulated.ts";
import { startSimGateway, type Deliver, type SimGateway } from "./server.ts";

/** The code of the platform's gateway account that points to the simulated gateway. */
const SIM_GATEWAY_CODE = "simulated";

interface GatewaysHandle {
  sim: SimGateway | null;
  stop(): Promise<void>;
}

/**
 * For `npm start` in the embedded default: when the platform has no real gateway account and this is not
 * production, starts the simulated gateway on loopback and points the platform's "simulated" CinetPay
 * account at it. Otherwise the simulated account is switched off.
 */
export async function startGateways(services: AppServices, deliver?: Deliver): Promise<GatewaysHandle> {
  const ctx = systemCtx(services);
  const scope = onPlatform(ctx.db);
  const real = await scope.selectFrom("gateway_accounts").select("id").where("code", "!=", SIM_GATEWAY_CODE).where("is_active", "=", 1).executeTakeFirst();
  const stored = await scope.selectFrom("gateway_accounts").selectAll().where("code", "=", SIM_GATEWAY_CODE).executeTakeFirst();
  const now = dbNow(ctx.clock);
  if (services.config.NODE_ENV === "production" || real) {
    if (stored?.is_active) await scope.updateTable("gateway_accounts").set({ is_active: 0, updated_at: now }).where("id", "=", stored.id).execute();
    return { sim: null, stop: async () => {} };
  }
  // The simulated gateway keeps its payments in memory: each start gets fresh credentials, stored sealed.
  const sim = await startSimGateway({ deliver });
  const credentials = sealCredentials(ctx, 0, SIM_GATEWAY_CODE, sim.credentials);
  const currency = await bookingCurrency(ctx);
  if (stored) {
    await scope
      .updateTable("gateway_accounts")
      .set({ api_base: sim.url, credentials, currency, is_active: 1, updated_at: now })
      .where("id", "=", stored.id)
      .execute();
  } else {
    await scope
      .insertInto("gateway_accounts", {
        code: SIM_GATEWAY_CODE,
        kind: "cinetpay",
        name: "CinetPay (simulé)",
        mode: "simulated",
        api_base: sim.url,
        credentials,
        currency,
        // CinetPay's own smallest payment.
        min_amount: 100_000_000,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  // Resellers may point their own account at it to try automatic payments: theirs follow its new address and credentials.
  announceSimulatedGateway(services.state, { url: sim.url, credentials: { ...sim.credentials } });
  const tried = await ctx.db
    .selectFrom("gateway_accounts")
    .select(["id", "site_id", "code"])
    .where("mode", "=", "simulated")
    .where("code", "!=", SIM_GATEWAY_CODE)
    .execute();
  for (const a of tried) {
    await forTenant(ctx.db, a.site_id)
      .updateTable("gateway_accounts")
      .set({ api_base: sim.url, credentials: sealCredentials(ctx, a.site_id, a.code, sim.credentials), updated_at: now })
      .where("id", "=", a.id)
      .execute();
  }
  services.logger.info("simulated payment gateway started", { url: sim.url });
  return {
    sim,
    stop: async () => {
      announceSimulatedGateway(services.state, null);
      await sim.close();
    },
  };
}
