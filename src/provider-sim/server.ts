import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSimApp } from "./app.ts";
import { createSimControl, type SimControl } from "./control.ts";
import type { OrderTiming } from "./progress.ts";
import type { CatalogueStyle } from "./listings.ts";

export type { SimControl } from "./control.ts";
export type { FaultKind, FaultSpec } from "./faults.ts";
export type { OrderOutcome, OrderStatus } from "./progress.ts";

export interface SimProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default "sim-key". */
  apiKey?: string;
  /** Milliseconds since the epoch; `sim.advance(ms)` moves it further. Default Date.now. */
  clock?: () => number;
  /** Starting balance in the panel's currency. Default "1000". */
  balance?: string;
  /** Default "USD". */
  currency?: string;
  /** "messy": the catalogue as untidy panels send it (listings.ts). Default "clean". */
  catalogue?: CatalogueStyle;
  timing?: Partial<OrderTiming>;
}

export interface SimProvider {
  /** The API v2 endpoint, e.g. http://127.0.0.1:41234/api/v2. */
  url: string;
  apiKey: string;
  sim: SimControl;
  /** Stops the server, ending hanging requests at once. */
  close(): Promise<void>;
}

export async function startSimProvider(opts: SimProviderOptions = {}): Promise<SimProvider> {
  const host = opts.host ?? "127.0.0.1";
  const apiKey = opts.apiKey ?? "sim-key";
  const sim = createSimControl({ clock: opts.clock, balance: opts.balance, currency: opts.currency, catalogue: opts.catalogue, timing: opts.timing });
  const shutdown = new AbortController();
  const app = createSimApp({ sim, apiKey, shutdown: shutdown.signal });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostInUrl}:${port}/api/v2`,
    apiKey,
    sim,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
