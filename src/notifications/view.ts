import type { Selectable } from "kysely";
import type { NotificationsTable } from "../db/schema.ts";
import { toIso } from "../lib/time.ts";

export type Notification = Selectable<NotificationsTable>;

function parseData(data: string | null): unknown {
  if (!data) return null;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

export function notificationView(n: Notification) {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    data: parseData(n.data),
    is_read: n.read_at !== null,
    read_at: toIso(n.read_at),
    created_at: toIso(n.created_at),
  };
}
