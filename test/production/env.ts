import { randomBytes } from "node:crypto";

/** A production environment that passes every start check (a fresh random key each call). */
export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    APP_URL: "https://izyboost.test",
    SITES_DOMAIN: "sites.izyboost.test",
    DATABASE_URL: "mysql://izy:s3cret-Db-pass@db.internal:3306/izyboost",
    MAIL_HOST: "127.0.0.1",
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ...extra,
  };
}

/** The same for `makePlatform`, which names its own test database. */
export function productionPlatformEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { DATABASE_URL: _ownDatabase, ...env } = productionEnv(extra);
  return env;
}
