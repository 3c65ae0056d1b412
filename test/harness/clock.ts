import type { Clock } from "../../src/lib/time.ts";

/** A clock tests move by hand. */
export function manualClock(start = new Date("2026-11-24T10:00:00Z")): Clock & { advance(ms: number): void; set(d: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(d) {
      now = d.getTime();
    },
  };
}
