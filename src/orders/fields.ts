import { z } from "zod";
import { wholeNumber } from "../core/validate.ts";
import type { Order } from "../db/schema.ts";

/**
 * The per-type fields of an order (the standard SMM API v2 `add` convention), checked against the
 * service's bounds. The result is what we store and what dispatch sends; the price is never here.
 */
export interface OrderFields {
  /** The target link; for Subscriptions the username (kept for display and search). */
  link: string;
  /** Units per run (drip-feed), lines (comments, mention lists), or max × posts (Subscriptions); 1 for a Package. */
  quantity: number;
  runs: number | null;
  /** Minutes between drip-feed runs. */
  interval: number | null;
  /** Type-specific fields sent to the provider as they are (comments, usernames, answer_number…). */
  params: Record<string, string>;
}

interface ServiceShape {
  type: string;
  min: number;
  max: number;
  dripfeed: boolean;
}

const LINK_MAX = 1000;
const TEXT_MAX = 20_000;
const LINE_MAX = 500;
/** Delays (minutes) the convention allows between subscription posts. */
const SUBSCRIPTION_DELAYS = [0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600];

/** Posts reserved (and sent upstream) for a subscription ordered with `posts=0` or none: "unlimited" new posts. */
export const UNLIMITED_POSTS = 30;

/** A host and what follows, typed without a scheme: "instagram.com/name", "www.x.com", "m.youtube.com:443/…". */
const BARE_HOST = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?::\d{1,5})?(?:[/?#]|$)/u;

/** A link as clients type it: "instagram.com/name", "www.…" or "//host/…" gets https://; anything else stays as typed (and is checked after). */
function withScheme(value: string): string {
  if (value.startsWith("//")) return `https:${value}`;
  return BARE_HOST.test(value) ? `https://${value}` : value;
}

/** A username as clients type it: "@name" or "name" → name; a profile link ("instagram.com/name") gets its scheme. */
function bareUsername(value: string): string {
  if (value.startsWith("@")) return value.slice(1).trim();
  return value.includes("/") ? withScheme(value) : value;
}

function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const link = z
  .string({ error: "The link is required" })
  .trim()
  .min(1, "The link is required")
  .max(LINK_MAX, `At most ${LINK_MAX} characters`)
  .transform(withScheme)
  .refine(isHttpUrl, "Must be a valid http(s) URL");

// A JSON integer or digits: "1e3", true or [100] are not quantities.
const whole = (what: string, min: number, max: number, hint = `Must be between ${min} and ${max}`) =>
  wholeNumber(`${what} must be a whole number`).pipe(z.number().min(min, hint).max(max, hint));

const oneLine = (what: string, max = 200) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `At most ${max} characters`)
    .regex(/^[^\r\n]*$/, "One line only");

/** A username field (Subscriptions, Comment Likes, Mentions User Followers): "@name", "name" or a profile link. */
const username = (what: string) =>
  oneLine(what)
    .transform(bareUsername)
    .pipe(z.string().min(1, `${what} is required`));

const text = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(TEXT_MAX, `At most ${TEXT_MAX} characters`);

/** Non-empty trimmed lines of a list field; its count is the quantity. */
const lines = (what: string, s: ServiceShape) =>
  text(what)
    .transform((v) =>
      v
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .refine((l) => l.every((x) => x.length <= LINE_MAX), `Each line has at most ${LINE_MAX} characters`)
    .refine((l) => l.length >= s.min && l.length <= s.max, `Between ${s.min} and ${s.max} lines (one per line)`);

// Stock clients send `runs=0&interval=0` (or empty fields) when they want no drip-feed.
const dripFeedAsked = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && /^\s*0*\s*$/.test(v)) && v !== 0;

// zod compiles each schema on first use: one per service shape, kept, instead of one per request.
const schemas = new Map<string, z.ZodType<OrderFields>>();

/** The zod schema of one service's order fields: bounds from the service, fields from its type. */
export function orderFieldsSchema(s: ServiceShape): z.ZodType<OrderFields> {
  const key = JSON.stringify([s.type, s.min, s.max, s.dripfeed]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size > 5_000) schemas.clear();
    schema = buildOrderFieldsSchema(s);
    schemas.set(key, schema);
  }
  return schema;
}

function buildOrderFieldsSchema(s: ServiceShape): z.ZodType<OrderFields> {
  const quantity = whole("The quantity", s.min, s.max);
  const counted = (extra: Record<string, z.ZodType<string | number>>) =>
    z.object({ link, quantity, ...extra }).transform((v): OrderFields => {
      const { link, quantity, ...rest } = v as { link: string; quantity: number } & Record<string, string | number>;
      return { link, quantity, runs: null, interval: null, params: stringify(rest) };
    });

  switch (s.type) {
    case "Default":
      return defaultOrder(s);
    case "Package":
      return z.object({ link }).transform((v) => ({ link: v.link, quantity: 1, runs: null, interval: null, params: {} }));
    case "Custom Comments":
      return z
        .object({ link, comments: lines("The comments", s) })
        .transform(
          (v): OrderFields => ({ link: v.link, quantity: v.comments.length, runs: null, interval: null, params: { comments: v.comments.join("\n") } }),
        );
    case "Mentions Custom List":
      return z
        .object({ link, usernames: lines("The usernames", s) })
        .transform(
          (v): OrderFields => ({ link: v.link, quantity: v.usernames.length, runs: null, interval: null, params: { usernames: v.usernames.join("\n") } }),
        );
    case "Mentions with Hashtags":
      return counted({ usernames: text("The usernames"), hashtags: text("The hashtags") });
    case "Mentions Hashtag":
      return counted({ hashtag: oneLine("The hashtag") });
    case "Mentions User Followers":
    case "Comment Likes":
      return counted({ username: username("The username") });
    case "Mentions Media Likers":
      return counted({ media: oneLine("The media link", LINK_MAX).transform(withScheme).refine(isHttpUrl, "Must be a valid http(s) URL") });
    case "Poll":
      return counted({ answer_number: whole("The answer number", 1, 100) });
    case "Subscriptions":
      return subscription(s);
    default:
      return z.any().transform((_v, ctx) => {
        ctx.addIssue({ code: "custom", path: ["service_id"], message: "This service cannot be ordered here" });
        return z.NEVER;
      });
  }
}

function stringify(rest: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
}

function defaultOrder(s: ServiceShape): z.ZodType<OrderFields> {
  return z
    .object({ link, quantity: whole("The quantity", s.min, s.max), runs: z.unknown().optional(), interval: z.unknown().optional() })
    .transform((v, ctx) => {
      if (!dripFeedAsked(v.runs) && !dripFeedAsked(v.interval)) return { link: v.link, quantity: v.quantity, runs: null, interval: null, params: {} };
      if (!s.dripfeed) {
        ctx.addIssue({ code: "custom", path: ["runs"], message: "Drip-feed is not available for this service" });
        return z.NEVER;
      }
      const runs = whole("Runs", 2, 1000).safeParse(v.runs);
      const interval = whole("The interval", 1, 10_080, "Must be between 1 and 10080 minutes").safeParse(v.interval);
      if (!runs.success) ctx.addIssue({ code: "custom", path: ["runs"], message: runs.error.issues[0]!.message });
      if (!interval.success) ctx.addIssue({ code: "custom", path: ["interval"], message: interval.error.issues[0]!.message });
      if (!runs.success || !interval.success) return z.NEVER;
      // The provider refuses a drip-feed whose total exceeds the service maximum.
      if (v.quantity * runs.data > s.max) {
        ctx.addIssue({ code: "custom", path: ["runs"], message: `Runs × quantity must not exceed ${s.max}` });
        return z.NEVER;
      }
      return { link: v.link, quantity: v.quantity, runs: runs.data, interval: interval.data, params: {} };
    });
}

const blankAsMissing = (v: unknown) => (v === "" || v === null ? undefined : v);

/** Clients that send the subscription's profile as `link` rather than `username` (it is the order's link for us too). */
function usernameFromLink(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const v = input as Record<string, unknown>;
  return (v.username === undefined || v.username === "") && v.link !== undefined ? { ...v, username: v.link } : v;
}

function subscription(s: ServiceShape): z.ZodType<OrderFields> {
  const object = z
    .object({
      username: username("The username"),
      min: whole("The minimum", s.min, s.max),
      max: whole("The maximum", s.min, s.max),
      // 0 or none: unlimited new posts, which we cap at UNLIMITED_POSTS (charged up front, unused part refunded at the end).
      posts: z.preprocess(blankAsMissing, whole("The number of posts", 0, 10_000).optional()).transform((p) => (p ? p : UNLIMITED_POSTS)),
      old_posts: z.preprocess(blankAsMissing, whole("The number of old posts", 0, 1_000).optional()).transform((p) => p ?? 0),
      delay: wholeNumber("The delay must be a whole number of minutes")
        .refine((d) => SUBSCRIPTION_DELAYS.includes(d), `One of ${SUBSCRIPTION_DELAYS.join(", ")} minutes`)
        .default(0),
      expiry: z
        .string()
        .trim()
        .regex(/^\d{2}\/\d{2}\/\d{4}$/, "A date as dd/mm/yyyy")
        .optional()
        .or(z.literal("").transform(() => undefined)),
    })
    .refine((v) => v.min <= v.max, { path: ["max"], message: "Must not be less than the minimum" })
    .transform((v) => {
      const params: Record<string, string> = { username: v.username, min: String(v.min), max: String(v.max), posts: String(v.posts), delay: String(v.delay) };
      if (v.old_posts > 0) params.old_posts = String(v.old_posts);
      if (v.expiry) params.expiry = v.expiry;
      // Charged up front for the largest delivery over every post, new and old.
      return { link: v.username, quantity: v.max * (v.posts + v.old_posts), runs: null, interval: null, params };
    });
  return z.preprocess(usernameFromLink, object) as z.ZodType<OrderFields>;
}

/** The `add` fields of an order for its provider service: the stored fields, as the convention names them. */
export function addFieldsOf(
  order: Pick<Order, "link" | "quantity" | "runs" | "interval" | "params">,
  service: { type: string; provider_service_id: string },
): Record<string, string | number> {
  const params = parseParams(order.params);
  const fields: Record<string, string | number> = { service: service.provider_service_id };
  switch (service.type) {
    case "Subscriptions":
      return { ...fields, ...params };
    case "Package":
    case "Custom Comments":
    case "Mentions Custom List":
      return { ...fields, link: order.link, ...params };
    default: {
      const out: Record<string, string | number> = { ...fields, link: order.link, quantity: order.quantity, ...params };
      if (order.runs) Object.assign(out, { runs: order.runs, interval: order.interval ?? 1 });
      return out;
    }
  }
}

export function parseParams(raw: string | null): Record<string, string> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
