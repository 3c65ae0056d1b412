/** Category names of providers → our slugs and social platforms. */

/** Checked in order: the first match wins ("Instagram Threads Followers" is Threads). */
const PLATFORM_PATTERNS: [string, RegExp][] = [
  ["threads", /\bthreads\b/],
  ["instagram", /\binsta(gram)?\b|\big\b/],
  ["tiktok", /\btik ?tok\b/],
  ["youtube", /\byou ?tube\b|\byt\b/],
  ["facebook", /\bfacebook\b|\bfb\b/],
  ["telegram", /\btelegram\b/],
  ["twitter", /\btwitter\b|\btweets?\b|^x\b|\bx \(twitter\)/],
  ["spotify", /\bspotify\b/],
  ["twitch", /\btwitch\b/],
  ["soundcloud", /\bsound ?cloud\b/],
  ["discord", /\bdiscord\b/],
  ["linkedin", /\blinked ?in\b/],
  ["snapchat", /\bsnap ?chat\b/],
  ["pinterest", /\bpinterest\b/],
  ["reddit", /\breddit\b/],
  ["whatsapp", /\bwhats ?app\b/],
  ["kick", /\bkick\b/],
  ["website", /\bwebsite\b|\btraffic\b|\bseo\b/],
];

/** Display order of platforms in the catalogue; the rest come after, then "other". */
const PLATFORM_ORDER = [
  "instagram",
  "tiktok",
  "youtube",
  "facebook",
  "telegram",
  "twitter",
  "spotify",
  "twitch",
  "threads",
  "soundcloud",
  "discord",
  "linkedin",
  "snapchat",
  "pinterest",
  "reddit",
  "whatsapp",
  "kick",
  "website",
];

export function platformOf(categoryName: string): string {
  const name = categoryName.toLowerCase();
  for (const [platform, pattern] of PLATFORM_PATTERNS) if (pattern.test(name)) return platform;
  return "other";
}

/** "Instagram Followers [HQ]" → "instagram-followers-hq"; accents folded; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 150)
    .replace(/-+$/, "");
  return slug || "category";
}

/** Sort key of a new category: grouped by platform, then in the provider's order. */
export function categorySortOrder(platform: string, position: number): number {
  const rank = PLATFORM_ORDER.indexOf(platform);
  return (rank === -1 ? PLATFORM_ORDER.length : rank) * 1000 + Math.min(position, 999);
}
