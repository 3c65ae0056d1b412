import { developmentDataKey, parseDataKey } from "../lib/secret-box.ts";

/** What production reads to decide whether it may start (the env values after zod). */
interface ProductionInput {
  APP_URL: string;
  SITES_DOMAIN?: string;
  DATABASE_URL?: string;
  REDIS_URL?: string;
  INSTANCES: number;
  MAIL_HOST?: string;
  MAIL_PASSWORD?: string;
  DATA_ENCRYPTION_KEY?: string;
}

/** Values that are placeholders, whoever typed them: never a secret in production. */
const PLACEHOLDERS = new Set(["changeme", "change-me", "change_me", "password", "secret", "example", "default", "test", "admin", "root", "izyboost", "xxx"]);

function placeholder(value: string): boolean {
  return PLACEHOLDERS.has(value.trim().toLowerCase());
}

function loopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || h === "0.0.0.0" || /^127\./.test(h);
}

function urlPassword(url: string): string | null {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : null;
  } catch {
    return null;
  }
}

function keyProblem(text: string | undefined): string | null {
  if (!text) return "DATA_ENCRYPTION_KEY: required in production (32 bytes, e.g. the output of `openssl rand -base64 32`)";
  const key = parseDataKey(text);
  // A random 32-byte key has ~30 distinct bytes; a typed pattern ("aaaa…", "0123…") has few.
  if (!key || key.equals(developmentDataKey()) || new Set(key).size < 16)
    return "DATA_ENCRYPTION_KEY: not a random key (the development key or a typed pattern); make one with `openssl rand -base64 32`";
  return null;
}

/**
 * The refusals of a production start, one line per problem (empty: it may start). Embedded SQLite is
 * allowed only when DATABASE_URL names it (`sqlite:/path`), and then for one instance only.
 */
export function productionProblems(c: ProductionInput, env: Record<string, string>): string[] {
  const problems: string[] = [];
  const key = keyProblem(c.DATA_ENCRYPTION_KEY);
  if (key) problems.push(key);
  const app = new URL(c.APP_URL);
  if (app.protocol !== "https:") problems.push("APP_URL: must be https:// in production (the public address behind TLS)");
  if (loopbackHost(app.hostname)) problems.push(`APP_URL: ${app.hostname} is not a public host`);
  if (!env.SITES_DOMAIN) problems.push("SITES_DOMAIN: required in production (sites answer on <slug>.<SITES_DOMAIN>)");
  else if (loopbackHost(c.SITES_DOMAIN ?? "")) problems.push(`SITES_DOMAIN: ${c.SITES_DOMAIN} is not a public domain`);
  if (!c.DATABASE_URL) problems.push("DATABASE_URL: required in production (mysql://user:pass@host:3306/db, or sqlite:/path for one instance)");
  else if (c.DATABASE_URL.startsWith("sqlite:") && c.INSTANCES > 1)
    problems.push("DATABASE_URL: SQLite serves one instance only; use MySQL/MariaDB with INSTANCES > 1");
  if (c.INSTANCES > 1 && !c.REDIS_URL) problems.push("REDIS_URL: required with INSTANCES > 1 (rate limits shared by every instance)");
  if (!c.MAIL_HOST) problems.push("MAIL_HOST: required in production (password resets and notices are mailed)");
  for (const [name, url] of [
    ["DATABASE_URL", c.DATABASE_URL],
    ["REDIS_URL", c.REDIS_URL],
  ] as const) {
    const password = url ? urlPassword(url) : null;
    if (password !== null && placeholder(password)) problems.push(`${name}: its password is a placeholder such as "changeme"; set a real one`);
  }
  if (c.MAIL_PASSWORD && placeholder(c.MAIL_PASSWORD)) problems.push("MAIL_PASSWORD: a placeholder; set the real one");
  return problems;
}
