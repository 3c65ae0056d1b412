import { createEvents, type AppEvents } from "../context.ts";
import { onPlatformOrderChanged } from "../order-chain/mirror.ts";

/**
 * The app's event hooks with every feature's subscriptions: features announce changes through
 * ctx.events without knowing who listens (orders do not import the storefront chain).
 */
export function createAppEvents(): AppEvents {
  const events = createEvents();
  // A site customer's order follows the platform order that fulfils it (status, remains, refunds).
  events.onOrderChanged(onPlatformOrderChanged);
  return events;
}
