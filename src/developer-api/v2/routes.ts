import type { Context } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import { AppError } from "../../core/errors.ts";
import { admitApiKey, findApiKey, isLiveKey, logApiCall } from "../keys.ts";
import { statusOfError, TOO_MANY_BAD_KEYS, type KeyLimits } from "../middleware.ts";
import { V2Refusal, answerV2, isKnownAction, refusalMessage } from "./actions.ts";
import { readV2Fields, UnreadableRequest, type V2Fields } from "./params.ts";

/** Why a key was refused, in the protocol's words. */
function admissionMessage(err: AppError): string {
  if (err.code === "account_banned") return "Your account is suspended";
  if (err.code === "ip_not_allowed") return "This IP address is not allowed for this API key";
  if (err.status === 401) return "Invalid API key";
  return err.message;
}

/**
 * The standard SMM API v2 at /api/v2 (GET or POST; form, multipart, JSON or query string), for the
 * request's tenant: the platform's users, or a white-label site's customers on that site's host.
 * Every refusal is `{"error": "..."}` with HTTP 200, as third-party panel clients expect; only the
 * per-key rate limit answers 429 (with the same body shape).
 */
export function providerApiHandler({ perKey, guard }: KeyLimits) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const started = performance.now();
    let fields: V2Fields;
    try {
      fields = await readV2Fields(c);
    } catch (err) {
      if (err instanceof UnreadableRequest) return c.json({ error: "Incorrect request" });
      throw err;
    }
    const ctx = ctxOf(c);
    const raw = fields.key?.trim();
    const key = await findApiKey(ctx, raw);
    if (!key || !isLiveKey(ctx, key)) {
      if ((await guard.refuse(c.get("clientIp"), raw)) === "limited") return c.json({ error: TOO_MANY_BAD_KEYS }, 429);
      if (!key) return c.json({ error: "Invalid API key" });
    }

    let logged = 200;
    try {
      const user = await admitApiKey(ctx, key, c.get("clientIp"));
      c.set("apiKey", key);
      c.set("user", user);
      let answer: unknown;
      await perKey(c, async () => {
        answer = await answerV2(ctxOf(c), key, fields);
      });
      return c.json(answer as object);
    } catch (err) {
      logged = err instanceof V2Refusal ? err.status : statusOfError(err);
      if (err instanceof V2Refusal) return c.json({ error: err.message });
      if (err instanceof AppError && err.status === 429) return c.json({ error: "Too many requests, please slow down" }, 429);
      if (err instanceof AppError) return c.json({ error: err.status === 401 || err.status === 403 ? admissionMessage(err) : refusalMessage(err) });
      throw err;
    } finally {
      const action = isKnownAction(fields.action) ? fields.action : "unknown";
      await logApiCall(ctx, {
        keyId: key.id,
        method: c.req.method,
        path: `/api/v2?action=${action}`,
        status: logged,
        ip: c.get("clientIp"),
        durationMs: performance.now() - started,
      });
    }
  };
}
