import { describe, expect, it } from "vitest";
import { categorySortOrder, platformOf, slugify } from "../../src/catalog/platforms.ts";

describe("categories from provider category names", () => {
  it("recognises the platform a category is for", () => {
    const cases: [string, string][] = [
      ["Instagram Followers", "instagram"],
      ["IG Likes [Real]", "instagram"],
      ["TikTok Views", "tiktok"],
      ["Tik Tok Likes", "tiktok"],
      ["YouTube Watch Time", "youtube"],
      ["Facebook Page Likes", "facebook"],
      ["Telegram Members", "telegram"],
      ["Twitter Followers", "twitter"],
      ["X (Twitter) Retweets", "twitter"],
      ["Threads Followers", "threads"],
      ["Instagram Threads Likes", "threads"],
      ["Spotify Plays", "spotify"],
      ["Website Traffic", "website"],
      ["Misc boosters", "other"],
      ["Kickstarter pledges", "other"],
    ];
    for (const [name, platform] of cases) expect(platformOf(name), name).toBe(platform);
  });

  it("makes stable URL-safe slugs, accents folded", () => {
    expect(slugify("Instagram Followers [HQ]")).toBe("instagram-followers-hq");
    expect(slugify("  Abonnés Télégram — Premium ")).toBe("abonnes-telegram-premium");
    expect(slugify("***")).toBe("category");
    expect(slugify("x".repeat(300)).length).toBeLessThanOrEqual(150);
  });

  it("groups new categories by platform in the catalogue order", () => {
    expect(categorySortOrder("instagram", 3)).toBeLessThan(categorySortOrder("tiktok", 0));
    expect(categorySortOrder("other", 0)).toBeGreaterThan(categorySortOrder("website", 999));
  });
});
