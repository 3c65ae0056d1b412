import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { NotFound } from "../http/errors.ts";
import { validQuery } from "../http/validate.ts";
import { pageEnvelope } from "../http/pagination.ts";
import { notificationId, notificationsQuery } from "./schema.ts";
import { deleteNotification, listNotifications, markAllRead, markRead, unreadCount } from "./service.ts";
import { notificationView } from "./view.ts";

/** A malformed id is simply a notification that does not exist. */
function idOf(raw: string): number {
  const r = notificationId.safeParse(raw);
  if (!r.success) throw new NotFound("Notification not found");
  return r.data;
}

/** /api/notifications — the caller's own in-app notifications (requireAuth is applied at the mount). */
export function notificationRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => c.json(pageEnvelope(await listNotifications(ctxOf(c), validQuery(c, notificationsQuery)), notificationView)));

  app.get("/unread-count", async (c) => c.json({ data: { count: await unreadCount(ctxOf(c)) } }));

  app.post("/read-all", async (c) => c.json({ data: { updated: await markAllRead(ctxOf(c)) } }));

  app.post("/:id/read", async (c) => c.json({ data: notificationView(await markRead(ctxOf(c), idOf(c.req.param("id")))) }));

  app.delete("/:id", async (c) => {
    await deleteNotification(ctxOf(c), idOf(c.req.param("id")));
    return c.json({ data: { deleted: true } });
  });

  return app;
}
