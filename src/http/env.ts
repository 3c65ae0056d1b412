import type { HttpBindings } from "@hono/node-server";
import type { RateLimitInfo } from "hono-rate-limiter";
import type { AppServices, AuthedCtx, Ctx, Tenant } from "../context.ts";
import type { ApiKey, Session, User } from "../db/schema.ts";

type Bindings = Partial<HttpBindings> & { tenant?: Tenant; requestId?: string; clientIp?: string };

/** Request-scoped variables every request has, whoever calls. */
type RequestVariables = {
  requestId: string;
  services: AppServices;
  tenant: Tenant;
  clientIp: string;
  /** The client reached us over HTTPS (directly, or through a trusted proxy). */
  secure: boolean;
  /** The origin of this request's own pages (scheme and the Host the tenant was resolved from); null for a malformed Host. */
  origin: string | null;
  /** The state of the last limiter the request went through (hono-rate-limiter's) and its RateLimit-* headers (src/http/rate-limit.ts). */
  rateLimit?: RateLimitInfo;
  rateLimitHeaders?: Readonly<Record<string, string>>;
};

/** One typed Env for every sub-app: request-scoped variables flow through createMiddleware. */
export type AppEnv = {
  Bindings: Bindings;
  Variables: RequestVariables & {
    user: User | null;
    session: Session | null;
    apiKey: ApiKey | null;
  };
};

/** Behind requireAuth or signedIn (a session's user): the user is present. */
export type AuthedEnv = {
  Bindings: Bindings;
  Variables: RequestVariables & { user: User; session: Session; apiKey: null };
};

/** Behind requireAdmin: a platform admin's session. */
export type AdminEnv = AuthedEnv;

/** Behind apiKeyAuth (/api/v1): the key and its owner are present. */
export type ApiKeyEnv = {
  Bindings: Bindings;
  Variables: RequestVariables & { user: User; session: null; apiKey: ApiKey };
};

/** A domain context whose user is typed as the guard of the request's Env promises. */
type CtxOf<E extends AppEnv> = E["Variables"]["user"] extends User ? AuthedCtx : Ctx;

import type { Context } from "hono";

/** Builds the domain context of a request (an AuthedCtx behind a user guard). */
export function ctxOf<E extends AppEnv>(c: Context<E>): CtxOf<E> {
  const s: AppServices = c.get("services");
  return {
    db: s.db,
    dialect: s.dialect,
    tenant: c.get("tenant"),
    user: c.get("user") ?? null,
    clock: s.clock,
    logger: s.logger,
    config: s.config,
    events: s.events,
    mailer: s.mailer,
    state: s.state,
    dns: s.dns,
    passwordCost: s.passwordCost,
    ip: c.get("clientIp"),
  } as CtxOf<E>;
}
