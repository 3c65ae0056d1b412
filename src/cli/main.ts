import { ROLES, type Role } from "../auth/roles.ts";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, loadDotEnv } from "../config/config.ts";
import { openDatabase, sqlitePath } from "../db/database.ts";
import { backupDatabase } from "../db/backup.ts";
import { RestoreRefused, restoreMysql, restoreSqlite } from "../db/restore.ts";
import { migrateFresh, migrateToLatest } from "../db/migrate.ts";
import { systemCtx } from "../context.ts";
import { createServices } from "../app/services.ts";
import { createLogger } from "../lib/logger.ts";
import { SEEDERS, seedAll } from "../seed/seeders.ts";
import { registerUser } from "../auth/service.ts";
import { registerSchema } from "../auth/schema.ts";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { generatePassword } from "../auth/password.ts";
import { setPasswordByEmail } from "../auth/password-reset.ts";
import { AppError } from "../core/errors.ts";
import { JOBS } from "../app/jobs.ts";
import { startCacheBus } from "../app/cache-bus.ts";
import { runJobOnce } from "../jobs/scheduler.ts";
import { terminalProgress } from "./progress.ts";
import { createMailer } from "../mail/mailer.ts";
import { prepareProviders } from "../providers/bootstrap.ts";
import { setupLink } from "../users/admin-account.ts";
import { onPlatform } from "../tenancy/scoped.ts";

const HELP = `izyboost <command> [options]

  migrate                         apply pending migrations
  migrate:fresh --force           drop every table and migrate again (destroys data)
  db:seed [--class NameSeeder]    run the seeders (idempotent)
  db:backup [--output FILE]       a consistent copy: SQLite file (VACUUM INTO) or SQL dump (MySQL/MariaDB); progress on stderr
  db:restore --input FILE         restore a backup into the configured database, which must be new and empty
  user:create --email E --password P [--username U] [--admin | --role user|support|admin]
  admin:setup-link [--email E]    print a new one-time link (valid 24 h) that sets an admin's password (default: the first admin)
  user:password --email E [--password P]
                                  set a platform account's password (one is generated and printed when omitted)
${JOBS.map((j) => `  ${j.name.padEnd(32)}${j.description}`).join("\n")}
`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(HELP);
    return command ? 0 : 64;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      username: { type: "string" },
      admin: { type: "boolean", default: false },
      role: { type: "string" },
      class: { type: "string" },
      force: { type: "boolean", default: false },
      output: { type: "string" },
      input: { type: "string" },
    },
    strict: true,
  });

  loadDotEnv();
  const config = loadConfig();
  // A restore writes a new database: it runs before anything opens (and so creates) one.
  if (command === "db:restore") {
    if (!values.input) throw new UsageError("--input is required (a file written by db:backup)");
    const progress = terminalProgress(process.stderr);
    if (config.DATABASE_URL && !config.DATABASE_URL.startsWith("sqlite:")) await restoreMysql(values.input, config.DATABASE_URL, progress);
    else restoreSqlite(values.input, sqlitePath({ url: config.DATABASE_URL, dataDir: config.DATA_DIR }), progress);
    console.log("Restored. Start the app (or run `migrate`) to bring the schema up to this version.");
    return 0;
  }
  const handle = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
  const mailer = createMailer(config, logger);
  const services = createServices(config, handle, logger, mailer);
  const ctx = systemCtx(services);
  try {
    switch (command) {
      case "migrate": {
        const applied = await migrateToLatest(handle.db);
        console.log(applied.length ? applied.join("\n") : "Nothing to migrate.");
        return 0;
      }
      case "migrate:fresh": {
        if (!values.force && process.env.CI !== "true") throw new UsageError("migrate:fresh destroys every table; run it again with --force");
        console.log((await migrateFresh(handle.db)).join("\n"));
        return 0;
      }
      case "db:seed": {
        await migrateToLatest(handle.db);
        if (values.class) {
          const fn = SEEDERS[values.class as keyof typeof SEEDERS];
          if (!fn) throw new UsageError(`Unknown seeder ${values.class}; one of: ${Object.keys(SEEDERS).join(", ")}`);
          console.log(`${values.class}: ${await fn(ctx)} row(s) added`);
        } else {
          for (const [name, n] of Object.entries(await seedAll(ctx))) console.log(`${name}: ${n} row(s) added`);
        }
        return 0;
      }
      case "db:backup": {
        const stamp = new Date().toISOString().replace(/[:.]/g, "-");
        const output = values.output ?? `izyboost-${stamp}.${handle.dialect === "sqlite" ? "sqlite" : "sql"}`;
        const r = await backupDatabase(handle, config.DATABASE_URL, output, terminalProgress(process.stderr));
        console.log(`Backup written to ${output}: ${r.tables} tables, ${r.rows} rows, ${r.bytes} bytes`);
        return 0;
      }
      case "admin:setup-link": {
        await migrateToLatest(handle.db);
        let admins = onPlatform(handle.db).selectFrom("users").select(["id", "email"]).where("role", "=", "admin").where("deleted_at", "is", null);
        if (values.email) admins = admins.where("email", "=", values.email.toLowerCase());
        const admin = await admins.orderBy("id").executeTakeFirst();
        if (!admin)
          throw new UsageError(values.email ? `No admin with the address ${values.email}` : "No admin yet: start the app once, or run user:create --admin");
        console.log(`One-time link for ${admin.email} (valid 24 hours):\n  ${await setupLink(ctx, admin)}`);
        return 0;
      }
      case "user:create": {
        await migrateToLatest(handle.db);
        const input = registerSchema.safeParse({
          email: values.email,
          password: values.password,
          username: values.username ?? values.email?.split("@")[0]?.replace(/[^A-Za-z0-9_.-]/g, ""),
        });
        if (!input.success) throw new UsageError(input.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
        // The operator typed the address: it counts as verified.
        const role = values.admin ? "admin" : (values.role ?? "user");
        if (!ROLES.includes(role as Role)) throw new UsageError(`--role: one of ${ROLES.join(", ")}`);
        const user = await registerUser(ctx, { ...input.data, role: role as Role, emailVerified: true });
        console.log(`Created ${user.role} ${user.username} <${user.email}> (id ${user.id})`);
        return 0;
      }
      case "user:password": {
        await migrateToLatest(handle.db);
        if (!values.email) throw new UsageError("--email is required");
        const password = values.password ?? generatePassword();
        const checked = newPasswordSchema.safeParse(password);
        if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `--password: ${i.message}`).join("\n"));
        const user = await setPasswordByEmail(ctx, values.email, password);
        console.log(`Password set for ${user.username} <${user.email}>; their sessions have ended.`);
        if (!values.password) console.log(`New password: ${password}`);
        return 0;
      }
      default: {
        const job = JOBS.find((j) => j.name === command);
        if (!job) throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
        await migrateToLatest(handle.db);
        await prepareProviders(services);
        // Other instances drop the cached pages this run changes (a catalogue sync, a repricing) at once.
        const bus = await startCacheBus(config.REDIS_URL, services.events, logger);
        const r = await runJobOnce(services, job, terminalProgress()).finally(() => bus?.close());
        if (!r) {
          console.error(`${job.name} is already running elsewhere; try again later.`);
          return 75;
        }
        return 0;
      }
    }
  } finally {
    await services.state.close();
    await mailer.flush();
    mailer.close();
    await handle.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || err instanceof RestoreRefused || (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
      console.error(err.message);
    else if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof AppError) console.error(`${err.message}${err.details ? `\n${JSON.stringify(err.details)}` : ""}`);
    else console.error(err);
    process.exit(err instanceof UsageError || err instanceof AppError || err instanceof RestoreRefused ? 64 : err instanceof ConfigError ? 78 : 1);
  },
);
