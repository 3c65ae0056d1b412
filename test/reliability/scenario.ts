import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ageInFlightClaims, moneyAndOrdersHold, waitForRecovery } from "./checks.ts";
import { startLoad, type LoadRun, type LoadResult } from "./load.ts";
import { record, say } from "./report.ts";
import type { World } from "./world.ts";

/** RELIABILITY_SMOKE=1: every scenario, with short windows and fewer orders (CI). */
export const SMOKE = process.env.RELIABILITY_SMOKE === "1";

/** A fault's length: the smoke's, or the full run's. */
export const windowMs = (smokeMs: number, fullMs: number) => (SMOKE ? smokeMs : fullMs);

/** Clients placing orders against the running instances for the scenario named. */
export function loadFor(w: World, scenario: string): LoadRun {
  const load = startLoad({
    scenario,
    instances: () => w.instances,
    clients: w.clients,
    serviceId: w.serviceId,
    quantity: w.quantity,
    pauseMs: SMOKE ? 40 : 25,
    keyDeadlineMs: windowMs(20_000, 180_000),
  });
  if (!SMOKE) return load;
  const ageing = setInterval(() => void ageInFlightClaims(w).catch(() => {}), 1_000);
  return {
    ...load,
    async stop() {
      try {
        return await load.stop();
      } finally {
        clearInterval(ageing);
      }
    },
  };
}

/**
 * A scenario's end, the same for all: the load stops (each client resolves the key it is on), every
 * order is brought to sent or refunded by the platform's jobs (and an admin for orders of unknown
 * dispatch), then money and orders are checked. Throws with every problem found.
 */
export async function finish(w: World, scenario: string, load: LoadRun, notes: string[] = []): Promise<LoadResult> {
  say(`${scenario}: stopping the load`);
  const result = await load.stop();
  say(`${scenario}: ${result.placed.length} orders placed; waiting until each is sent or refunded`);
  const { ms, reconciled } = await waitForRecovery(w, {
    smoke: SMOKE,
    timeoutMs: windowMs(60_000, 300_000),
    via: () => w.instances.find((i) => i.running())!,
  });
  if (reconciled) notes.push(`${reconciled} orders of unknown dispatch reconciled by the admin`);
  const problems = await moneyAndOrdersHold(w, result);
  if (result.status5xx) problems.push(`${result.status5xx} answers were 5xx other than 503`);
  if (result.unresolved.length) notes.push(`unresolved keys: ${result.unresolved.map((u) => `${u.key} (${u.last.slice(0, 80)})`).join("; ")}`);
  const lost = lostLockLines(w);
  if (lost) problems.push(`${lost} "job lock lost" lines in the instances' logs`);
  record({
    scenario,
    placed: result.placed.length,
    replayed: result.replayed,
    status503: result.status503,
    status5xx: result.status5xx,
    connectionErrors: result.connectionErrors,
    conflicts409: result.conflicts409,
    unresolved: result.unresolved.length,
    polls: result.polls,
    recoveryMs: ms,
    notes,
  });
  if (problems.length) throw new Error(`${scenario}:\n  ${problems.join("\n  ")}`);
  return result;
}

/** Lines where an instance found its job lease taken by another: two instances would then run one job at once. */
function lostLockLines(w: World): number {
  let n = 0;
  for (const i of w.instances) {
    try {
      n += readFileSync(join(w.logDir, `${i.name}.log`), "utf8")
        .split("\n")
        .filter((l) => l.includes("job lock lost")).length;
    } catch {
      // no log yet
    }
  }
  return n;
}
