import type { Ctx } from "../context.ts";
import type { Order } from "../db/schema.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { orderConfirmationEmail } from "../mail/templates.ts";
import { formatMoney } from "../money/money.ts";
import { notifyEachLocalized, notifyLocalized } from "../notifications/localized.ts";
import { both, notice } from "../i18n/i18n.ts";
import { moneyParam } from "../i18n/money.ts";
import type { Lang } from "../i18n/lang.ts";

import { orderLabel } from "./numbers.ts";
import type { OrderNotice } from "./statuses.ts";

interface NoticeOrder {
  id: number;
  uuid: string;
  number: number | null;
  user_id: number;
  currency: string;
  remains?: number | null;
}

/** Tells the order's owner, in their language, how their order ended and what came back to their balance. */
export async function notifyOrder(ctx: Ctx, order: NoticeOrder, kind: OrderNotice, refunded: number): Promise<void> {
  await notifyLocalized(ctx, order.user_id, orderNotice(order, kind, refunded));
}

/** notifyOrder for a batch of orders (a status sync's), in two statements. */
export async function notifyOrders(ctx: Ctx, items: readonly { order: NoticeOrder; kind: OrderNotice; refunded: number }[]): Promise<void> {
  await notifyEachLocalized(
    ctx,
    items.map((i) => ({ userId: i.order.user_id, ...orderNotice(i.order, i.kind, i.refunded) })),
  );
}

function orderNotice(order: NoticeOrder, kind: OrderNotice, refunded: number) {
  const money = moneyParam(refunded, order.currency);
  const back = refunded > 0 ? both("order.refund_back", { money }) : "";
  const texts = notice(`order.${kind}`, { ref: orderLabel(order), remains: order.remains ?? 0, back });
  return { type: `order_${kind}`, data: { order_number: order.number, order_uuid: order.uuid, refunded: formatMoney(refunded) }, ...texts };
}

/** The seed's order confirmation e-mail, in the buyer's language and the tenant's branding (web orders only). */
export function mailOrderConfirmation(ctx: Ctx, order: Order, serviceNames: Record<Lang, string>): void {
  const buyer = ctx.user;
  if (!buyer) return;
  sendTenantMail(ctx, buyer, (p) =>
    orderConfirmationEmail({
      ...p,
      username: buyer.username,
      orderRef: orderLabel(order),
      service: serviceNames[p.lang],
      quantity: order.quantity,
      charge: moneyParam(order.charge, order.currency),
      url: `${p.baseUrl}/orders/${order.uuid}`,
    }),
  );
}
