import { createServer } from "node:net";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import type { TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";

/** A key long and distinctive enough that finding it anywhere is a real leak. */
export const SECRET_KEY = "prov-secret-7f3a9c2e41d8b6";
export const SIM_START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A simulated provider on loopback with a fixed clock, and its api_providers row. */
export async function simWithRow(p: TestPlatform, opts: { exchangeRate?: number; name?: string } = {}) {
  const sim = await startSimProvider({ apiKey: SECRET_KEY, clock: () => SIM_START });
  const now = dbNow();
  const res = await p.services.db
    .insertInto("api_providers")
    .values({
      name: opts.name ?? "Test provider",
      url: sim.url,
      api_key: SECRET_KEY,
      currency: "USD",
      exchange_rate: opts.exchangeRate ?? 600_000_000,
      is_active: 1,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirst();
  return { sim, providerId: Number(res.insertId), target: { id: Number(res.insertId), url: sim.url, apiKey: SECRET_KEY } };
}

/** A loopback URL where nothing listens: connections are refused before anything is sent. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/v2`;
}

export type { SimProvider };

/** Records what a job reports, as the CLI's progress bar would see it. */
export function recordingProgress() {
  const events: { start: [string, number][]; ticks: number; done: (string | undefined)[] } = { start: [], ticks: 0, done: [] };
  return {
    events,
    start: (label: string, total: number) => void events.start.push([label, total]),
    tick: (n = 1) => {
      events.ticks += n;
    },
    done: (summary?: string) => void events.done.push(summary),
  };
}
