import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { randomUUID } from "node:crypto";
import type { AppServices } from "../context.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError, NotFound, envelopeOf } from "../core/errors.ts";
import { addressList } from "../lib/ip.ts";
import { createTenantResolver } from "../tenancy/resolve.ts";
import { forwardedFor, lastForwarded, peerAddress } from "../http/client.ts";
import { notFoundPage, serverErrorPage, unknownHostPage } from "../http/plain-pages.ts";
import { loadSession } from "../auth/middleware.ts";
import { isRedisUnavailable, limiter, type RedisPing, type StoreFactory } from "../http/rate-limit.ts";
import { isComplete, securityHeaders } from "../http/response-headers.ts";
import { readiness } from "./readiness.ts";
import { hostFacts } from "./host-facts.ts";
import { mountFeatures } from "./features.ts";
import { suspendedSitePage } from "../storefront/routes.ts";
import { maintenanceGate } from "../storefront/maintenance.ts";
import { TLS_ASK_PATH, answerTlsAsk } from "../white-label/tls-ask.ts";
import { unavailableResponse } from "../http/unavailable.ts";
import { isDatabaseUnavailable } from "../db/errors.ts";

const JSON_LIMIT = 1024 * 1024;
const UPLOAD_LIMIT = 6 * 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith("/api/") || c.req.path === "/api" || (c.req.header("accept") ?? "").includes("application/json");
}

/** The standard provider protocol answers every refusal as `{"error": "..."}` (HTTP 200, as panels expect), never the envelope. */
function isProviderApi(c: Context<AppEnv>): boolean {
  return c.req.path === "/api/v2" || c.req.path === "/api/v2/";
}

function errorResponse(c: Context<AppEnv>, err: unknown): Response | Promise<Response> {
  const requestId = c.get("requestId");
  if (isProviderApi(c) && (err instanceof AppError || err instanceof HTTPException) && err.status !== 429 && err.status < 500) {
    return c.json({ error: err.status === 413 ? "The request body is too large" : err instanceof AppError ? err.message : "Incorrect request" });
  }
  if (err instanceof AppError) {
    if (!wantsJson(c) && err.status === 404) return c.html(notFoundPage(), 404);
    return c.json(envelopeOf(err, requestId), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? "payload_too_large" : status === 400 ? "bad_request" : "http_error";
    const message = status === 413 ? "The request body is too large" : err.message || "Request error";
    return c.json({ error: { code, message, request_id: requestId } }, status);
  }
  const shape = isProviderApi(c) ? "provider" : wantsJson(c) ? "json" : "page";
  if (isDatabaseUnavailable(err)) return unavailableResponse(c, shape);
  if (isRedisUnavailable(err)) return unavailableResponse(c, shape, "service_unavailable");
  c.get("services")?.logger.error("unhandled error", { requestId, path: c.req.path, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  if (isProviderApi(c)) return c.json({ error: "Internal server error" }, 500);
  if (!wantsJson(c)) return c.html(serverErrorPage(), 500);
  return c.json({ error: { code: "internal_error", message: "Internal server error", request_id: requestId } }, 500);
}

export interface AppHandle {
  app: Hono<AppEnv>;
  invalidateTenants(): void;
  /** From now on `/readyz` answers 503, so that a load balancer sends no new requests here (shutdown). */
  drain(): void;
}

export function createApp(services: AppServices, stores: StoreFactory, redisPing: RedisPing = null): AppHandle {
  let draining = false;
  const { config } = services;
  const app = new Hono<AppEnv>();
  const trusted = addressList(config.TRUSTED_PROXIES);
  const tenants = createTenantResolver(services.db, config);
  services.events.onSiteChanged(() => tenants.invalidate());
  services.events.onAllChanged(() => tenants.invalidate());

  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) => (wantsJson(c) ? errorResponse(c, new NotFound("Route not found")) : c.html(notFoundPage(), 404)));

  // JSON answers hold one caller's data: no browser or shared cache may keep them.
  app.use("*", async (c, next) => {
    await next();
    // A complete answer (src/http/response-headers.ts) was given its cache-control by its handler.
    if (isComplete(c.res)) return;
    if (c.res.headers.get("content-type")?.includes("application/json")) c.res.headers.set("cache-control", "no-store");
  });
  app.use("*", async (c, next) => {
    const asked = c.req.header("x-request-id");
    // A client's id is echoed into headers and logs only when it is a plain token.
    c.set("requestId", asked && REQUEST_ID.test(asked) ? asked : randomUUID());
    c.set("services", services);
    c.set("user", null);
    c.set("session", null);
    c.set("apiKey", null);
    const peer = peerAddress(c);
    const viaProxy = trusted.has(peer);
    c.set("clientIp", (viaProxy && forwardedFor(c.req.header("x-forwarded-for"), trusted)) || peer);
    // Behind a TLS-terminating proxy the request URL says http: the proxy's X-Forwarded-Proto decides.
    const proto = viaProxy ? lastForwarded(c.req.header("x-forwarded-proto"))?.toLowerCase() : undefined;
    c.set("secure", proto ? proto === "https" : c.req.url.startsWith("https:"));
    // Probes come with any host: answered before tenant resolution. Liveness is the process answering
    // (a database outage must not get every instance restarted); readiness checks what requests need.
    if (c.req.path === "/healthz") return c.json({ status: "ok" });
    // Readiness: the database and Redis (when configured) answer now, and this instance is not shutting down.
    if (c.req.path === "/readyz") {
      const r = await readiness(services.db, redisPing, draining);
      return c.json({ status: r.ready ? "ready" : "unavailable", checks: r.checks }, r.ready ? 200 : 503);
    }
    // The TLS proxy asks on loopback with whatever Host it uses: answered before tenant resolution.
    if (c.req.method === "GET" && c.req.path === TLS_ASK_PATH) return answerTlsAsk(c, viaProxy);
    const hostHeader = (viaProxy && lastForwarded(c.req.header("x-forwarded-host"))) || c.req.header("host") || new URL(c.req.url).host;
    const host = hostFacts(hostHeader);
    const tenant = await tenants.resolve(host.hostname);
    if (tenant.kind === "unknown") return c.html(unknownHostPage(), 404);
    c.set("tenant", tenant);
    c.set("origin", c.get("secure") ? host.httpsOrigin : host.httpOrigin);
    // A suspended or disabled site answers 503 in its own theme and branding.
    if (tenant.kind === "site" && (tenant.site.status === "suspended" || tenant.site.status === "disabled")) {
      return isProviderApi(c) ? c.json({ error: "This panel is temporarily unavailable" }, 503) : suspendedSitePage(c);
    }
    await next();
    // After the handler, on whatever answer it made (a complete answer has it already).
    if (!isComplete(c.res)) c.res.headers.set("x-request-id", c.get("requestId"));
  });

  app.use("*", securityHeaders);
  const tooLarge = (c: Context<AppEnv>) =>
    isProviderApi(c)
      ? c.json({ error: "The request body is too large" })
      : c.json({ error: { code: "payload_too_large", message: "The request body is too large", request_id: c.get("requestId") } }, 413);
  const jsonLimit = bodyLimit({ maxSize: JSON_LIMIT, onError: tooLarge });
  const uploadLimit = bodyLimit({ maxSize: UPLOAD_LIMIT, onError: tooLarge });
  app.use("*", (c, next) => {
    // A GET or HEAD has no body (the server gives it none): asking for one would build the full Request object.
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    return (/\/(branding|logo)$/.test(c.req.path) ? uploadLimit : jsonLimit)(c, next);
  });

  // The master, admin and developer APIs live on platform hosts only; /api/v2 is served by every tenant.
  app.use("/api/*", async (c, next) => {
    if (c.get("tenant").kind === "site" && !c.req.path.startsWith("/api/v2")) throw new NotFound("Route not found");
    await next();
  });
  app.use("*", loadSession);
  app.use("*", maintenanceGate);
  app.use(
    "/api/*",
    limiter({
      store: stores("user"),
      limit: config.RATE_LIMIT_PER_MINUTE,
      key: (c) => {
        const user = c.get("user");
        return user ? `u:${user.id}` : `ip:${c.get("clientIp")}`;
      },
      skip: (c) => c.req.path.startsWith("/api/v1") || c.req.path.startsWith("/api/v2"),
    }),
  );

  mountFeatures(app, services, stores);
  return {
    app,
    invalidateTenants: () => tenants.invalidate(),
    drain: () => {
      draining = true;
    },
  };
}
