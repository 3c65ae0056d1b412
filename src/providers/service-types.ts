/**
 * The service types we can order (the standard SMM API v2 convention; their fields are in
 * src/orders/fields.ts). A service of any other type is imported hidden: nothing is listed that cannot be ordered.
 */
export const ORDERABLE_TYPES = [
  "Default",
  "Package",
  "Custom Comments",
  "Mentions Custom List",
  "Mentions with Hashtags",
  "Mentions Hashtag",
  "Mentions User Followers",
  "Mentions Media Likers",
  "Comment Likes",
  "Poll",
  "Subscriptions",
] as const;

type OrderableType = (typeof ORDERABLE_TYPES)[number];

const key = (type: string) =>
  type
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
const BY_KEY = new Map<string, OrderableType>(ORDERABLE_TYPES.map((t) => [key(t), t]));

/** "default", "MENTIONS WITH HASHTAGS", "custom_comments" → the known type; any other name as the panel sent it. */
export function canonicalServiceType(raw: string): string {
  return BY_KEY.get(key(raw)) ?? raw.trim();
}

export function isOrderableType(type: string): type is OrderableType {
  return (ORDERABLE_TYPES as readonly string[]).includes(type);
}

/** Delays (minutes) the convention allows between subscription posts. */
export const SUBSCRIPTION_DELAYS = [0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600] as const;

/** Posts reserved (and sent upstream) for a subscription ordered with `posts=0` or none: "unlimited" new posts. */
export const UNLIMITED_POSTS = 30;

/** The fields of an order form, in the order the form shows them. */
export const ORDER_FORM_FIELDS = [
  "link",
  "quantity",
  "comments",
  "usernames",
  "hashtags",
  "hashtag",
  "username",
  "media",
  "answer_number",
  "min",
  "max",
  "posts",
  "old_posts",
  "delay",
  "expiry",
  "runs",
  "interval",
] as const;
export type OrderFormField = (typeof ORDER_FORM_FIELDS)[number];

/** Fields a form may leave blank (subscriptions' options, drip-feed). */
export const OPTIONAL_ORDER_FIELDS: ReadonlySet<OrderFormField> = new Set(["posts", "old_posts", "delay", "expiry", "runs", "interval"]);

const LINKED = ["link", "quantity"] as const;
/** What each type asks for (src/orders/fields.ts checks it); drip-feed's runs and interval only where the service offers it. */
const FIELDS_OF_TYPE: Record<OrderableType, readonly OrderFormField[]> = {
  Default: LINKED,
  Package: ["link"],
  "Custom Comments": ["link", "comments"],
  "Mentions Custom List": ["link", "usernames"],
  "Mentions with Hashtags": [...LINKED, "usernames", "hashtags"],
  "Mentions Hashtag": [...LINKED, "hashtag"],
  "Mentions User Followers": [...LINKED, "username"],
  "Mentions Media Likers": [...LINKED, "media"],
  "Comment Likes": [...LINKED, "username"],
  Poll: [...LINKED, "answer_number"],
  Subscriptions: ["username", "min", "max", "posts", "old_posts", "delay", "expiry"],
};

/** The fields an order of this service shows. */
export function orderFormFields(type: string, dripfeed: boolean): readonly OrderFormField[] {
  if (!isOrderableType(type)) return [];
  const fields = FIELDS_OF_TYPE[type];
  return type === "Default" && dripfeed ? [...fields, "runs", "interval"] : fields;
}

/** The types that show a field ("Default|Poll|…"), for the form's script. */
export function typesShowing(field: OrderFormField): OrderableType[] {
  return ORDERABLE_TYPES.filter((t) => FIELDS_OF_TYPE[t].includes(field) || (t === "Default" && (field === "runs" || field === "interval")));
}
