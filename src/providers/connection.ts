import type { Ctx } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import type { Micro } from "../money/money.ts";
import { readProviderBalance } from "./balances.ts";
import { providerClient, ProviderError, type ProviderErrorKind, type BlockCause } from "./client.ts";

/** What one call of the connection test found: an answer, or why there was none. */
type Outcome<T> = ({ ok: true } & T) | { ok: false; kind: ProviderErrorKind | "error"; cause: BlockCause | null; message: string };

export interface ConnectionTest {
  provider_id: number;
  balance: Outcome<{ amount: Micro; currency: string | null }>;
  services: Outcome<{ count: number; priced: number }>;
}

function failure(err: unknown): Outcome<never> {
  if (err instanceof ProviderError) return { ok: false, kind: err.kind, cause: err.blockCause, message: err.message.slice(0, 300) };
  return { ok: false, kind: "error", cause: null, message: "Unexpected error" };
}

/**
 * An admin tests a provider: its balance (stored, as the balances job does) and its catalogue (counted,
 * not imported), each call once, without retries, so the answer comes quickly.
 */
export async function testProviderConnection(ctx: Ctx, id: number): Promise<ConnectionTest> {
  const p = await ctx.db.selectFrom("api_providers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!p) throw new NotFound("Provider not found");
  const client = providerClient(ctx, { id: p.id, url: p.url, apiKey: p.api_key }, { retries: 0 });
  let balanceError: unknown = null;
  const watched = {
    ...client,
    balance: () =>
      client.balance().catch((err: unknown) => {
        balanceError = err;
        throw err;
      }),
  };
  const reading = await readProviderBalance(ctx, p, watched);
  const balance: ConnectionTest["balance"] = reading ? { ok: true, amount: reading.balance, currency: reading.currency } : failure(balanceError);
  let services: ConnectionTest["services"];
  try {
    const listed = await client.services();
    services = { ok: true, count: listed.length, priced: listed.filter((s) => s.rate !== null && s.rate > 0).length };
  } catch (err) {
    services = failure(err);
  }
  return { provider_id: id, balance, services };
}
