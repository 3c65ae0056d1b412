import { z } from "zod";
import { readWholeNumber } from "../core/form-number.ts";
import { SUBSCRIPTION_DELAYS, UNLIMITED_POSTS } from "../providers/service-types.ts";
import { t, type MessageKey } from "../i18n/i18n.ts";
import type { Lang } from "../i18n/lang.ts";
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

export { UNLIMITED_POSTS };

const LINK_MAX = 1000;
const TEXT_MAX = 20_000;
const LINE_MAX = 500;
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

/** The fields an order may have, as the form and the APIs name them. */
type FieldName =
  | "link"
  | "quantity"
  | "comments"
  | "usernames"
  | "hashtags"
  | "hashtag"
  | "username"
  | "media"
  | "answer_number"
  | SubscriptionField
  | "runs"
  | "interval";
type SubscriptionField = "min" | "max" | "posts" | "old_posts" | "delay" | "expiry";
type Problem = {
  [K in MessageKey]: K extends `order_field.name.${string}` | "order_field.problem" ? never : K extends `order_field.${infer P}` ? P : never;
}[MessageKey];

/**
 * What is wrong with a field: for a page, "{field}: {problem}" in the page's `lang`, numbers written
 * the way that language writes them; for the APIs (no `lang`), the problem alone in English (the
 * details' key names the field).
 */
type Say = (field: FieldName | "service", problem: Problem, params?: Record<string, number | string>) => string;

function sayIn(lang: Lang | undefined): Say {
  const numbers = new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-US");
  return (field, problem, params = {}) => {
    const filled = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "number" ? numbers.format(v) : v]));
    if (!lang) {
      const alone = t("en", `order_field.${problem}`, filled);
      return alone.charAt(0).toUpperCase() + alone.slice(1);
    }
    return t(lang, "order_field.problem", { field: t(lang, `order_field.name.${field}`), problem: t(lang, `order_field.${problem}`, filled) });
  };
}

/** The one message an order field's refusal carries (see Say). */
export function orderFieldMessage(lang: Lang | undefined, field: FieldName | "service", problem: Problem, params?: Record<string, number | string>): string {
  return sayIn(lang)(field, problem, params);
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER as never;
}

/** A whole number in [min, max], typed as people type it ("10 000"): missing, not a number, too small and too big each say so. */
// z.transform alone (not z.unknown().transform): an absent key reaches it as undefined, to be refused in our words.
function count(say: Say, field: FieldName, min: number, max: number) {
  return z.transform((v, ctx): number => {
    if (blank(v)) return refuse(ctx, say(field, "required"));
    const n = readWholeNumber(v);
    if (n === null) return refuse(ctx, say(field, "not_whole"));
    if (n < min) return refuse(ctx, say(field, "too_small", { min }));
    if (n > max) return refuse(ctx, say(field, "too_big", { max }));
    return n;
  });
}

/** The same, where a blank field means "none". */
function optionalCount(say: Say, field: FieldName, min: number, max: number) {
  const inner = count(say, field, min, max);
  return z.transform((v, ctx): number | undefined => {
    if (blank(v)) return undefined;
    const r = inner.safeParse(v);
    return r.success ? r.data : refuse(ctx, r.error.issues[0]!.message);
  });
}

/** Text, trimmed, at most `max` characters; `oneLine` refuses line breaks. */
function text(say: Say, field: FieldName, max: number, oneLine = false) {
  return z.transform((v, ctx): string => {
    if (blank(v) || (typeof v !== "string" && typeof v !== "number")) return refuse(ctx, say(field, "required"));
    const s = String(v).trim();
    if (s.length > max) return refuse(ctx, say(field, "too_long", { max }));
    if (oneLine && /[\r\n]/.test(s)) return refuse(ctx, say(field, "one_line"));
    return s;
  });
}

function linkField(say: Say, field: "link" | "media") {
  return text(say, field, LINK_MAX).transform((v, ctx) => {
    const url = withScheme(v);
    return isHttpUrl(url) ? url : refuse(ctx, say(field, "not_url"));
  });
}

/** A username field (Subscriptions, Comment Likes, Mentions User Followers): "@name", "name" or a profile link. */
function usernameField(say: Say) {
  return text(say, "username", 200, true).transform((v, ctx) => bareUsername(v) || refuse(ctx, say("username", "required")));
}

/** Non-empty trimmed lines of a list field; its count is the quantity, within the service's bounds. */
function lines(say: Say, field: "comments" | "usernames", s: ServiceShape) {
  return text(say, field, TEXT_MAX).transform((v, ctx) => {
    const list = v
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (list.some((x) => x.length > LINE_MAX)) return refuse(ctx, say(field, "line_too_long", { max: LINE_MAX }));
    if (list.length < s.min) return refuse(ctx, say(field, "too_few_lines", { min: s.min, count: list.length }));
    if (list.length > s.max) return refuse(ctx, say(field, "too_many_lines", { max: s.max, count: list.length }));
    return list;
  });
}

// Stock clients send `runs=0&interval=0` (or empty fields) when they want no drip-feed.
const dripFeedAsked = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && /^\s*0*\s*$/.test(v)) && v !== 0;

// zod compiles each schema on first use: one per service shape and language, kept, instead of one per request.
const schemas = new Map<string, z.ZodType<OrderFields>>();

/** The zod schema of one service's order fields: bounds from the service, fields from its type, messages for a page in `lang` or for the APIs. */
export function orderFieldsSchema(s: ServiceShape, lang?: Lang): z.ZodType<OrderFields> {
  const key = JSON.stringify([s.type, s.min, s.max, s.dripfeed, lang ?? "api"]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size > 5_000) schemas.clear();
    schema = buildOrderFieldsSchema(s, sayIn(lang));
    schemas.set(key, schema);
  }
  return schema;
}

function buildOrderFieldsSchema(s: ServiceShape, say: Say): z.ZodType<OrderFields> {
  const link = linkField(say, "link");
  const quantity = count(say, "quantity", s.min, s.max);
  const counted = (extra: Record<string, z.ZodType<string | number>>) =>
    z.object({ link, quantity, ...extra }).transform((v): OrderFields => {
      const { link, quantity, ...rest } = v as { link: string; quantity: number } & Record<string, string | number>;
      return { link, quantity, runs: null, interval: null, params: stringify(rest) };
    });

  switch (s.type) {
    case "Default":
      return defaultOrder(s, say);
    case "Package":
      return z.object({ link }).transform((v) => ({ link: v.link, quantity: 1, runs: null, interval: null, params: {} }));
    case "Custom Comments":
      return z
        .object({ link, comments: lines(say, "comments", s) })
        .transform(
          (v): OrderFields => ({ link: v.link, quantity: v.comments.length, runs: null, interval: null, params: { comments: v.comments.join("\n") } }),
        );
    case "Mentions Custom List":
      return z
        .object({ link, usernames: lines(say, "usernames", s) })
        .transform(
          (v): OrderFields => ({ link: v.link, quantity: v.usernames.length, runs: null, interval: null, params: { usernames: v.usernames.join("\n") } }),
        );
    case "Mentions with Hashtags":
      return counted({ usernames: text(say, "usernames", TEXT_MAX), hashtags: text(say, "hashtags", TEXT_MAX) });
    case "Mentions Hashtag":
      return counted({ hashtag: text(say, "hashtag", 200, true) });
    case "Mentions User Followers":
    case "Comment Likes":
      return counted({ username: usernameField(say) });
    case "Mentions Media Likers":
      return counted({ media: linkField(say, "media") });
    case "Poll":
      return counted({ answer_number: count(say, "answer_number", 1, 100) });
    case "Subscriptions":
      return subscription(s, say);
    default:
      return z.any().transform((_v, ctx) => {
        ctx.addIssue({ code: "custom", path: ["service_id"], message: say("service", "not_orderable") });
        return z.NEVER;
      });
  }
}

function stringify(rest: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
}

function defaultOrder(s: ServiceShape, say: Say): z.ZodType<OrderFields> {
  return z
    .object({ link: linkField(say, "link"), quantity: count(say, "quantity", s.min, s.max), runs: z.unknown().optional(), interval: z.unknown().optional() })
    .transform((v, ctx) => {
      if (!dripFeedAsked(v.runs) && !dripFeedAsked(v.interval)) return { link: v.link, quantity: v.quantity, runs: null, interval: null, params: {} };
      if (!s.dripfeed) {
        ctx.addIssue({ code: "custom", path: ["runs"], message: say("runs", "dripfeed_unavailable") });
        return z.NEVER;
      }
      const runs = count(say, "runs", 2, 1000).safeParse(v.runs);
      const interval = count(say, "interval", 1, 10_080).safeParse(v.interval);
      if (!runs.success) ctx.addIssue({ code: "custom", path: ["runs"], message: runs.error.issues[0]!.message });
      if (!interval.success) ctx.addIssue({ code: "custom", path: ["interval"], message: interval.error.issues[0]!.message });
      if (!runs.success || !interval.success) return z.NEVER;
      // The provider refuses a drip-feed whose total exceeds the service maximum.
      if (v.quantity * runs.data > s.max) {
        ctx.addIssue({ code: "custom", path: ["runs"], message: say("runs", "dripfeed_total", { max: s.max }) });
        return z.NEVER;
      }
      return { link: v.link, quantity: v.quantity, runs: runs.data, interval: interval.data, params: {} };
    });
}

/** Clients that send the subscription's profile as `link` rather than `username` (it is the order's link for us too). */
function usernameFromLink(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const v = input as Record<string, unknown>;
  return (v.username === undefined || v.username === "") && v.link !== undefined ? { ...v, username: v.link } : v;
}

function subscription(s: ServiceShape, say: Say): z.ZodType<OrderFields> {
  const object = z
    .object({
      username: usernameField(say),
      min: count(say, "min", s.min, s.max),
      max: count(say, "max", s.min, s.max),
      // 0 or none: unlimited new posts, which we cap at UNLIMITED_POSTS (charged up front, unused part refunded at the end).
      posts: optionalCount(say, "posts", 0, 10_000).transform((p) => (p ? p : UNLIMITED_POSTS)),
      old_posts: optionalCount(say, "old_posts", 0, 1_000).transform((p) => p ?? 0),
      delay: optionalCount(say, "delay", 0, 600).transform((d, ctx) =>
        d === undefined || (SUBSCRIPTION_DELAYS as readonly number[]).includes(d)
          ? (d ?? 0)
          : refuse(ctx, say("delay", "delay_choice", { choices: SUBSCRIPTION_DELAYS.join(", ") })),
      ),
      expiry: z.transform((v, ctx) => {
        if (blank(v)) return undefined;
        const d = typeof v === "string" ? v.trim() : "";
        return /^\d{2}\/\d{2}\/\d{4}$/.test(d) ? d : refuse(ctx, say("expiry", "date"));
      }),
    })
    .refine((v) => v.min <= v.max, { path: ["max"], message: say("max", "below_min") })
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
