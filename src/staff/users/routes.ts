import { Hono, type Context } from "hono";
import type { AdminEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import { idParam } from "../../core/params.ts";
import { parseInput } from "../../core/validate.ts";
import { readBody, validBody, validQuery } from "../../http/body.ts";
import { pageEnvelope } from "../../core/pagination.ts";
import { idempotent } from "../../idempotency/idempotency.ts";
import { adjustBody, banBody, userPriceBody, userUpdate, usersQuery } from "./schema.ts";
import { deleteUser, listUsers, sendResetLinkAsStaff, toggleBan, updateUser, userOfTenant, userStats } from "./service.ts";
import { listUserPrices, removeUserPrice, setUserPrice } from "./prices.ts";
import { userApiKeys, userReferrals, userSessions } from "./profile.ts";
import { adjustBalance } from "./balance.ts";
import { adjustmentView, adminUserDetailView, adminUserView, userKeyView, userPriceView, userReferralView, userSessionView } from "./view.ts";

/** /api/admin/users — the tenant's accounts (requireAdmin is applied at the mount). */
export function adminUserRoutes() {
  const app = new Hono<AdminEnv>();

  app.get("/", async (c) => c.json(pageEnvelope(await listUsers(ctxOf(c), validQuery(c, usersQuery)), adminUserView)));

  app.get("/:id", async (c) => {
    const ctx = ctxOf(c);
    const user = await userOfTenant(ctx, idParam(c.req.param("id"), "User"));
    return c.json({ data: adminUserDetailView(user, await userStats(ctx, user.id)) });
  });

  app.put("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "User");
    return c.json({ data: adminUserView(await updateUser(ctxOf(c), id, await validBody(c, userUpdate))) });
  });

  app.post("/:id/toggle-ban", async (c) => {
    const id = idParam(c.req.param("id"), "User");
    const input = await validBody(c, banBody);
    return c.json({ data: adminUserView(await toggleBan(ctxOf(c), id, input.reason || undefined)) });
  });

  app.post("/:id/adjust-balance", async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "User");
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const adjustment = await adjustBalance(ctx, id, parseInput(adjustBody, raw));
      return { status: 200, body: { data: adjustmentView(adjustment) } };
    });
  });

  // What the console's user page shows beside the ledger, orders and tickets (their own admin routes filter by user_id).
  const ofUser = async (c: Context<AdminEnv>) => {
    const ctx = ctxOf(c);
    return { ctx, id: (await userOfTenant(ctx, idParam(c.req.param("id"), "User"))).id };
  };
  app.get("/:id/sessions", async (c) => {
    const { ctx, id } = await ofUser(c);
    return c.json({ data: (await userSessions(ctx, id)).map(userSessionView) });
  });
  app.get("/:id/api-keys", async (c) => {
    const { ctx, id } = await ofUser(c);
    return c.json({ data: (await userApiKeys(ctx, id)).map(userKeyView) });
  });
  app.get("/:id/referrals", async (c) => {
    const { ctx, id } = await ofUser(c);
    return c.json({ data: (await userReferrals(ctx, id)).map(userReferralView) });
  });

  app.post("/:id/password-reset", async (c) => {
    await sendResetLinkAsStaff(ctxOf(c), idParam(c.req.param("id"), "User"));
    return c.json({ data: { sent: true } });
  });

  app.get("/:id/prices", async (c) => c.json({ data: (await listUserPrices(ctxOf(c), idParam(c.req.param("id"), "User"))).map(userPriceView) }));

  app.put("/:id/prices", async (c) => {
    const id = idParam(c.req.param("id"), "User");
    return c.json({ data: userPriceView(await setUserPrice(ctxOf(c), id, await validBody(c, userPriceBody))) });
  });

  app.delete("/:id/prices/:serviceId", async (c) => {
    await removeUserPrice(ctxOf(c), idParam(c.req.param("id"), "User"), idParam(c.req.param("serviceId"), "Service"));
    return c.json({ data: { deleted: true } });
  });

  app.delete("/:id", async (c) => {
    await deleteUser(ctxOf(c), idParam(c.req.param("id"), "User"));
    return c.json({ data: { deleted: true } });
  });

  return app;
}
