import { createSavedReply, deleteSavedReply, listSavedReplies, savedReplyBody, updateSavedReply } from "./saved-replies.ts";
import { idParam } from "../core/params.ts";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validBody, validQuery } from "../http/body.ts";
import { assignBody, openTicketBody, replyBody, staffTicketsQuery, ticketsQuery } from "./schema.ts";
import { closeAsCustomer, customerTicket, listTickets, openTicket, replyAsCustomer } from "./service.ts";
import { assignTicket, closeAsStaff, listStaffTickets, replyAsStaff, staffTicket } from "./staff.ts";
import { staffTicketDetailView, staffTicketView, ticketDetailView, ticketView } from "./view.ts";

/** /api/tickets — the caller's support tickets (requireAuth is applied at the mount). */
export function ticketRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => c.json({ data: ticketDetailView(await openTicket(ctxOf(c), await validBody(c, openTicketBody))) }, 201));
  app.get("/", async (c) => c.json(pageEnvelope(await listTickets(ctxOf(c), validQuery(c, ticketsQuery)), ticketView)));
  app.get("/:uuid", async (c) => c.json({ data: ticketDetailView(await customerTicket(ctxOf(c), c.req.param("uuid"))) }));
  app.post("/:uuid/reply", async (c) => {
    const { message } = await validBody(c, replyBody);
    return c.json({ data: ticketDetailView(await replyAsCustomer(ctxOf(c), c.req.param("uuid"), message)) });
  });
  app.post("/:uuid/close", async (c) => c.json({ data: ticketDetailView(await closeAsCustomer(ctxOf(c), c.req.param("uuid"))) }));
  return app;
}

/** /api/admin/support/tickets — the platform's tickets (requireAdmin is applied at the mount). */
export function adminTicketRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(pageEnvelope(await listStaffTickets(ctxOf(c), validQuery(c, staffTicketsQuery)), staffTicketView)));
  app.get("/:uuid", async (c) => c.json({ data: staffTicketDetailView(await staffTicket(ctxOf(c), c.req.param("uuid"))) }));
  app.post("/:uuid/assign", async (c) => {
    const { admin_id } = await validBody(c, assignBody);
    return c.json({ data: staffTicketDetailView(await assignTicket(ctxOf(c), c.req.param("uuid"), admin_id)) });
  });
  app.post("/:uuid/reply", async (c) => {
    const { message } = await validBody(c, replyBody);
    return c.json({ data: staffTicketDetailView(await replyAsStaff(ctxOf(c), c.req.param("uuid"), message)) });
  });
  app.post("/:uuid/close", async (c) => c.json({ data: staffTicketDetailView(await closeAsStaff(ctxOf(c), c.req.param("uuid"))) }));
  return app;
}

/** /api/admin/support/saved-replies — the support staff's saved replies (requireAdmin is applied at the mount). */
export function adminSavedReplyRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json({ data: await listSavedReplies(ctxOf(c)) }));
  app.post("/", async (c) => c.json({ data: await createSavedReply(ctxOf(c), await validBody(c, savedReplyBody)) }, 201));
  app.put("/:id", async (c) =>
    c.json({ data: await updateSavedReply(ctxOf(c), idParam(c.req.param("id"), "Saved reply"), await validBody(c, savedReplyBody)) }),
  );
  app.delete("/:id", async (c) => {
    await deleteSavedReply(ctxOf(c), idParam(c.req.param("id"), "Saved reply"));
    return c.body(null, 204);
  });
  return app;
}
