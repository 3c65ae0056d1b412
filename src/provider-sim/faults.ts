import { z } from "zod";
import { SimError } from "./errors.ts";

export const SIM_ACTIONS = ["services", "add", "status", "refill", "refill_status", "cancel", "balance"] as const;
type SimAction = (typeof SIM_ACTIONS)[number];

/**
 * What a real panel (or the Cloudflare edge in front of it) does wrong, one kind per behaviour.
 *
 * Nothing done (the panel did not act): latency: answer normally after `ms`; http500: plain 500
 * (crashed before acting); hang: never answer (until the client gives up or the server stops);
 * error: `{"error": message}` with HTTP 200; badjson: HTTP 200 with a truncated JSON body;
 * http429: rate limited by a proxy; cf502, cf521, cf522, cf523: Cloudflare's own error page (the
 * origin was not reached); errorFunds, errorKey, errorRateLimit, errorMaintenance: the panel's
 * refusals about our account or itself (`message` replaces the text); redirectOtherHost: a 307 to
 * `location` (default another host).
 *
 * Done, then answered badly (see ACTING_FAULTS): acceptThenHang: never answer; http503, http504;
 * cf520, cf524: Cloudflare's page after the origin had the request; origin502: the panel's own
 * nginx 502 page (through Cloudflare); emptyBody, nonJson: HTTP 200 without JSON; orderZero:
 * `{"order":0}`; truncated: the connection ends mid-answer; resetAfterRequest: the connection is
 * reset once the request was read; hugeBody: a JSON answer of `bytes` (default 20 MB).
 */
const FAULT_KINDS = [
  "latency",
  "http500",
  "hang",
  "error",
  "badjson",
  "acceptThenHang",
  "http503",
  "http504",
  "http429",
  "cf502",
  "cf520",
  "cf521",
  "cf522",
  "cf523",
  "cf524",
  "origin502",
  "emptyBody",
  "nonJson",
  "orderZero",
  "truncated",
  "resetAfterRequest",
  "hugeBody",
  "errorFunds",
  "errorKey",
  "errorRateLimit",
  "errorMaintenance",
  "redirectOtherHost",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults after which the panel has done the action (an `add` created its order). */
export const ACTING_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "acceptThenHang",
  "http503",
  "http504",
  "cf520",
  "cf524",
  "origin502",
  "emptyBody",
  "nonJson",
  "orderZero",
  "truncated",
  "resetAfterRequest",
  "hugeBody",
]);

export const faultSpecSchema = z.object({
  /** Omitted: every action. */
  action: z.enum(SIM_ACTIONS).optional(),
  kind: z.enum(FAULT_KINDS),
  ms: z.number().int().min(0).max(600_000).optional(),
  message: z.string().min(1).optional(),
  /** redirectOtherHost: where to. */
  location: z.url().optional(),
  /** hugeBody: the answer's size. */
  bytes: z
    .number()
    .int()
    .min(1)
    .max(200 * 1024 * 1024)
    .optional(),
  /** Omitted: until cleared. */
  times: z.number().int().min(1).optional(),
});

export type FaultSpec = z.input<typeof faultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  id: number;
  /** Calls left before the fault goes away; null = until cleared. */
  remaining: number | null;
}

/** What to do to one call: wait `latencyMs`, then misbehave as `fault` says (if any). */
interface FaultPlan {
  latencyMs: number;
  fault?: ActiveFault;
}

export function createFaultBoard() {
  let faults: ActiveFault[] = [];
  let nextId = 1;

  function use(fault: ActiveFault): void {
    if (fault.remaining === null) return;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
  }

  return {
    setFault(spec: FaultSpec): number {
      const parsed = faultSpecSchema.safeParse(spec);
      if (!parsed.success) throw new SimError(`Incorrect fault: ${z.prettifyError(parsed.error)}`);
      const fault: ActiveFault = { ...parsed.data, id: nextId++, remaining: parsed.data.times ?? null };
      faults.push(fault);
      return fault.id;
    },

    /** Clears every fault, or only those set for `action`. Returns how many went. */
    clearFaults(action?: SimAction): number {
      const before = faults.length;
      faults = action ? faults.filter((f) => f.action !== action) : [];
      return before - faults.length;
    },

    listFaults: (): ActiveFault[] => faults.map((f) => ({ ...f })),

    /** Latencies add up; of the other faults, the one set first applies, so faults can be queued with `times`. */
    planFor(action: string): FaultPlan {
      const matching = faults.filter((f) => f.action === undefined || f.action === action);
      let latencyMs = 0;
      for (const f of matching.filter((f) => f.kind === "latency")) {
        latencyMs += f.ms ?? 1_000;
        use(f);
      }
      const fault = matching.find((f) => f.kind !== "latency");
      if (fault) use(fault);
      return { latencyMs, fault };
    },
  };
}

export type FaultBoard = ReturnType<typeof createFaultBoard>;
