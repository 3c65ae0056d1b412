/** Timestamps are stored as 'YYYY-MM-DD HH:MM:SS.sss' UTC in both dialects and shown as ISO-8601. */
export function toDbTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}

export function fromDbTime(s: string): Date {
  return new Date(s.replace(" ", "T") + (s.endsWith("Z") ? "" : "Z"));
}

export function toIso(s: string | null | undefined): string | null {
  if (s == null) return null;
  return fromDbTime(s).toISOString();
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function dbNow(clock: Clock = systemClock, offsetMs = 0): string {
  return toDbTime(new Date(clock.now().getTime() + offsetMs));
}

/** UTC midnight of `now`'s day, in the stored timestamp format. */
export function startOfUtcDay(now: Date): string {
  return toDbTime(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())));
}

/** UTC midnight on the 1st of `now`'s month, in the stored timestamp format. */
export function startOfUtcMonth(now: Date): string {
  return toDbTime(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
