import { chargeFor, type Micro } from "../money/money.ts";
import { roundTo5, type SimService } from "./catalog.ts";
import { SimError } from "./errors.ts";

export type Fields = Record<string, string>;

/** An `add` request checked against its service, as real panels check it. */
export interface OrderRequest {
  link: string;
  /** Units the order delivers in total (all drip-feed runs together). */
  quantity: number;
  charge: Micro;
  runs?: number;
  /** Minutes between drip-feed runs. */
  interval?: number;
  /** Type-specific fields kept as sent (comments, usernames, answer_number…). */
  extra: Fields;
}

const SUBSCRIPTION_DELAYS = [0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600];

function present(f: Fields, name: string): boolean {
  return (f[name] ?? "").trim() !== "";
}

function text(f: Fields, name: string): string {
  const value = (f[name] ?? "").trim();
  if (!value) throw new SimError(`Incorrect ${name}`);
  return value;
}

function integer(f: Fields, name: string, least = 0): number {
  const value = (f[name] ?? "").trim();
  if (!/^\d{1,12}$/.test(value) || Number(value) < least) throw new SimError(`Incorrect ${name}`);
  return Number(value);
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function checkQuantity(service: SimService, quantity: number): void {
  if (quantity < service.min) throw new SimError(`Quantity less than minimal ${service.min}`);
  if (quantity > service.max) throw new SimError(`Quantity more than maximal ${service.max}`);
}

function link(f: Fields): string {
  const value = text(f, "link");
  if (value.length > 2000) throw new SimError("Incorrect link");
  return value;
}

/** The per-type fields of `add`, each answered with the error a panel would give. */
export function readOrderRequest(service: SimService, f: Fields): OrderRequest {
  const priced = (request: Omit<OrderRequest, "charge">): OrderRequest => ({
    ...request,
    charge: service.type === "Package" ? service.rate : roundTo5(chargeFor(service.rate, request.quantity)),
  });
  const counted = (extraNames: string[]): OrderRequest => {
    const l = link(f);
    const quantity = integer(f, "quantity");
    checkQuantity(service, quantity);
    const extra: Fields = {};
    for (const name of extraNames) extra[name] = text(f, name);
    return priced({ link: l, quantity, extra });
  };
  const listed = (name: string): OrderRequest => {
    const l = link(f);
    const items = lines(text(f, name));
    checkQuantity(service, items.length);
    return priced({ link: l, quantity: items.length, extra: { [name]: items.join("\n") } });
  };

  switch (service.type) {
    case "Default":
      return defaultOrder(service, f, priced);
    case "Package":
      return priced({ link: link(f), quantity: 1, extra: {} });
    case "Custom Comments":
      return listed("comments");
    case "Mentions Custom List":
      return listed("usernames");
    case "Mentions with Hashtags":
      return counted(["usernames", "hashtags"]);
    case "Mentions Hashtag":
      return counted(["hashtag"]);
    case "Mentions User Followers":
    case "Comment Likes":
      return counted(["username"]);
    case "Mentions Media Likers":
      return counted(["media"]);
    case "Poll": {
      const request = counted([]);
      request.extra.answer_number = String(integer(f, "answer_number", 1));
      return request;
    }
    case "Subscriptions":
      return subscription(service, f, priced);
  }
}

function defaultOrder(service: SimService, f: Fields, priced: (r: Omit<OrderRequest, "charge">) => OrderRequest): OrderRequest {
  const l = link(f);
  const perRun = integer(f, "quantity");
  checkQuantity(service, perRun);
  if (!present(f, "runs") && !present(f, "interval")) return priced({ link: l, quantity: perRun, extra: {} });
  if (!service.dripfeed) throw new SimError("Drip-feed is not available for this service");
  const runs = integer(f, "runs", 2);
  const interval = integer(f, "interval", 1);
  checkQuantity(service, perRun * runs);
  return priced({ link: l, quantity: perRun * runs, runs, interval, extra: {} });
}

function subscription(service: SimService, f: Fields, priced: (r: Omit<OrderRequest, "charge">) => OrderRequest): OrderRequest {
  const username = text(f, "username");
  const least = integer(f, "min");
  const most = integer(f, "max");
  checkQuantity(service, least);
  checkQuantity(service, most);
  if (least > most) throw new SimError("Incorrect max");
  const posts = present(f, "posts") ? integer(f, "posts", 1) : 1;
  const delay = present(f, "delay") ? integer(f, "delay") : 0;
  if (!SUBSCRIPTION_DELAYS.includes(delay)) throw new SimError("Incorrect delay");
  const oldPosts = present(f, "old_posts") ? integer(f, "old_posts") : 0;
  const extra: Fields = { username, min: String(least), max: String(most), posts: String(posts), delay: String(delay) };
  if (oldPosts > 0) extra.old_posts = String(oldPosts);
  const expiry = (f.expiry ?? "").trim();
  if (expiry !== "") {
    if (!/^\d{2}\/\d{2}\/\d{4}$/.test(expiry)) throw new SimError("Incorrect expiry");
    extra.expiry = expiry;
  }
  // Reserved up front for the largest delivery over all posts, new and old.
  return priced({ link: username, quantity: most * (posts + oldPosts), extra });
}
