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
