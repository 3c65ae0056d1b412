import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { ActiveFault } from "./faults.ts";

/** The texts real panels send for refusals about the account or the panel itself. */
const REFUSALS = {
  errorFunds: "Not enough funds on balance",
  errorKey: "Invalid API key",
  errorRateLimit: "Too many requests, please slow down",
  errorMaintenance: "The API is under maintenance, please try again later",
} as const;

/** Cloudflare's own error page: names Cloudflare, as the real ones do. */
function cloudflarePage(status: number): Response {
  const html = `<!DOCTYPE html><html><head><title>Error ${status} | example-panel.test | Cloudflare</title></head><body><h1>Error ${status}</h1><p>Ray ID: 8c0ffee000000000 &bull; Performance &amp; security by Cloudflare</p></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=UTF-8", server: "cloudflare" } });
}

/** A JSON answer of `bytes` bytes, produced as it is read (a client that stops reading costs nothing more). */
function hugeJson(bytes: number): Response {
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) {
        controller.enqueue(new TextEncoder().encode('{"order":1,"pad":"'));
        sent += 18;
      } else if (sent + chunk.length < bytes) {
        controller.enqueue(chunk);
        sent += chunk.length;
      } else {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      }
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * The misbehaviour of one fault other than latency, hang and acceptThenHang (app.ts); null for
 * `error` and the kinds handled there. The action, when the fault acts, is already done.
 */
export function misbehave(c: Context<{ Bindings: HttpBindings }>, fault: ActiveFault): Response | null {
  switch (fault.kind) {
    case "http500":
      return c.text("Internal Server Error", 500);
    case "http503":
      return c.text("Service Unavailable", 503);
    case "http504":
      return c.text("Gateway Timeout", 504);
    case "http429":
      return c.text("Too Many Requests", 429, { "retry-after": "30" });
    case "cf502":
    case "cf520":
    case "cf521":
    case "cf522":
    case "cf523":
    case "cf524":
      return cloudflarePage(Number(fault.kind.slice(2)));
    case "origin502":
      // The panel's own nginx page, passed through Cloudflare (whose Server header every answer has).
      return c.html(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        502,
        { server: "cloudflare" },
      );
    case "badjson":
      return c.body('{"error": "Service tempor', 200, { "content-type": "application/json" });
    case "emptyBody":
      return c.body("", 200, { "content-type": "application/json" });
    case "nonJson":
      return c.html("<html><body>Order received</body></html>", 200);
    case "orderZero":
      return c.json({ order: 0 });
    case "hugeBody":
      return hugeJson(fault.bytes ?? 20 * 1024 * 1024);
    case "errorFunds":
    case "errorKey":
    case "errorRateLimit":
    case "errorMaintenance":
      return c.json({ error: fault.message ?? REFUSALS[fault.kind] });
    case "redirectOtherHost":
      return c.body(null, 307, { location: fault.location ?? "http://panel-moved.example/api/v2" });
    case "truncated": {
      const res = c.env.outgoing;
      res.writeHead(200, { "content-type": "application/json", "content-length": "64" });
      res.write('{"order":');
      res.socket?.end();
      return RESPONSE_ALREADY_SENT;
    }
    case "resetAfterRequest":
      c.env.incoming.socket.resetAndDestroy();
      return RESPONSE_ALREADY_SENT;
    default:
      return null;
  }
}
