import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import type { Session, User } from "../db/schema.ts";
import { prepared } from "../db/prepared.ts";
import { DAY, MINUTE, dbNow, fromDbTime, toDbTime } from "../lib/time.ts";
import { forgetRecentSessions, keepRecentSession, recentSession } from "./recent-sessions.ts";

// Sessions as Lucia's guide builds them: a random token for the client, only its SHA-256 stored.
function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function sessionIdOf(token: string): string {
  // Every authenticated request hashes its token: node's native SHA-256 (same hex digest as Lucia's guide).
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export async function createSession(ctx: Ctx, userId: number, meta: { ip?: string; userAgent?: string } = {}): Promise<{ token: string; session: Session }> {
  const token = generateSessionToken();
  const csrf = new Uint8Array(20);
  crypto.getRandomValues(csrf);
  const session: Session = {
    id: sessionIdOf(token),
    user_id: userId,
    site_id: ctx.tenant.siteId,
    expires_at: dbNow(ctx.clock, ctx.config.SESSION_DAYS * DAY),
    csrf_token: encodeBase32LowerCaseNoPadding(csrf),
    ip: meta.ip ?? null,
    user_agent: meta.userAgent?.slice(0, 255) ?? null,
    created_at: dbNow(ctx.clock),
    last_seen_at: dbNow(ctx.clock),
  };
  await ctx.db.insertInto("sessions").values(session).execute();
  return { token, session };
}

const LAST_SEEN_STEP = 5 * MINUTE;

// Every authenticated request runs it: built once (prepared.ts).
const sessionWithUser = prepared((db, id: string) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select([
      "sessions.id as s_id",
      "sessions.expires_at as s_expires_at",
      "sessions.csrf_token as s_csrf",
      "sessions.site_id as s_site_id",
      "sessions.ip as s_ip",
      "sessions.user_agent as s_ua",
      "sessions.created_at as s_created_at",
      "sessions.last_seen_at as s_last_seen_at",
    ])
    .where("sessions.id", "=", id),
);

const SESSION_COLUMNS = ["s_id", "s_expires_at", "s_csrf", "s_site_id", "s_ip", "s_ua", "s_created_at", "s_last_seen_at"] as const;

/** Valid session and its user for this tenant, sliding the expiry forward in its second half. */
export async function validateSessionToken(ctx: Ctx, token: string): Promise<{ session: Session; user: User } | null> {
  if (!TOKEN.test(token)) return null;
  return validSession(ctx, sessionIdOf(token));
}

/**
 * For the reads that need only who asks (recent-sessions.ts): a session checked in full a few seconds
 * ago is taken as it was then; else it is checked in full now.
 */
export async function recentOrValidSession(ctx: Ctx, token: string): Promise<{ session: Session; user: User } | null> {
  if (!TOKEN.test(token)) return null;
  const id = sessionIdOf(token);
  const recent = recentSession(ctx, id);
  if (recent) return recent;
  const found = await validSession(ctx, id);
  if (found) keepRecentSession(ctx, found);
  return found;
}

const TOKEN = /^[a-z2-7]{32}$/;

async function validSession(ctx: Ctx, id: string): Promise<{ session: Session; user: User } | null> {
  const row = await sessionWithUser.first(ctx.db, id);
  if (!row) return null;
  const now = ctx.clock.now().getTime();
  const expires = fromDbTime(row.s_expires_at).getTime();
  // A session belongs to one tenant; it never authenticates on another.
  if (row.s_site_id !== ctx.tenant.siteId || row.site_id !== ctx.tenant.siteId) return null;
  if (now >= expires || row.is_banned || row.deleted_at) {
    await ctx.db.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  const lifetime = ctx.config.SESSION_DAYS * DAY;
  let expiresAt = row.s_expires_at;
  let lastSeenAt = row.s_last_seen_at;
  const slide = now >= expires - lifetime / 2;
  // "Last seen" is shown to the user to the minute or so: one write per few minutes, not per request.
  const seenLongAgo = !lastSeenAt || now - fromDbTime(lastSeenAt).getTime() >= LAST_SEEN_STEP;
  if (slide || seenLongAgo) {
    if (slide) expiresAt = toDbTime(new Date(now + lifetime));
    lastSeenAt = toDbTime(new Date(now));
    await ctx.db.updateTable("sessions").set({ expires_at: expiresAt, last_seen_at: lastSeenAt }).where("id", "=", id).execute();
  }
  const { s_id, s_csrf, s_site_id, s_ip, s_ua, s_created_at } = row;
  // What is left of the row is the user: the session's columns are taken off it, not copied around it
  // (a rest copy of the ~50 columns cost more than the query itself).
  const user: Record<string, unknown> = row;
  for (const column of SESSION_COLUMNS) delete user[column];
  return {
    session: {
      id: s_id,
      user_id: row.id,
      site_id: s_site_id,
      expires_at: expiresAt,
      csrf_token: s_csrf,
      ip: s_ip,
      user_agent: s_ua,
      created_at: s_created_at,
      last_seen_at: lastSeenAt,
    },
    user: user as unknown as User,
  };
}

export async function invalidateSession(ctx: Ctx, sessionId: string): Promise<void> {
  forgetRecentSessions(ctx, { sessionId });
  await ctx.db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function invalidateUserSessions(ctx: Ctx, userId: number): Promise<void> {
  forgetRecentSessions(ctx, { userId });
  await ctx.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
