import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { setTimeout as delay } from "node:timers/promises";
import { answerAction } from "./actions.ts";
import { createAdminApp } from "./admin.ts";
import type { SimControl } from "./control.ts";
import { SimError } from "./errors.ts";
import { ACTING_FAULTS } from "./faults.ts";
import { misbehave } from "./misbehave.ts";
import type { Fields } from "./order-request.ts";

interface SimAppDeps {
  sim: SimControl;
  apiKey: string;
  /** Aborted when the server stops, to end hanging requests. */
  shutdown: AbortSignal;
}

/** Query string first, then the body (form, multipart or JSON) on top, every value as text. */
async function readFields(req: Request): Promise<Fields> {
  const fields: Fields = Object.fromEntries(new URL(req.url).searchParams);
  if (req.method !== "POST") return fields;
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body: unknown = await req.json();
      if (body && typeof body === "object" && !Array.isArray(body)) {
        for (const [name, value] of Object.entries(body)) if (value != null) fields[name] = String(value);
      }
    } else if (type.includes("multipart/form-data")) {
      for (const [name, value] of await req.formData()) if (typeof value === "string") fields[name] = value;
    } else {
      // Form-encoded, or a client that forgot the content type.
      for (const [name, value] of new URLSearchParams(await req.text())) fields[name] = value;
    }
  } catch {
    // A body we cannot read is answered like a request without fields.
  }
  return fields;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** The panel's answer to one call, refusals included, as the body a real panel sends with HTTP 200. */
function answer(sim: SimControl, apiKey: string, fields: Fields): unknown {
  try {
    if (!fields.key || fields.key !== apiKey) throw new SimError("Invalid API key");
    return answerAction(sim, fields);
  } catch (err) {
    if (err instanceof SimError) return { error: err.message };
    throw err;
  }
}

export function createSimApp({ sim, apiKey, shutdown }: SimAppDeps): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.route("/__sim", createAdminApp(sim));

  app.on(["GET", "POST"], ["/api/v2", "/api/v2/"], async (c) => {
    const fields = await readFields(c.req.raw);
    const plan = sim.planFor(fields.action ?? "");
    const gone = AbortSignal.any([c.req.raw.signal, shutdown]);
    if (plan.latencyMs > 0) await delay(plan.latencyMs, undefined, { signal: gone }).catch(() => undefined);
    if (gone.aborted) return c.body(null, 503);

    const fault = plan.fault;
    if (!fault) return c.json(answer(sim, apiKey, fields));
    // The panel does the action, then the answer goes wrong.
    if (ACTING_FAULTS.has(fault.kind)) answer(sim, apiKey, fields);
    switch (fault.kind) {
      case "error":
        return c.json({ error: fault.message ?? "Service temporarily unavailable" });
      case "hang":
      case "acceptThenHang":
        await untilAborted(gone);
        return c.body(null, 503);
    }
    return misbehave(c, fault) ?? c.json(answer(sim, apiKey, fields));
  });

  app.onError((err, c) => {
    console.error("provider-sim:", err);
    return c.text("Internal Server Error", 500);
  });
  return app;
}
