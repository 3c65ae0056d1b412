import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { addressList } from "../lib/ip.ts";
import { PERMISSIONS } from "./keys.ts";
import { wholeNumber } from "../core/validate.ts";

const MAX_WHITELIST = 50;

/** A future instant as an ISO-8601 date ("2026-01-31") or date-time with an offset ("…T12:00:00Z"). */
const isoInstant = z
  .string({ error: "Must be an ISO-8601 date or date-time" })
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/,
    "Must be an ISO-8601 date or date-time (with Z or an offset)",
  )
  .transform((s, ctx) => {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(" ", "T"));
    // Date rolls 2099-02-30 over to March 2: the calendar day must exist as written.
    const day = new Date(`${s.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== s.slice(0, 10)) {
      ctx.addIssue({ code: "custom", message: "Not a real date" });
      return z.NEVER;
    }
    return d;
  });

export const createKeyBody = z.object({
  name: z.string({ error: "A name is required" }).trim().min(1, "A name is required").max(100, "At most 100 characters"),
  permissions: z
    .array(z.enum(PERMISSIONS, { error: `One of: ${PERMISSIONS.join(", ")}` }), { error: `A list of permissions among: ${PERMISSIONS.join(", ")}` })
    .min(1, "Choose at least one permission")
    .transform((list) => [...new Set(list)]),
  rate_limit_per_minute: wholeNumber("A whole number from 1 to 600", { min: 1, max: 600 }).default(60),
  ip_whitelist: z
    .array(z.string({ error: "Must be an IP address or a CIDR range" }).trim().max(49, "Not an IP address or CIDR range"), {
      error: "A list of IP addresses or CIDR ranges",
    })
    .max(MAX_WHITELIST, `At most ${MAX_WHITELIST} entries`)
    .nullish()
    .superRefine((list, ctx) => {
      const bad = list ? addressList(list).invalid : [];
      for (const entry of bad) ctx.addIssue({ code: "custom", message: `Not an IP address or CIDR range: ${entry}` });
    })
    .transform((list) => (list?.length ? [...new Set(list)] : null)),
  expires_at: isoInstant.nullish(),
});
export type CreateKeyInput = z.infer<typeof createKeyBody>;

export const keysQuery = z.object({ ...pageQuery });
export const logsQuery = z.object({ ...pageQuery });
