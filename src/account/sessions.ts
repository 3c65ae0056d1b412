import { createHash } from "node:crypto";
import { requireUser, type Ctx } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { describeDevice, type Device } from "./device.ts";
import { forgetRecentSessions } from "../auth/recent-sessions.ts";

/** One of the user's sessions as they see it: never the stored id, which is one hash away from the token. */
export interface SessionSummary {
  id: string;
  device: Device;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** A public handle for a session: a hash of the stored hash, so listing sessions shows nothing that authenticates. */
function publicIdOf(sessionId: string): string {
  return createHash("sha256").update(`session:${sessionId}`, "utf8").digest("hex").slice(0, 32);
}

async function ownSessions(ctx: Ctx) {
  const user = requireUser(ctx);
  return inTenant(ctx)
    .selectFrom("sessions")
    .select(["id", "ip", "user_agent", "created_at", "last_seen_at"])
    .where("user_id", "=", user.id)
    .where("expires_at", ">", dbNow(ctx.clock))
    .orderBy("created_at", "desc")
    .execute();
}

/** The signed-in user's live sessions on this tenant, the current one first, then the most recently used. */
export async function listSessions(ctx: Ctx, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await ownSessions(ctx);
  const summaries = rows.map((r) => ({
    id: publicIdOf(r.id),
    device: describeDevice(r.user_agent),
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at ?? r.created_at,
    current: r.id === currentSessionId,
  }));
  return summaries.sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
}

/** Ends one of the user's own sessions (this device included: that is a logout); anyone else's is a 404. */
export async function endSession(ctx: Ctx, publicId: string, currentSessionId: string): Promise<{ wasCurrent: boolean }> {
  const row = (await ownSessions(ctx)).find((r) => publicIdOf(r.id) === publicId);
  if (!row) throw new NotFound("Session not found");
  forgetRecentSessions(ctx, { sessionId: row.id });
  await inTenant(ctx).deleteFrom("sessions").where("id", "=", row.id).execute();
  return { wasCurrent: row.id === currentSessionId };
}

/** Ends every session of the user on this tenant but the one making the request; returns how many ended. */
export async function endOtherSessions(ctx: Ctx, currentSessionId: string): Promise<number> {
  const user = requireUser(ctx);
  forgetRecentSessions(ctx, { userId: user.id, except: currentSessionId });
  const result = await inTenant(ctx).deleteFrom("sessions").where("user_id", "=", user.id).where("id", "!=", currentSessionId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
