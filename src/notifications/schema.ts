import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";

export const notificationsQuery = z.object({
  ...pageQuery,
  unread: z
    .enum(["0", "1", "true", "false"], { error: "Use unread=1 to list unread notifications only" })
    .optional()
    .transform((v) => v === "1" || v === "true"),
});

export type NotificationsQuery = z.infer<typeof notificationsQuery>;
