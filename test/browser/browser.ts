import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { chromium, type Browser } from "playwright-core";
import type { TestPlatform } from "../harness/platform.ts";
import type { DialectName } from "../../src/db/database.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/**
 * Why the browser suites cannot run here, or null when they can; it names the skipped suite, so a
 * run without Chromium reports them as skipped, with the reason, never as passed.
 */
export function browserSkipReason(dialect: DialectName): string | null {
  if (!hasChromium) return `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  // Rendering does not depend on the database: one dialect drives the browser.
  if (dialect !== "sqlite") return "skipped on this dialect: SQLite's run drives the browser";
  return null;
}
export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

/** A loopback port free right now, for an app whose APP_URL must name its port before it serves. */
/** The app on a real loopback socket (any free port, or `port`), so that a real browser can talk to it. */
export async function serveOnLoopback(p: TestPlatform, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: p.app.fetch, port, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ port: info.port, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
  });
}

/** Debian's Chromium, headless, with every test host resolved to loopback (no DNS, no internet). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(`${ARTIFACTS}screenshots`, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--host-resolver-rules=MAP *.izyboost.test 127.0.0.1, MAP izyboost.test 127.0.0.1",
    ],
  });
}
