import type { HttpBindings } from "@hono/node-server";
import type { AppServices, Ctx, Tenant } from "../context.ts";
import type { ApiKey, Session, User } from "../db/schema.ts";

/** One typed Env for every sub-app: request-scoped variables flow through createMiddleware. */
export type AppEnv = {
  Bindings: Partial<HttpBindings> & { tenant?: Tenant; requestId?: string; clientIp?: string };
  Variables: {
    requestId: string;
    services: AppServices;
    tenant: Tenant;
    clientIp: string;
    /** The client reached us over HTTPS (directly, or through a trusted proxy). */
    secure: boolean;
    user: User | null;
    session: Session | null;
    apiKey: ApiKey | null;
  };
};

import type { Context } from "hono";

/** Builds the domain context of a request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const s = c.get("services");
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
  };
}
