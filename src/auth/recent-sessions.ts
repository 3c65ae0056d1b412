import type { Ctx } from "../context.ts";
import { appSlot } from "../context.ts";
import type { Session, User } from "../db/schema.ts";
import { fromDbTime } from "../lib/time.ts";

/**
 * Sessions checked in full a moment ago, for the reads that need to know only who asks: the public
 * catalogue (`GET /api/services`) shows the caller's own prices, and its answer is already cached by
 * those prices (src/catalog/prices.ts). Checking the session in the database on each such read was
 * most of its cost on MariaDB (a round trip per request: the signed-in catalogue at 28% of the
 * anonymous one, `npm run bench`), while it reveals nothing but the prices the user already had.
 *
 * A session is trusted by these reads for RECENT_MS after its full check (`validateSessionToken`,
 * which also slides its expiry). Ending a session, or all of a user's, forgets them here at once; on
 * another instance these reads may still honour it for RECENT_MS at most. Every other request checks
 * the session in the database, so a sign-out, a ban or a balance is seen at once everywhere else.
 */
export const RECENT_MS = 5_000;
const MAX_KEPT = 10_000;

interface Recent {
  checkedAt: number;
  found: { session: Session; user: User };
}

const RECENT = appSlot("recently checked sessions", () => new Map<string, Recent>());

/** The session and user checked for `sessionId` less than RECENT_MS ago, on this tenant and not expired; else null. */
export function recentSession(ctx: Ctx, sessionId: string): { session: Session; user: User } | null {
  const kept = ctx.state.get(RECENT);
  const hit = kept.get(sessionId);
  if (!hit) return null;
  const now = ctx.clock.now().getTime();
  if (now - hit.checkedAt >= RECENT_MS || now >= fromDbTime(hit.found.session.expires_at).getTime() || hit.found.session.site_id !== ctx.tenant.siteId) {
    kept.delete(sessionId);
    return null;
  }
  return hit.found;
}

/** Keeps a session just checked in full. Bounded: the oldest kept goes first. */
export function keepRecentSession(ctx: Ctx, found: { session: Session; user: User }): void {
  const kept = ctx.state.get(RECENT);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  kept.delete(found.session.id);
  kept.set(found.session.id, { checkedAt: ctx.clock.now().getTime(), found });
}

/** Forgets ended sessions: one by id, or every session of a user (all of them, or all but `except`). */
export function forgetRecentSessions(ctx: Ctx, which: { sessionId: string } | { userId: number; except?: string }): void {
  const kept = ctx.state.get(RECENT);
  if ("sessionId" in which) {
    kept.delete(which.sessionId);
    return;
  }
  for (const [id, r] of kept) if (r.found.user.id === which.userId && id !== which.except) kept.delete(id);
}
