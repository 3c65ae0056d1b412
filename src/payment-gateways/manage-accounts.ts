import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.ts";
import { Conflict, NotFound, Validation, fieldError } from "../core/errors.ts";
import type { GatewayKind } from "../db/schema.ts";
import { writeAudit } from "../audit/audit.ts";
import { dbNow } from "../lib/time.ts";
import { bookingCurrency } from "../settings/service.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { GATEWAY_NAMES, gatewayFor, openCredentials, sealCredentials, tenantGatewayAccount, type GatewayAccount } from "./accounts.ts";
import { GATEWAY_CREDENTIALS, connectableKinds } from "./kinds.ts";
import type { GatewayAccountCreate, GatewayAccountUpdate } from "./schema.ts";
import { simulatedGateway } from "./simulated.ts";

/** The tenant's gateway accounts, active or not, in display order. */
export async function listGatewayAccounts(ctx: Ctx): Promise<GatewayAccount[]> {
  return inTenant(ctx).selectFrom("gateway_accounts").selectAll().orderBy("sort_order").orderBy("id").execute();
}

async function accountOrThrow(ctx: Ctx, id: number): Promise<GatewayAccount> {
  const account = await tenantGatewayAccount(ctx, id);
  if (!account) throw new NotFound("Gateway account not found");
  return account;
}

/** Typed credentials checked against the kind's schema (field errors as `credentials.<name>`). */
function checkedCredentials(kind: GatewayKind, typed: Record<string, string>): Record<string, string> {
  const schema = GATEWAY_CREDENTIALS[kind];
  if (!schema) throw fieldError("kind", `One of: ${connectableKinds().join(", ")}`);
  const parsed = schema.safeParse(typed);
  if (parsed.success) return parsed.data as Record<string, string>;
  const details: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = `credentials.${String(issue.path[0])}`;
    details[key] = [...(details[key] ?? []), issue.message];
  }
  throw new Validation(details);
}

/** Where a mode sends the adapter: the gateway's own API (null) or the simulated gateway, offered only while it runs. */
function apiBaseFor(ctx: Ctx, mode: "live" | "simulated"): string | null {
  if (mode === "live") return null;
  const sim = simulatedGateway(ctx);
  if (!sim) throw fieldError("mode", "The simulated gateway is not running here: connect a real account");
  return sim.url;
}

/** An account's money is booked in the tenant's currency: an account in another one could never take a deposit. */
async function checkCurrency(ctx: Ctx, currency: string): Promise<void> {
  const booked = await bookingCurrency(ctx);
  if (currency !== booked) throw fieldError("currency", `This site books its money in ${booked}`);
}

const blankless = (typed: Record<string, string>) => Object.fromEntries(Object.entries(typed).filter(([, v]) => v.trim() !== ""));

/**
 * Connects the tenant's own account at a gateway (a site's customers then pay the site directly):
 * the credentials are checked for the kind and sealed bound to the tenant and the account's code. In the
 * simulated mode, credentials left blank are the simulated gateway's own.
 */
export async function connectGatewayAccount(ctx: Ctx, input: GatewayAccountCreate): Promise<GatewayAccount> {
  if (!(connectableKinds() as string[]).includes(input.kind)) throw fieldError("kind", `One of: ${connectableKinds().join(", ")}`);
  const kind = input.kind as GatewayKind;
  const apiBase = apiBaseFor(ctx, input.mode);
  const typed = blankless(input.credentials);
  const credentials = checkedCredentials(kind, input.mode === "simulated" ? { ...simulatedGateway(ctx)?.credentials[kind], ...typed } : typed);
  await checkCurrency(ctx, input.currency);
  const code = `${kind}-${randomBytes(4).toString("hex")}`;
  const now = dbNow(ctx.clock);
  const res = await inTenant(ctx)
    .insertInto("gateway_accounts", {
      code,
      kind,
      name: input.name,
      mode: input.mode,
      api_base: apiBase,
      credentials: sealCredentials(ctx, ctx.tenant.siteId, code, credentials),
      currency: input.currency,
      fee_percent_bp: input.fee_percent,
      is_active: input.is_active ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await writeAudit(ctx, { action: "gateway_account.connect", targetType: "gateway_account", targetId: id, data: { kind, mode: input.mode, name: input.name } });
  return accountOrThrow(ctx, id);
}

/** Edits an account; credentials are write-only: a blank one keeps the stored value, the rest replace it. */
export async function updateGatewayAccount(ctx: Ctx, id: number, input: GatewayAccountUpdate): Promise<GatewayAccount> {
  const account = await accountOrThrow(ctx, id);
  const switching = input.mode !== undefined && input.mode !== account.mode;
  const apiBase = switching && input.mode ? apiBaseFor(ctx, input.mode) : account.api_base;
  const typed = blankless(input.credentials ?? {});
  let sealed: string | undefined;
  if (Object.keys(typed).length > 0 || switching) {
    const stored = openCredentials(ctx, account) as Record<string, string>;
    // Moving to the simulated gateway takes its credentials, unless some are typed.
    const base = switching && input.mode === "simulated" ? { ...stored, ...simulatedGateway(ctx)?.credentials[account.kind] } : stored;
    sealed = sealCredentials(ctx, account.site_id, account.code, checkedCredentials(account.kind, { ...base, ...typed }));
  }
  if (input.currency) await checkCurrency(ctx, input.currency);
  await inTenant(ctx)
    .updateTable("gateway_accounts")
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.currency !== undefined && { currency: input.currency }),
      ...(input.fee_percent !== undefined && { fee_percent_bp: input.fee_percent }),
      ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
      ...(sealed !== undefined && { credentials: sealed }),
      ...(switching && input.mode && { mode: input.mode }),
      api_base: apiBase,
      updated_at: dbNow(ctx.clock),
    })
    .where("id", "=", id)
    .execute();
  await writeAudit(ctx, {
    action: "gateway_account.update",
    targetType: "gateway_account",
    targetId: id,
    // Which credentials changed, never their values.
    data: { ...input, credentials: Object.keys(typed) },
  });
  return accountOrThrow(ctx, id);
}

/**
 * Removes an account: refused while one of its payments waits at the gateway (its confirmation must
 * still find the account); an account with past payments is switched off instead (their history keeps it).
 */
export async function removeGatewayAccount(ctx: Ctx, id: number): Promise<{ deleted: boolean }> {
  const account = await accountOrThrow(ctx, id);
  const payments = await inTenant(ctx).selectFrom("gateway_payments").select(["status"]).where("gateway_account_id", "=", account.id).execute();
  if (payments.some((p) => p.status === "pending")) throw new Conflict("A payment through this account is still pending", "gateway_payment_pending");
  if (payments.length > 0) {
    await inTenant(ctx)
      .updateTable("gateway_accounts")
      .set({ is_active: 0, updated_at: dbNow(ctx.clock) })
      .where("id", "=", id)
      .execute();
    await writeAudit(ctx, { action: "gateway_account.deactivate", targetType: "gateway_account", targetId: id });
    return { deleted: false };
  }
  await inTenant(ctx).deleteFrom("gateway_accounts").where("id", "=", id).execute();
  await writeAudit(ctx, { action: "gateway_account.remove", targetType: "gateway_account", targetId: id });
  return { deleted: true };
}

/** The "test connection" button: asks the gateway with the stored credentials; ok, or the gateway's reason in its words. */
export async function testGatewayAccount(ctx: Ctx, id: number): Promise<{ ok: boolean; reason: "refused" | "unreachable" | null; message: string | null }> {
  const account = await accountOrThrow(ctx, id);
  const result = await gatewayFor(ctx, account).testConnection();
  await writeAudit(ctx, { action: "gateway_account.test", targetType: "gateway_account", targetId: id, data: { ok: result === true } });
  if (result === true) return { ok: true, reason: null, message: null };
  // The adapters say "refused the credentials" when the gateway answered no; anything else is an outage or a wrong address.
  return { ok: false, reason: /refused the credentials/i.test(result) ? "refused" : "unreachable", message: result.slice(0, 300) };
}

/** "••••1234": the end of a secret, enough to recognise it, never enough to use it. */
const hint = (value: string) => `••••${value.slice(-4)}`;

/** An account as its owner sees it: the credentials only as hints, never the API base of a real gateway. */
export function gatewayAccountView(ctx: Pick<Ctx, "config">, a: GatewayAccount) {
  let hints: Record<string, string> = {};
  try {
    hints = Object.fromEntries(Object.entries(openCredentials(ctx, a) as Record<string, string>).map(([k, v]) => [k, hint(String(v))]));
  } catch {
    // Sealed under another key (a restored database): the owner re-enters them.
  }
  return {
    id: a.id,
    kind: a.kind,
    gateway: GATEWAY_NAMES[a.kind],
    name: a.name,
    mode: a.mode,
    currency: a.currency,
    fee_percent: (Number(a.fee_percent_bp) / 100).toFixed(2),
    is_active: Boolean(a.is_active),
    credentials_hint: hints,
  };
}
