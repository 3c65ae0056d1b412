import type { Ctx } from "../context.ts";
import type { Order } from "../db/schema.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { orderConfirmationEmail } from "../mail/templates.ts";
import { formatMoney } from "../money/money.ts";
import { notifyLocalized } from "../notifications/localized.ts";

import type { OrderNotice } from "./statuses.ts";

interface NoticeOrder {
  id: number;
  uuid: string;
  user_id: number;
  currency: string;
  remains?: number | null;
}

/** Tells the order's owner, in their language, how their order ended and what came back to their balance. */
export async function notifyOrder(ctx: Ctx, order: NoticeOrder, kind: OrderNotice, refunded: number): Promise<void> {
  const ref = order.uuid.slice(0, 8);
  const money = `${formatMoney(refunded)} ${order.currency}`;
  const back = { fr: refunded > 0 ? ` ${money} ont été recrédités sur votre solde.` : "", en: refunded > 0 ? ` ${money} was credited back to your balance.` : "" };
  const texts: Record<OrderNotice, { fr: { title: string; body: string }; en: { title: string; body: string } }> = {
    completed: {
      fr: { title: "Commande terminée", body: `Votre commande ${ref} est terminée.` },
      en: { title: "Order completed", body: `Your order ${ref} is complete.` },
    },
    partial: {
      fr: { title: "Commande livrée en partie", body: `Votre commande ${ref} a été livrée en partie (${order.remains ?? 0} non livrés).${back.fr}` },
      en: { title: "Order partially delivered", body: `Your order ${ref} was partially delivered (${order.remains ?? 0} not delivered).${back.en}` },
    },
    canceled: {
      fr: { title: "Commande annulée", body: `Votre commande ${ref} a été annulée.${back.fr}` },
      en: { title: "Order canceled", body: `Your order ${ref} was canceled.${back.en}` },
    },
    refunded: {
      fr: { title: "Commande remboursée", body: `Votre commande ${ref} a été remboursée.${back.fr}` },
      en: { title: "Order refunded", body: `Your order ${ref} was refunded.${back.en}` },
    },
    failed: {
      fr: { title: "Commande non transmise", body: `Votre commande ${ref} n'a pas pu être transmise au fournisseur.${back.fr}` },
      en: { title: "Order could not be placed", body: `Your order ${ref} could not be placed with the provider.${back.en}` },
    },
  };
  await notifyLocalized(ctx, order.user_id, { type: `order_${kind}`, data: { order_uuid: order.uuid, refunded: formatMoney(refunded) }, ...texts[kind] });
}

/** The seed's order confirmation e-mail, in the buyer's language and the tenant's branding (web orders only). */
export function mailOrderConfirmation(ctx: Ctx, order: Order, serviceName: string): void {
  const buyer = ctx.user;
  if (!buyer) return;
  sendTenantMail(ctx, buyer, (p) =>
    orderConfirmationEmail({ ...p, username: buyer.username, orderId: order.uuid, service: serviceName, quantity: order.quantity, charge: formatMoney(order.charge), currency: order.currency, url: `${p.baseUrl}/orders/${order.uuid}` }),
  );
}
