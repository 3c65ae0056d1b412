import { Hono } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { isStaff } from "../auth/roles.ts";
import { idParam } from "../core/params.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";
import { guarded } from "../http/guard.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import type { NotificationsData } from "../storefront/view-models.ts";
import type { User } from "../db/schema.ts";
import { listNotifications, markAllRead, markRead } from "../notifications/service.ts";
import type { Notification } from "../notifications/view.ts";

const PER_PAGE = 20;

/** Where a notification leads: the order or ticket it is about (staff go to the console's ticket). */
function linkOf(n: Notification, user: User): string | null {
  let data: Record<string, unknown> = {};
  try {
    data = n.data ? (JSON.parse(n.data) as Record<string, unknown>) : {};
  } catch {
    return null;
  }
  const uuid = (k: string) => (typeof data[k] === "string" && /^[0-9a-f-]{36}$/i.test(data[k] as string) ? (data[k] as string) : null);
  const order = uuid("order_uuid");
  if (order) return `/orders/${order}`;
  const ticket = uuid("ticket_uuid");
  if (ticket) {
    const staffSide = n.type === "ticket.customer_replied" || n.type === "ticket.assigned";
    if (!staffSide) return `/tickets/${ticket}`;
    return user.site_id === PLATFORM_TENANT_ID && isStaff(user.role) ? `/admin/support/${ticket}` : null;
  }
  return null;
}

/** The notifications page of every tenant: the list (unread first to the eye), mark one or all read. */
export function notificationPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/notifications", async (c) => {
    const ctx = ctxOf(c);
    const n = Number(c.req.query("page"));
    const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const unreadOnly = c.req.query("unread") === "1";
    const page = await listNotifications(ctx, { page: pageNo, per_page: PER_PAGE, unread: unreadOnly });
    const req = await pageRequest(c, sf);
    const user = c.get("user")!;
    const url = new URL(c.req.url);
    const data: NotificationsData = {
      unreadOnly,
      unread: req.visit.unread ?? 0,
      items: page.rows.map((row) => ({
        id: row.id,
        title: row.title,
        body: row.body ?? "",
        at: displayDate(row.created_at, req.visit.lang),
        read: row.read_at !== null,
        href: linkOf(row, user),
        readAction: `/notifications/${row.id}/read`,
      })),
      pagination: paginationView(pageNo, Math.max(1, Math.ceil(page.total / PER_PAGE)), url.pathname, new URLSearchParams(unreadOnly ? { unread: "1" } : {})),
    };
    return render(c, req, { id: "notifications" }, data);
  });

  /** Opening a notification marks it read, then goes where it leads (or back to the list). */
  app.post("/notifications/:id{[0-9]+}/read", requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const row = await markRead(ctx, idParam(c.req.param("id"), "Notification"));
    const body = await c.req.parseBody();
    const go = body.go === "1" ? linkOf(row, c.get("user")!) : null;
    return c.redirect(go ?? "/notifications", 303);
  });

  app.post("/notifications/read-all", requireCsrf, async (c) => {
    await markAllRead(ctxOf(c));
    return c.redirect("/notifications?flash=notifications_read", 303);
  });

  return guarded(signedIn, app);
}
