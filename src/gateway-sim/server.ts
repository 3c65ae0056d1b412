import { createAdaptorServer } from "@hono/node-server";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSimGatewayApp } from "./app.ts";
import { createSimGatewayState, type Deliver, type FedapaySimCredentials, type GatewayCredentials, type SimGatewayState } from "./state.ts";

export type { GatewayFaults, SentNotification, Deliver } from "./state.ts";

interface SimGatewayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Credentials the merchant must use; random by default. */
  credentials?: Partial<GatewayCredentials>;
  /** How notifications reach the merchant; default an HTTP POST with fetch. */
  deliver?: Deliver;
}

export interface SimGateway {
  /** The API base, e.g. http://127.0.0.1:41234 (CinetPay's …/v2/payment, …/v2/payment/check; FedaPay's …/v1/transactions). */
  url: string;
  /** What a CinetPay account pointed at it holds. */
  credentials: GatewayCredentials;
  /** What a FedaPay account pointed at it holds. */
  fedapay: FedapaySimCredentials;
  /** Faults, payments and the notifications sent (tests and developers drive it). */
  sim: SimGatewayState;
  close(): Promise<void>;
}

const fetchDeliver: Deliver = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: "manual" });
  await res.arrayBuffer();
  return { status: res.status };
};

/** Starts the simulated gateway on loopback (never anything else: it is for development and tests). */
export async function startSimGateway(opts: SimGatewayOptions = {}): Promise<SimGateway> {
  const credentials: GatewayCredentials = {
    apikey: opts.credentials?.apikey ?? `sim_${randomBytes(12).toString("hex")}`,
    site_id: opts.credentials?.site_id ?? String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
    secret_key: opts.credentials?.secret_key ?? randomBytes(24).toString("hex"),
  };
  const fedapay: FedapaySimCredentials = {
    secret_key: `sk_sandbox_sim${randomBytes(12).toString("hex")}`,
    webhook_secret: `wh_sandbox_sim${randomBytes(16).toString("hex")}`,
    environment: "sandbox",
  };
  const sim = createSimGatewayState(credentials, fedapay, opts.deliver ?? fetchDeliver);
  let url = "";
  const app = createSimGatewayApp(sim, () => url);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    credentials,
    fedapay,
    sim,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
