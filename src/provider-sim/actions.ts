import { formatAmount } from "./catalog.ts";
import type { SimControl } from "./control.ts";
import { SimError } from "./errors.ts";
import type { Fields } from "./order-request.ts";
import type { OrderView } from "./progress.ts";

const MAX_BATCH = 100;

function statusAnswer(view: OrderView, currency: string) {
  return {
    charge: formatAmount(view.charge),
    start_count: String(view.startCount),
    status: view.status,
    remains: String(view.remains),
    currency,
  };
}

function idList(text: string | undefined): string[] {
  const ids = (text ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new SimError("Incorrect request");
  if (ids.length > MAX_BATCH) throw new SimError(`Maximum ${MAX_BATCH} IDs per request`);
  return ids;
}

/** Batch answers carry the id as a number when it is one, as panels do. */
function idValue(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

/** A refusal inside a batch answer, instead of failing the whole request. */
function orError<T>(run: () => T): T | { error: string } {
  try {
    return run();
  } catch (err) {
    if (err instanceof SimError) return { error: err.message };
    throw err;
  }
}

/** Answers one API v2 call (the key is already checked); refusals are thrown as SimError. */
export function answerAction(sim: SimControl, f: Fields): unknown {
  switch (f.action) {
    case "services":
      return sim.listings();
    case "balance":
      return { balance: sim.balance(), currency: sim.currency() };
    case "add":
      return { order: sim.placeOrder(f) };
    case "status": {
      if (f.orders !== undefined) {
        const mode = sim.batchStatusMode();
        if (mode === "unsupported") throw new SimError("Incorrect order ID");
        if (mode === "empty") return [];
        const ids = idList(f.orders);
        if (mode === "list") return ids.map((id) => ({ order: idValue(id), ...orError(() => statusAnswer(sim.orderStatus(id), sim.currency())) }));
        const answer: Record<string, unknown> = {};
        for (const id of ids) answer[id] = orError(() => statusAnswer(sim.orderStatus(id), sim.currency()));
        return answer;
      }
      if (!f.order) throw new SimError("Incorrect order ID");
      return statusAnswer(sim.orderStatus(f.order), sim.currency());
    }
    case "refill": {
      if (f.orders !== undefined) {
        return idList(f.orders).map((id) => ({ order: idValue(id), refill: orError(() => sim.requestRefill(id)) }));
      }
      if (!f.order) throw new SimError("Incorrect order ID");
      return { refill: String(sim.requestRefill(f.order)) };
    }
    case "refill_status": {
      if (f.refills !== undefined) {
        return idList(f.refills).map((id) => ({ refill: idValue(id), status: orError(() => sim.refillStatus(id)) }));
      }
      if (!f.refill) throw new SimError("Refill not found");
      return { status: sim.refillStatus(f.refill) };
    }
    case "cancel":
      return idList(f.orders ?? f.order).map((id) => ({
        order: idValue(id),
        cancel: orError(() => {
          sim.cancelOrder(id);
          return 1;
        }),
      }));
    default:
      throw new SimError("Incorrect request");
  }
}
