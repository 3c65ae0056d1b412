import type { Insertable } from "kysely";
import type { Ctx } from "../context.ts";
import type { ProviderLogsTable } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";

export const REDACTED = "[redacted]";
const MAX_RESPONSE_CHARS = 4000;

interface ProviderCallRecord {
  providerId: number;
  orderId?: number | null;
  action: string;
  /** The form fields sent, key included: it is replaced here, before anything is stored. */
  fields: Record<string, string>;
  response: string | null;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** Removes every occurrence of the provider key from a text (some panels echo the request). */
export function scrubKey(text: string, apiKey: string): string {
  return apiKey.length >= 4 ? text.split(apiKey).join(REDACTED) : text;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

export type ProviderLogRow = Insertable<ProviderLogsTable>;

/** The provider_logs row of one call, the key redacted from what was sent, answered and failed. */
export function providerLogRow(ctx: Ctx, apiKey: string, call: ProviderCallRecord): ProviderLogRow {
  const request: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.fields)) request[name] = name === "key" ? REDACTED : scrubKey(value, apiKey);
  return {
    provider_id: call.providerId,
    order_id: call.orderId ?? null,
    action: call.action.slice(0, 30),
    request: JSON.stringify(request),
    response: call.response === null ? null : truncate(scrubKey(call.response, apiKey), MAX_RESPONSE_CHARS),
    http_status: call.httpStatus,
    duration_ms: Math.max(0, Math.round(call.durationMs)),
    error: call.error === null ? null : truncate(scrubKey(call.error, apiKey), 480),
    created_at: dbNow(ctx.clock),
  };
}

/** Writes call rows in one INSERT (a dispatch run logs its calls together); a failure to log never fails the calls. */
export async function writeProviderLogs(ctx: Ctx, rows: ProviderLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await ctx.db.insertInto("provider_logs").values(rows).execute();
  } catch (err) {
    ctx.logger.warn("could not write provider logs", { provider_id: rows[0]!.provider_id, calls: rows.length, error: String(err) });
  }
}

/** One provider_logs row per call; a failure to log never fails the call itself. */
export async function logProviderCall(ctx: Ctx, apiKey: string, call: ProviderCallRecord): Promise<void> {
  await writeProviderLogs(ctx, [providerLogRow(ctx, apiKey, call)]);
}
