import { formatRate, toWireService, type SimService } from "./catalog.ts";

/**
 * How a service appears in the `services` answer, beyond the clean catalogue: real panels send
 * rates with decimal commas, symbols or long decimals, "0.00", HTML-escaped names, types of their
 * own. A listing override replaces fields of one entry as they go on the wire (orders still use the
 * service itself).
 */
export type ListingOverride = Record<string, unknown>;

export const CATALOGUE_STYLES = ["clean", "messy"] as const;
export type CatalogueStyle = (typeof CATALOGUE_STYLES)[number];

/** The variations of the messy style, in the order they are given to the catalogue's first services. */
const MESSY_VARIANTS = [
  "decimal_comma",
  "dollar_sign",
  "code_suffix",
  "euro_comma",
  "long_decimals",
  "zero_rate",
  "html_entities",
  "lowercase_type",
  "comment_replies",
  "invites_from_groups",
] as const;
export type MessyVariant = (typeof MESSY_VARIANTS)[number];

function messyOverride(variant: MessyVariant, s: SimService): ListingOverride {
  const rate = formatRate(s.rate);
  switch (variant) {
    case "decimal_comma":
      return { rate: rate.replace(".", ",") };
    case "dollar_sign":
      return { rate: `$${rate}` };
    case "code_suffix":
      return { rate: `${rate} USD` };
    case "euro_comma":
      return { rate: `€${rate.replace(".", ",")}` };
    case "long_decimals":
      // A JSON number with a seventh decimal: 0.9 → 0.9000004.
      return { rate: (s.rate + 0.4) / 1_000_000 };
    case "zero_rate":
      return { rate: "0.00" };
    case "html_entities":
      return { name: s.name.replace(" | ", " &amp; "), category: `${s.category} &amp; More` };
    case "lowercase_type":
      return { type: s.type.toLowerCase() };
    case "comment_replies":
      return { type: "Comment Replies" };
    case "invites_from_groups":
      return { type: "Invites from Groups" };
  }
}

/** The messy style: one variation on each of the first Default services (by id), the rest clean. */
export function messyListings(services: SimService[]): Map<number, { variant: MessyVariant; override: ListingOverride }> {
  const defaults = services.filter((s) => s.type === "Default").sort((a, b) => a.service - b.service);
  return new Map(MESSY_VARIANTS.map((variant, i) => [defaults[i]!.service, { variant, override: messyOverride(variant, defaults[i]!) }]));
}

/** The `services` answer: the clean wire entries, with the style's and the explicit overrides on top. */
export function listingsOf(services: SimService[], style: CatalogueStyle, overrides: ReadonlyMap<number, ListingOverride>): unknown[] {
  const messy = style === "messy" ? messyListings(services) : new Map();
  return services.map((s) => ({ ...toWireService(s), ...messy.get(s.service)?.override, ...overrides.get(s.service) }));
}
