import type { AppState, Ctx } from "../context.ts";
import { appSlot } from "../context.ts";
import type { GatewayKind } from "../db/schema.ts";

/** The simulated gateway this app started (development only): where it listens and the credentials it takes. */
interface SimulatedGatewayInfo {
  url: string;
  /** The credentials it takes, per kind of gateway it speaks. */
  credentials: Partial<Record<GatewayKind, Record<string, string>>>;
}

const slot = appSlot<{ current: SimulatedGatewayInfo | null }>("simulated-gateway", () => ({ current: null }));

/** The running simulated gateway, or null (production, or a real gateway configured): then only real adapters are offered. */
export function simulatedGateway(ctx: Pick<Ctx, "state">): SimulatedGatewayInfo | null {
  return ctx.state.get(slot).current;
}

/** Called by whoever starts the simulated gateway (npm start's bootstrap, tests). */
export function announceSimulatedGateway(state: AppState, info: SimulatedGatewayInfo | null): void {
  state.get(slot).current = info;
}
