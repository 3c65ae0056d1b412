import type { AppServices } from "../context.ts";
import { systemCtx } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { bookingCurrency } from "../settings/service.ts";
import { forTenant, onPlatform } from "../tenancy/scoped.ts";
import { sealCredentials } from "../payment-gateways/accounts.ts";
import { announceSimulatedGateway } from "../payment-gateways/simulated.ts";
import { startSimGateway, type Deliver, type SimGateway } from "./server.ts";

/** The platform's gateway accounts that point to the simulated gateway, one per kind it speaks. */
const SIM_ACCOUNTS = [
  // CinetPay's own smallest payment.
  { code: "simulated", kind: "cinetpay", name: "CinetPay (simulé)", min: 100_000_000 },
  { code: "simulated-fedapay", kind: "fedapay", name: "FedaPay (simulé)", min: 100_000_000 },
] as const;

interface GatewaysHandle {
  sim: SimGateway | null;
  stop(): Promise<void>;
}

/**
 * For `npm start` in the embedded default: when the platform has no real gateway account and this is not
 * production, starts the simulated gateway on loopback and points the platform's "simulated" CinetPay and
 * "simulated-fedapay" FedaPay accounts at it. Otherwise the simulated accounts are switched off.
 */
export async function startGateways(services: AppServices, deliver?: Deliver): Promise<GatewaysHandle> {
  const ctx = systemCtx(services);
  const scope = onPlatform(ctx.db);
  const codes = SIM_ACCOUNTS.map((a) => a.code);
  const real = await scope.selectFrom("gateway_accounts").select("id").where("code", "not in", codes).where("is_active", "=", 1).executeTakeFirst();
  const stored = await scope.selectFrom("gateway_accounts").selectAll().where("code", "in", codes).execute();
  const now = dbNow(ctx.clock);
  if (services.config.NODE_ENV === "production" || real) {
    const active = stored.filter((a) => a.is_active).map((a) => a.id);
    if (active.length) await scope.updateTable("gateway_accounts").set({ is_active: 0, updated_at: now }).where("id", "in", active).execute();
    return { sim: null, stop: async () => {} };
  }
  // The simulated gateway keeps its payments in memory: each start gets fresh credentials, stored sealed.
  const sim = await startSimGateway({ deliver });
  const currency = await bookingCurrency(ctx);
  for (const a of SIM_ACCOUNTS) {
    const credentials = sealCredentials(ctx, 0, a.code, a.kind === "fedapay" ? sim.fedapay : sim.credentials);
    const row = stored.find((s) => s.code === a.code);
    if (row) {
      await scope
        .updateTable("gateway_accounts")
        .set({ api_base: sim.url, credentials, currency, is_active: 1, updated_at: now })
        .where("id", "=", row.id)
        .execute();
    } else {
      await scope
        .insertInto("gateway_accounts", {
          code: a.code,
          kind: a.kind,
          name: a.name,
          mode: "simulated",
          api_base: sim.url,
          credentials,
          currency,
          min_amount: a.min,
          sort_order: a.kind === "fedapay" ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }
  // Resellers may point their own account at it to try automatic payments: theirs follow its new address and credentials.
  announceSimulatedGateway(services.state, { url: sim.url, credentials: { cinetpay: { ...sim.credentials }, fedapay: { ...sim.fedapay } } });
  const tried = await ctx.db
    .selectFrom("gateway_accounts")
    .select(["id", "site_id", "code", "kind"])
    .where("mode", "=", "simulated")
    .where((eb) => eb.or([eb("site_id", "!=", 0), eb("code", "not in", codes)]))
    .execute();
  for (const a of tried) {
    await forTenant(ctx.db, a.site_id)
      .updateTable("gateway_accounts")
      .set({ api_base: sim.url, credentials: sealCredentials(ctx, a.site_id, a.code, a.kind === "fedapay" ? sim.fedapay : sim.credentials), updated_at: now })
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
