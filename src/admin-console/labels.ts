import type { OrderStatus } from "../db/schema.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { ConsoleFormat } from "./frame.ts";

const ORDER_STATUS: Record<OrderStatus, MessageKey> = {
  pending: "admin.order_status.pending",
  processing: "admin.order_status.processing",
  in_progress: "admin.order_status.in_progress",
  completed: "admin.order_status.completed",
  partial: "admin.order_status.partial",
  canceled: "admin.order_status.canceled",
  refunded: "admin.order_status.refunded",
  failed: "admin.order_status.failed",
};

/** An order status in the page language (an unknown one as stored). */
export function orderStatusLabel(f: ConsoleFormat, status: string): string {
  const key = ORDER_STATUS[status as OrderStatus];
  return key ? f.tx(key) : status;
}
