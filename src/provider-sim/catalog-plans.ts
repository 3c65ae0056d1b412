/** The shape of the simulated catalogue: one plan per category, expanded into services by catalog.ts. */
export const SERVICE_TYPES = [
  "Default",
  "Package",
  "Custom Comments",
  "Mentions with Hashtags",
  "Mentions Custom List",
  "Mentions Hashtag",
  "Mentions User Followers",
  "Mentions Media Likers",
  "Comment Likes",
  "Poll",
  "Subscriptions",
] as const;

export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface CategoryPlan {
  platform: string;
  category: string;
  /** Services of this category share one type. */
  type: ServiceType;
  /** Typical USD price per 1000 (per package for Package). */
  rate: number;
  min: number;
  max: number;
  count: number;
  /** Some services of the category offer refill. */
  refill?: boolean;
  /** Some services of the category accept drip-feed (Default only). */
  dripfeed?: boolean;
}

type Row = [category: string, type: ServiceType, rate: number, min: number, max: number, count: number, flags?: "r" | "d" | "rd"];

const D: ServiceType = "Default";

const TABLE: Record<string, Row[]> = {
  Instagram: [
    ["Instagram Followers", D, 0.9, 10, 1_000_000, 8, "r"],
    ["Instagram Likes", D, 0.12, 10, 200_000, 7, "rd"],
    ["Instagram Reels Views", D, 0.02, 100, 10_000_000, 5, "d"],
    ["Instagram Story Views", D, 0.05, 100, 50_000, 3],
    ["Instagram Saves", D, 0.08, 20, 100_000, 2, "d"],
    ["Instagram Comments", "Custom Comments", 6.5, 5, 10_000, 3, "r"],
    ["Instagram Comment Likes", "Comment Likes", 1.8, 20, 20_000, 2],
    ["Instagram Mentions", "Mentions with Hashtags", 2.5, 100, 100_000, 1],
    ["Instagram Mentions", "Mentions Custom List", 2.8, 10, 10_000, 1],
    ["Instagram Mentions", "Mentions Hashtag", 2.4, 100, 100_000, 1],
    ["Instagram Mentions", "Mentions User Followers", 2.6, 100, 100_000, 1],
    ["Instagram Mentions", "Mentions Media Likers", 2.6, 100, 100_000, 1],
    ["Instagram Auto Likes", "Subscriptions", 0.15, 50, 20_000, 3],
    ["Instagram Story Poll Votes", "Poll", 0.9, 100, 100_000, 2],
    ["Instagram Packages", "Package", 4.5, 1, 1, 2],
  ],
  TikTok: [
    ["TikTok Followers", D, 1.6, 10, 500_000, 6, "r"],
    ["TikTok Likes", D, 0.35, 10, 500_000, 6, "rd"],
    ["TikTok Views", D, 0.004, 100, 100_000_000, 5, "d"],
    ["TikTok Shares", D, 0.25, 50, 1_000_000, 3, "d"],
    ["TikTok Saves", D, 0.2, 50, 500_000, 2],
    ["TikTok Live Stream Views", D, 2.2, 50, 20_000, 3],
    ["TikTok Comments", "Custom Comments", 9, 5, 5_000, 2],
    ["TikTok Comment Likes", "Comment Likes", 2, 50, 50_000, 1],
    ["TikTok Auto Views", "Subscriptions", 0.01, 100, 1_000_000, 1],
  ],
  YouTube: [
    ["YouTube Views", D, 0.9, 100, 10_000_000, 8, "rd"],
    ["YouTube Likes", D, 1.1, 20, 200_000, 5, "rd"],
    ["YouTube Subscribers", D, 14, 50, 100_000, 5, "r"],
    ["YouTube Shorts Views", D, 0.6, 100, 5_000_000, 3, "r"],
    ["YouTube Live Stream Views", D, 1.5, 50, 50_000, 3],
    ["YouTube Watch Time", D, 8, 100, 4_000, 2, "r"],
    ["YouTube Watch Time", "Package", 60, 1, 1, 1],
    ["YouTube Comments", "Custom Comments", 12, 5, 2_000, 2, "r"],
    ["YouTube Comment Likes", "Comment Likes", 3.5, 20, 10_000, 1],
    ["YouTube Community Poll Votes", "Poll", 3, 50, 50_000, 1],
  ],
  Facebook: [
    ["Facebook Page Likes", D, 3.5, 50, 500_000, 5, "r"],
    ["Facebook Followers", D, 2.2, 50, 500_000, 4, "r"],
    ["Facebook Post Likes", D, 1.4, 20, 100_000, 4, "rd"],
    ["Facebook Video Views", D, 0.6, 100, 10_000_000, 4, "d"],
    ["Facebook Post Reactions", D, 1.9, 20, 50_000, 3],
    ["Facebook Group Members", D, 4, 100, 50_000, 2, "r"],
    ["Facebook Comments", "Custom Comments", 10, 5, 2_000, 2],
    ["Facebook Poll Votes", "Poll", 2, 50, 50_000, 1],
  ],
  Telegram: [
    ["Telegram Members", D, 0.9, 10, 200_000, 7, "r"],
    ["Telegram Post Views", D, 0.02, 50, 1_000_000, 5, "d"],
    ["Telegram Reactions", D, 0.1, 10, 100_000, 4],
    ["Telegram Poll Votes", "Poll", 0.4, 10, 100_000, 2],
    ["Telegram Auto Views", "Subscriptions", 0.015, 50, 500_000, 2],
    ["Telegram Comments", "Custom Comments", 8, 5, 1_000, 1],
  ],
  Twitter: [
    ["Twitter Followers", D, 5, 20, 200_000, 6, "r"],
    ["Twitter Likes", D, 2.5, 10, 50_000, 4, "rd"],
    ["Twitter Retweets", D, 3, 10, 50_000, 4, "rd"],
    ["Twitter Views", D, 0.03, 100, 10_000_000, 3],
    ["Twitter Comments", "Custom Comments", 15, 5, 1_000, 1],
    ["Twitter Poll Votes", "Poll", 1.5, 50, 100_000, 2],
    ["Twitter Mentions", "Mentions User Followers", 4, 100, 50_000, 1],
    ["Twitter Mentions", "Mentions Custom List", 4.5, 10, 5_000, 1],
    ["Twitter Auto Likes", "Subscriptions", 3, 20, 5_000, 1],
  ],
  Spotify: [
    ["Spotify Plays", D, 0.7, 1_000, 10_000_000, 6, "rd"],
    ["Spotify Followers", D, 0.9, 100, 1_000_000, 4, "r"],
    ["Spotify Monthly Listeners", D, 2.5, 500, 1_000_000, 3],
    ["Spotify Saves", D, 1.1, 100, 500_000, 3, "r"],
    ["Spotify Playlist Followers", D, 0.9, 100, 500_000, 2],
  ],
  Twitch: [
    ["Twitch Followers", D, 0.6, 50, 100_000, 4, "r"],
    ["Twitch Live Viewers", D, 4, 10, 5_000, 4],
    ["Twitch Channel Views", D, 0.5, 500, 1_000_000, 2],
    ["Twitch Clip Views", D, 0.8, 100, 1_000_000, 1],
  ],
  SoundCloud: [
    ["SoundCloud Plays", D, 0.05, 1_000, 10_000_000, 3, "d"],
    ["SoundCloud Likes", D, 1.2, 20, 50_000, 2],
    ["SoundCloud Followers", D, 1.5, 50, 100_000, 2, "r"],
    ["SoundCloud Reposts", D, 1.5, 20, 20_000, 1],
  ],
  Discord: [["Discord Server Members", D, 6, 50, 20_000, 3, "r"]],
  LinkedIn: [
    ["LinkedIn Followers", D, 12, 100, 10_000, 2, "r"],
    ["LinkedIn Post Likes", D, 10, 50, 5_000, 2],
    ["LinkedIn Connections", D, 20, 100, 2_000, 1],
  ],
  Threads: [
    ["Threads Followers", D, 2.5, 50, 100_000, 2, "r"],
    ["Threads Likes", D, 1.2, 20, 50_000, 2],
  ],
  Website: [["Website Traffic", D, 0.5, 1_000, 1_000_000, 3, "d"]],
};

export const CATEGORY_PLANS: readonly CategoryPlan[] = Object.entries(TABLE).flatMap(([platform, rows]) =>
  rows.map(([category, type, rate, min, max, count, flags = ""]) => ({
    platform,
    category,
    type,
    rate,
    min,
    max,
    count,
    refill: flags.includes("r"),
    dripfeed: flags.includes("d") && type === "Default",
  })),
);

export const PLATFORMS: readonly string[] = Object.keys(TABLE);
