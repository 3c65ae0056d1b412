import { setTimeout as delay } from "node:timers/promises";
import type { Ctx } from "../context.ts";
import type { Micro } from "../money/money.ts";
import { NotFound } from "../core/errors.ts";
import { ProviderError, classifyExchangeFailure, classifyHttpFailure, refusal } from "./errors.ts";
import { PROVIDER_CONNECTIONS, postForm } from "./http.ts";
import { logProviderCall, providerLogRow, scrubKey, type ProviderLogRow } from "./log.ts";
import { openProviderKey } from "./provider-key.ts";
import {
  isRecord,
  mapRefillStatus,
  parseProviderAmount,
  readOrderState,
  readProviderService,
  type ProviderOrderState,
  type ProviderRefillStatus,
  type ProviderService,
} from "./wire.ts";

export { ProviderError, isProviderError, type BlockCause, type ProviderErrorKind } from "./errors.ts";
export type { ProviderOrderState, ProviderOrderStatus, ProviderRefillStatus, ProviderService } from "./wire.ts";

/** Where and how to reach one provider (a row of api_providers). */
export interface ProviderTarget {
  id: number;
  url: string;
  /** As api_providers stores it (sealed), or plain. */
  apiKey: string;
}

export interface ClientOptions {
  /** Per call; default config PROVIDER_TIMEOUT_MS (15 s). */
  timeoutMs?: number;
  /** Extra attempts of read-only calls after a transient failure; default 2. */
  retries?: number;
  /** First backoff delay, doubled each time; default 250 ms. */
  retryDelayMs?: number;
  /** Collects each call's provider_logs row here instead of writing it at once: the caller writes them (writeProviderLogs). */
  logTo?: ProviderLogRow[];
}

/** Extra fields of an `add` beyond action and key: service, link, quantity, runs, interval, comments… */
type AddFields = Record<string, string | number>;

interface CallOptions {
  /** Our order, for provider_logs. */
  orderId?: number | null;
}

export type BatchStatus = ProviderOrderState | { error: string };
interface CancelResult {
  order: string;
  ok: boolean;
  error?: string;
}

const MAX_BATCH = 100;
/** Answer size caps: a whole catalogue may be large; nothing else a panel says needs a megabyte. */
const CATALOGUE_CAP = 16 * 1024 * 1024;
const ANSWER_CAP = 1024 * 1024;

/**
 * The standard SMM API v2 client: form-encoded POSTs of `key`, `action` and fields; every call is
 * logged in provider_logs with the key redacted; failures are typed ProviderErrors (errors.ts).
 * Read-only actions retry transient failures with a short backoff; add, refill and cancel never
 * retry here: only the caller knows whether repeating them is safe.
 */
export function providerClient(ctx: Ctx, target: ProviderTarget, opts: ClientOptions = {}) {
  const provider = { ...target, apiKey: openProviderKey(ctx.config, target.apiKey) };
  const timeoutMs = opts.timeoutMs ?? ctx.config.PROVIDER_TIMEOUT_MS ?? 15_000;
  const retries = opts.retries ?? 2;
  const retryDelayMs = opts.retryDelayMs ?? 250;

  async function once(action: string, fields: Record<string, string>, orderId: number | null): Promise<unknown> {
    const sent = { key: provider.apiKey, action, ...fields };
    const started = performance.now();
    let httpStatus: number | null = null;
    let text: string | null = null;
    let result: unknown;
    let failure: ProviderError | null = null;
    try {
      const maxBytes = action === "services" ? CATALOGUE_CAP : ANSWER_CAP;
      const answer = await postForm(provider.url, new URLSearchParams(sent).toString(), {
        timeoutMs,
        maxBytes,
        allowPrivate: ctx.config.PROVIDER_ALLOW_PRIVATE_URLS,
        connections: ctx.state.get(PROVIDER_CONNECTIONS),
      });
      httpStatus = answer.status;
      text = answer.text;
      result = readAnswer(action, httpStatus, text);
    } catch (err) {
      failure = err instanceof ProviderError ? err : classifyExchangeFailure(err, action, timeoutMs);
    }
    // Some panels echo the request in their errors: the key must not travel further with the message.
    if (failure) failure.message = scrubKey(failure.message, provider.apiKey);
    const error = failure ? `${failure.kind}: ${failure.message}` : null;
    const call = { providerId: provider.id, orderId, action, fields: sent, response: text, httpStatus, durationMs: performance.now() - started, error };
    if (opts.logTo) opts.logTo.push(providerLogRow(ctx, provider.apiKey, call));
    else await logProviderCall(ctx, provider.apiKey, call);
    if (failure) throw failure;
    return result;
  }

  // A read-only call is safe to repeat after a 5xx too; add, refill and cancel never are.
  const retryable = (err: ProviderError) => err.kind === "transient" || (err.kind === "unknown" && err.httpStatus !== null && err.httpStatus >= 500);

  async function call(action: string, fields: Record<string, string>, o: CallOptions & { readOnly: boolean }): Promise<unknown> {
    const attempts = o.readOnly ? 1 + retries : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(action, fields, o.orderId ?? null);
      } catch (err) {
        if (!(err instanceof ProviderError) || !retryable(err) || attempt >= attempts) throw err;
        await delay(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  const unexpected = (action: string, what: string) => new ProviderError("unknown", action, `Unexpected answer: ${what}`);

  return {
    providerId: provider.id,

    /** The provider's catalogue; entries without an id or a name are left out, those without a price are for the sync to report. */
    async services(): Promise<ProviderService[]> {
      const answer = await call("services", {}, { readOnly: true });
      const list = Array.isArray(answer) ? answer : isRecord(answer) ? Object.values(answer) : null;
      if (!list) throw unexpected("services", "not a list");
      const out: ProviderService[] = [];
      const seen = new Set<string>();
      for (const item of list) {
        const s = readProviderService(item);
        if (!s || seen.has(s.service)) continue;
        seen.add(s.service);
        out.push(s);
      }
      return out;
    },

    /** Places an order; the answer's order id as text. Never retried here; an answer without a real id (`{"order":0}`) is unknown. */
    async add(fields: AddFields, o: CallOptions = {}): Promise<{ order: string }> {
      const form = Object.fromEntries(
        Object.entries(fields)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => [k, String(v)]),
      );
      const answer = await call("add", form, { ...o, readOnly: false });
      const order = isRecord(answer) ? answer.order : undefined;
      const id = typeof order === "string" || typeof order === "number" ? String(order).trim() : "";
      if (id === "" || /^[-+]?0*$/.test(id) || id.startsWith("-")) throw unexpected("add", `no order id (${JSON.stringify(order ?? null)})`);
      return { order: id };
    },

    async status(providerOrderId: string, o: CallOptions = {}): Promise<ProviderOrderState> {
      const answer = await call("status", { order: providerOrderId }, { ...o, readOnly: true });
      const state = readOrderState(answer);
      if (!state) throw unexpected("status", "no recognised status");
      return state;
    },

    /**
     * Up to 100 orders in one call (`orders=`); each id the answer names maps to its state or to the
     * provider's refusal for it. Ids it does not name are absent: a panel that does not answer
     * `orders=` (an answer not keyed by id) leaves them all absent, to be asked one by one.
     */
    async statuses(providerOrderIds: string[]): Promise<Map<string, BatchStatus>> {
      if (providerOrderIds.length > MAX_BATCH) throw new RangeError(`at most ${MAX_BATCH} orders per status call`);
      const out = new Map<string, BatchStatus>();
      if (providerOrderIds.length === 0) return out;
      const answer = await call("status", { orders: providerOrderIds.join(",") }, { readOnly: true });
      const byId = statusesById(answer);
      for (const id of providerOrderIds) {
        const item = byId.get(id);
        if (item === undefined) continue;
        if (isRecord(item) && item.error !== undefined && item.error !== null) out.set(id, { error: String(item.error) });
        else out.set(id, readOrderState(item) ?? { error: "Unrecognised status" });
      }
      return out;
    },

    async balance(): Promise<{ balance: Micro; currency: string | null }> {
      const answer = await call("balance", {}, { readOnly: true });
      const balance = isRecord(answer) ? parseProviderAmount(answer.balance) : null;
      if (balance === null || !isRecord(answer)) throw unexpected("balance", "no balance");
      return { balance, currency: typeof answer.currency === "string" ? answer.currency : null };
    },

    /** Asks for a refill; the provider's refill id. Never retried here. */
    async refill(providerOrderId: string, o: CallOptions = {}): Promise<{ refill: string }> {
      const answer = await call("refill", { order: providerOrderId }, { ...o, readOnly: false });
      const refill = isRecord(answer) ? answer.refill : undefined;
      if ((typeof refill !== "string" && typeof refill !== "number") || String(refill).trim() === "") throw unexpected("refill", "no refill id");
      return { refill: String(refill).trim() };
    },

    async refillStatus(providerRefillId: string, o: CallOptions = {}): Promise<{ status: ProviderRefillStatus }> {
      const answer = await call("refill_status", { refill: providerRefillId }, { ...o, readOnly: true });
      const status = isRecord(answer) ? mapRefillStatus(answer.status) : null;
      if (!status) throw unexpected("refill_status", "no recognised status");
      return { status };
    },

    /** Asks to cancel orders; one result per id (accepted or refused). Never retried here. */
    async cancel(providerOrderIds: string[], o: CallOptions = {}): Promise<CancelResult[]> {
      if (providerOrderIds.length === 0) return [];
      if (providerOrderIds.length > MAX_BATCH) throw new RangeError(`at most ${MAX_BATCH} orders per cancel call`);
      const answer = await call("cancel", { orders: providerOrderIds.join(",") }, { ...o, readOnly: false });
      const list = Array.isArray(answer) ? answer : isRecord(answer) ? [answer] : null;
      if (!list) throw unexpected("cancel", "not a list");
      const byId = new Map<string, CancelResult>();
      for (const item of list) {
        if (!isRecord(item) || item.order === undefined) continue;
        const id = String(item.order);
        const c = item.cancel;
        const refused = isRecord(c) ? String(c.error ?? "Refused") : c === 0 || c === "0" || c === false ? "Refused" : null;
        byId.set(id, refused ? { order: id, ok: false, error: refused } : { order: id, ok: true });
      }
      return providerOrderIds.map((id) => byId.get(id) ?? { order: id, ok: false, error: "Missing from the answer" });
    },
  };
}

export type ProviderClient = ReturnType<typeof providerClient>;

/** A batched status answer by id: the usual object keyed by id, or a list of entries that carry their `order`. */
function statusesById(answer: unknown): Map<string, unknown> {
  if (Array.isArray(answer)) {
    const byId = new Map<string, unknown>();
    for (const item of answer)
      if (isRecord(item) && (typeof item.order === "string" || typeof item.order === "number")) byId.set(String(item.order).trim(), item);
    return byId;
  }
  return isRecord(answer) ? new Map(Object.entries(answer).map(([id, item]) => [id.trim(), item])) : new Map();
}

/**
 * Turns one HTTP answer into its JSON, or a typed failure: an `error` field is a refusal whatever
 * the status (about the order, or about the provider: errors.ts refusal); a 2xx that is not JSON is
 * unknown, since the provider may have acted; any other status is classified by whether the panel
 * may have acted (errors.ts classifyHttpFailure).
 */
export function readAnswer(action: string, httpStatus: number, text: string): unknown {
  let data: unknown;
  let parsed = false;
  try {
    data = JSON.parse(text);
    parsed = true;
  } catch {
    parsed = false;
  }
  if (parsed && isRecord(data) && data.error !== undefined && data.error !== null) {
    throw refusal(action, typeof data.error === "string" ? data.error : JSON.stringify(data.error), httpStatus);
  }
  if (httpStatus >= 200 && httpStatus < 300) {
    if (!parsed) throw new ProviderError("unknown", action, text.trim() === "" ? "Empty answer" : "Malformed JSON answer", { httpStatus });
    return data;
  }
  // Only Cloudflare's own page names it: behind Cloudflare every answer, the origin's too, has `Server: cloudflare`.
  throw classifyHttpFailure(action, httpStatus, /cloudflare/i.test(text.slice(0, 20_000)));
}

/** A client for a stored provider (active or not); 404 when it does not exist. */
export async function clientForProvider(ctx: Ctx, providerId: number, opts: ClientOptions = {}): Promise<ProviderClient> {
  const row = await ctx.db.selectFrom("api_providers").select(["id", "url", "api_key"]).where("id", "=", providerId).executeTakeFirst();
  if (!row) throw new NotFound("Provider not found");
  return providerClient(ctx, { id: row.id, url: row.url, apiKey: row.api_key }, opts);
}
