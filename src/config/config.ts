import { z } from "zod";
import { isIsoCurrency } from "../money/money.ts";
import { developmentDataKey, parseDataKey } from "../lib/secret-box.ts";
import { productionProblems } from "./production.ts";

/** Parsed once at start; the rest of the code never reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_NAME: z.string().min(1).default("IzyBoost"),
  APP_URL: z.url({ message: "must be an absolute URL such as http://localhost:8000" }).default("http://localhost:8000"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default("0.0.0.0"),
  SITES_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, "must be a bare domain such as sites.izyboost.com")
    .default("sites.localhost"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(mysql|mariadb):\/\//.test(v) || /^sqlite:/.test(v), "must start with mysql:// or sqlite:")
    .optional(),
  DATA_DIR: z.string().default("./data"),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), "must start with redis://")
    .optional(),
  SMM_API_URL: z.url().optional(),
  SMM_API_KEY: z.string().optional(),
  SMM_PROVIDER_CURRENCY: z
    .string()
    .refine(isIsoCurrency, "must be an ISO 4217 currency code such as USD or INR")
    .transform((v) => v.toUpperCase())
    .default("USD"),
  SIM_PROVIDER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  // Unset: allowed only in the embedded default (no SMM_API_URL), whose simulated provider listens on loopback.
  PROVIDER_ALLOW_PRIVATE_URLS: z.enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" }).optional(),
  TRUSTED_PROXIES: z.string().default(""),
  MAIL_HOST: z.string().optional(),
  MAIL_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  MAIL_USERNAME: z.string().optional(),
  MAIL_PASSWORD: z.string().optional(),
  MAIL_ENCRYPTION: z.enum(["tls", "ssl", "none"]).default("tls"),
  MAIL_FROM_ADDRESS: z.string().default("noreply@izyboost.com"),
  MAIL_FROM_NAME: z.string().default("IzyBoost"),
  /** The address a white-label site's mails are sent from (a neutral domain the platform signs for); MAIL_FROM_ADDRESS when unset. */
  MAIL_SITES_FROM_ADDRESS: z.string().optional(),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Failed sign-ins for one account (any address) before it is refused for the rest of the window. */
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** Unknown, revoked or expired API keys from one address, and for one key prefix, before further bad ones get 429 (valid keys always pass). */
  API_KEY_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  API_KEY_FAILURES_PER_PREFIX: z.coerce.number().int().min(1).default(10),
  API_KEY_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** AES-256-GCM key of secrets kept at rest (TOTP secrets): 32 bytes as 64 hex digits or base64. Required in production. */
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((v) => parseDataKey(v) !== null, "must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)")
    .optional(),
  /** How many app instances share the database (docker-compose runs 2): more than one needs MySQL/MariaDB and Redis. */
  INSTANCES: z.coerce.number().int().min(1).max(64).default(1),
  /** How long a stopping instance waits for requests in flight before cutting them (ms); keep it under the orchestrator's kill delay. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /** The first admin's address in production (default admin@<APP_URL host>); its password is set through a one-time link. */
  ADMIN_EMAIL: z.email({ message: "must be an e-mail address" }).optional(),
  SCHEDULER: z.enum(["on", "off"]).default("on"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Config = Readonly<
  Omit<z.infer<typeof envSchema>, "TRUSTED_PROXIES" | "PROVIDER_ALLOW_PRIVATE_URLS" | "DATA_ENCRYPTION_KEY"> & {
    /** The 32-byte key of src/lib/secret-box.ts: the configured one, or the fixed development key outside production. */
    DATA_ENCRYPTION_KEY: Readonly<Buffer>;
    TRUSTED_PROXIES: readonly string[];
    /** Whether provider URLs may point at loopback or private addresses. */
    PROVIDER_ALLOW_PRIVATE_URLS: boolean;
    /** Hostnames (no port) that serve the platform itself. */
    platformHosts: readonly string[];
  }
>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Empty strings in .env files mean "unset". */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") out[k] = v.trim();
  return out;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const c = parsed.data;
  if (c.NODE_ENV === "production") {
    const problems = productionProblems(c, withoutBlanks(env));
    if (problems.length) throw new ConfigError(problems);
  }
  const appHost = new URL(c.APP_URL).hostname.toLowerCase();
  const platformHosts = [appHost];
  if (c.NODE_ENV !== "production") platformHosts.push("localhost", "127.0.0.1", "[::1]");
  return Object.freeze({
    ...c,
    APP_URL: c.APP_URL.replace(/\/+$/, ""),
    SITES_DOMAIN: c.SITES_DOMAIN.toLowerCase(),
    TRUSTED_PROXIES: c.TRUSTED_PROXIES.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    // Production never runs the loopback simulator, so private provider URLs are refused there unless set.
    PROVIDER_ALLOW_PRIVATE_URLS:
      c.PROVIDER_ALLOW_PRIVATE_URLS === undefined
        ? !c.SMM_API_URL && c.NODE_ENV !== "production"
        : ["true", "1", "yes"].includes(c.PROVIDER_ALLOW_PRIVATE_URLS),
    platformHosts: [...new Set(platformHosts)],
    DATA_ENCRYPTION_KEY: c.DATA_ENCRYPTION_KEY ? parseDataKey(c.DATA_ENCRYPTION_KEY)! : developmentDataKey(),
  });
}

/** Loads `.env` from the working directory when present (Node's own loader), without overriding real env. */
export function loadDotEnv(path = ".env"): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
