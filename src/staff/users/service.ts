import type { Ctx } from "../../context.ts";
import { requireUser, withTransaction } from "../../context.ts";
import type { User } from "../../db/schema.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { Conflict, NotFound, Validation, type FieldErrors } from "../../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../../core/pagination.ts";
import { likeContaining } from "../../lib/sql-like.ts";
import { dbNow } from "../../lib/time.ts";
import { writeAudit } from "../../audit/audit.ts";
import { invalidateUserSessions } from "../../auth/session.ts";
import { sendPasswordResetLink } from "../../auth/password-reset.ts";
import type { UserUpdateInput, UsersQuery } from "./schema.ts";
import { inTenant } from "../../tenancy/scoped.ts";

/**
 * Tenant-generic staff verbs: the platform's admins call them with the platform as tenant, a reseller
 * with its own site as tenant (src/reseller/scope.ts); every read and write is scoped by ctx.tenant.
 */

/** A live (not deleted) user of the tenant, or 404. */
export async function userOfTenant(ctx: Ctx, id: number): Promise<User> {
  const user = await inTenant(ctx).selectFrom("users").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
  if (!user) throw new NotFound("User not found");
  return user;
}

export async function listUsers(ctx: Ctx, q: UsersQuery): Promise<Page<User>> {
  let base = inTenant(ctx).selectFrom("users").where("deleted_at", "is", null);
  if (q.role) base = base.where("role", "=", q.role);
  if (q.banned !== undefined) base = base.where("is_banned", "=", q.banned ? 1 : 0);
  if (q.search) {
    const matches = likeContaining(q.search);
    base = base.where((eb) => eb.or([matches("username"), matches("email"), matches("full_name"), matches("phone")]));
  }
  if (q.from) base = base.where("created_at", ">=", `${q.from} 00:00:00.000`);
  if (q.to) base = base.where("created_at", "<=", `${q.to} 23:59:59.999`);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

export interface UserStats {
  ordersCount: number;
  spent: number;
  deposited: number;
  depositsCount: number;
  pendingDeposits: number;
}

/** What the user did: orders, net spending on orders, deposits credited and awaiting verification. */
export async function userStats(ctx: Ctx, userId: number): Promise<UserStats> {
  const orders = await ctx.db
    .selectFrom("orders")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  const ledger = await ctx.db
    .selectFrom("transactions")
    .select(["type", "status", (e) => e.fn.sum<number>("amount").as("total"), (e) => e.fn.countAll<number>().as("n")])
    .where("user_id", "=", userId)
    .where("type", "in", ["order", "refund", "deposit"])
    .where("status", "in", ["completed", "pending"])
    .groupBy(["type", "status"])
    .execute();
  const pick = (type: string, status: string) => ledger.find((r) => r.type === type && r.status === status);
  const sum = (type: string, status: string) => Number(pick(type, status)?.total ?? 0);
  return {
    ordersCount: Number(orders.n),
    spent: -(sum("order", "completed") + sum("refund", "completed")),
    deposited: sum("deposit", "completed"),
    depositsCount: Number(pick("deposit", "completed")?.n ?? 0),
    pendingDeposits: sum("deposit", "pending"),
  };
}

const AUDITED = ["username", "email", "role", "full_name", "language"] as const;

export async function updateUser(ctx: Ctx, id: number, input: UserUpdateInput): Promise<User> {
  const admin = requireUser(ctx);
  const before = await userOfTenant(ctx, id);
  const errors: FieldErrors = {};
  if (input.role && input.role !== before.role && before.id === admin.id) errors.role = ["You cannot change your own role"];
  const identities = [input.email && ["email", input.email], input.username && ["username", input.username]].filter((x): x is [string, string] => Boolean(x));
  const clash = identities.length
    ? await inTenant(ctx)
        .selectFrom("users")
        .select(["id", "email", "username"])
        .where("id", "!=", id)
        .where((eb) => eb.or(identities.map(([col, v]) => eb(col as "email" | "username", "=", v))))
        .execute()
    : [];
  if (input.email && clash.some((u) => u.email === input.email)) errors.email = ["This e-mail is already registered"];
  if (input.username && clash.some((u) => u.username.toLowerCase() === input.username!.toLowerCase())) errors.username = ["This username is already taken"];
  if (Object.keys(errors).length) throw new Validation(errors);

  try {
    return await withTransaction(ctx, async (tx) => {
      await inTenant(tx)
        .updateTable("users")
        .set({
          username: input.username,
          email: input.email,
          role: input.role,
          full_name: input.full_name,
          language: input.language,
          updated_at: dbNow(tx.clock),
        })
        .where("id", "=", id)
        .execute();
      const after = await userOfTenant(tx, id);
      const changed = AUDITED.filter((k) => input[k] !== undefined && before[k] !== after[k]);
      await writeAudit(tx, {
        action: "user.update",
        targetType: "user",
        targetId: id,
        data: { before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
      });
      return after;
    });
  } catch (err) {
    // Two edits raced past the check above: the unique index decides.
    if (isUniqueViolation(err)) throw new Validation({ email: ["This e-mail or username is already registered"] });
    throw err;
  }
}

/** Bans (ending every session; keys stop working) or lifts the ban. Staff cannot ban themselves. */
export async function toggleBan(ctx: Ctx, id: number, reason?: string): Promise<User> {
  const staff = requireUser(ctx);
  return withTransaction(ctx, async (tx) => {
    const user = await userOfTenant(tx, id);
    if (user.id === staff.id) throw new Conflict("You cannot ban yourself", "cannot_ban_self");
    const ban = !user.is_banned;
    const now = dbNow(tx.clock);
    const res = await tx.db
      .updateTable("users")
      .set({ is_banned: ban ? 1 : 0, ban_reason: ban ? (reason ?? null) : null, updated_at: now })
      .where("id", "=", id)
      .where("is_banned", "=", user.is_banned)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new Conflict("The user was changed by someone else; try again", "concurrent_update");
    if (ban) await invalidateUserSessions(tx, id);
    await writeAudit(tx, { action: ban ? "user.ban" : "user.unban", targetType: "user", targetId: id, data: { reason: reason ?? null } });
    return userOfTenant(tx, id);
  });
}

/** Staff send a user the same reset link as "forgot password" (a banned account gets none). */
export async function sendResetLinkAsStaff(ctx: Ctx, id: number): Promise<void> {
  const user = await userOfTenant(ctx, id);
  if (user.is_banned) throw new Conflict("This user is banned; lift the ban before sending a reset link", "user_banned");
  await sendPasswordResetLink(ctx, user);
  await writeAudit(ctx, { action: "user.password_reset_link", targetType: "user", targetId: id, data: { email: user.email } });
}

/**
 * Deletes an account by anonymising it: its e-mail, username, name and phone are replaced, its
 * password can match nothing, its sessions, pending reset links and API keys are removed; the row
 * stays (deleted_at) so that its ledger, orders and tickets keep their owner and the ledger still adds up.
 * Refused for yourself, and while the account holds money or has deposits awaiting verification.
 */
export async function deleteUser(ctx: Ctx, id: number): Promise<void> {
  const admin = requireUser(ctx);
  await withTransaction(ctx, async (tx) => {
    const user = await userOfTenant(tx, id);
    if (user.id === admin.id) throw new Conflict("You cannot delete your own account", "cannot_delete_self");
    const pending = await tx.db.selectFrom("transactions").select("id").where("user_id", "=", id).where("status", "=", "pending").executeTakeFirst();
    if (pending) throw new Conflict("This user has deposits awaiting verification; approve or reject them first", "pending_deposits");
    const now = dbNow(tx.clock);
    // Conditional on a zero balance, so that a credit landing meanwhile cannot be orphaned.
    const res = await tx.db
      .updateTable("users")
      .set({
        deleted_at: now,
        updated_at: now,
        email: `deleted-${user.uuid}@deleted.invalid`,
        username: `deleted-${user.uuid.slice(0, 8)}-${user.id}`,
        full_name: null,
        phone: null,
        password_hash: "!deleted",
        last_login_ip: null,
      })
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .where("balance", "=", 0)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new Conflict("This user still has a balance; bring it to zero before deleting the account", "balance_not_zero");
    await invalidateUserSessions(tx, id);
    await tx.db.deleteFrom("api_keys").where("user_id", "=", id).execute();
    await tx.db.deleteFrom("password_reset_tokens").where("user_id", "=", id).execute();
    // The audit row keeps who it was, for staff only; the account itself no longer says.
    await writeAudit(tx, { action: "user.delete", targetType: "user", targetId: id, data: { username: user.username, email: user.email } });
  });
}
