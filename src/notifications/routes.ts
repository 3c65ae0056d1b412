import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { idParam } from "../core/params.ts";
import { validQuery } from "../http/body.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { notificationsQuery } from "./schema.ts";
import { deleteNotification, listNotifications, markAllRead, markRead, unreadCount } from "./service.ts";
import { notificationView } from "./view.ts";

/** /api/notifications — the caller's own in-app notifications (requireAuth is applied at the mount). */
export function notificationRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => c.json(pageEnvelope(await listNotifications(ctxOf(c), validQuery(c, notificationsQuery)), notificationView)));

  app.get("/unread-count", async (c) => c.json({ data: { count: await unreadCount(ctxOf(c)) } }));

  app.post("/read-all", async (c) => c.json({ data: { updated: await markAllRead(ctxOf(c)) } }));

  app.post("/:id/read", async (c) => c.json({ data: notificationView(await markRead(ctxOf(c), idParam(c.req.param("id"), "Notification"))) }));

  app.delete("/:id", async (c) => {
    await deleteNotification(ctxOf(c), idParam(c.req.param("id"), "Notification"));
    return c.json({ data: { deleted: true } });
  });

  return app;
}
