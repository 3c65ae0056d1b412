// The same-bytes ceiling: `node bench/ceiling.ts <response.json>` serves one captured response (status,
// headers, body) from a bare Hono app, in its own process, so that a scenario is compared with what
// Hono and node:http alone cost for the same bytes. Prints `{"url"}` on one line, serves until SIGTERM.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { serve } from "@hono/node-server";

export interface CapturedResponse {
  status: number;
  headers: [string, string][];
  /** base64 */
  body: string;
}

const captured = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as CapturedResponse;
const body = Buffer.from(captured.body, "base64");
const app = new Hono();
app.all("*", () => new Response(body, { status: captured.status, headers: captured.headers }));
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }));
});
process.once("SIGTERM", () => {
  server.close();
  process.exit(0);
});
