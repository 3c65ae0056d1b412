import { serve } from "@hono/node-server";
import { ConfigError, loadConfig, loadDotEnv } from "./config/config.ts";
import { bootPlatform } from "./app/boot.ts";
import { systemCtx } from "./context.ts";
import { ensureDemoAdmin, ensureFirstAdmin } from "./users/admin-account.ts";
import { withBootLock } from "./db/boot-lock.ts";

type FirstAdmin = Awaited<ReturnType<typeof ensureFirstAdmin>> | Awaited<ReturnType<typeof ensureDemoAdmin>>;
import { startBackground } from "./app/background.ts";
import { closeServer } from "./app/shutdown.ts";
import { inFlight } from "./app/in-flight.ts";
import type { Server } from "node:http";

/** `npm start`: migrate, seed, demo admin on first start, serve, run the schedule. */
async function main() {
  loadDotEnv();
  const config = loadConfig();
  const background = await startBackground.prepare(config);
  const platform = await bootPlatform(background.config);
  const ctx = systemCtx(platform.services);
  const production = background.config.NODE_ENV === "production";
  // Under the start-up lock: instances starting together make one first admin.
  const admin = await withBootLock<FirstAdmin>(platform.handle.db, () => (production ? ensureFirstAdmin(ctx) : ensureDemoAdmin(ctx)));
  await background.afterBoot(platform);

  // Handlers still running when their client went away are waited for at shutdown.
  const handlers = inFlight();
  const server = serve(
    { fetch: (req, env) => handlers.track(platform.app.fetch(req, env)), port: background.config.PORT, hostname: background.config.HOST },
    (info) => {
      const url = `http://localhost:${info.port}`;
      console.log(`IzyBoost is running on ${url} (database: ${platform.handle.describe})`);
      if (admin && "link" in admin) {
        // A production log is read by more people than the operator: no password ever goes there, only a link that works once.
        console.log(`\nFirst admin created: ${admin.user.email} (username "admin"). Set its password within 24 hours at this one-time link:`);
        console.log(`  ${admin.link}`);
        console.log("Lost it? Run `npx izyboost admin:setup-link` for a new one, or `npx izyboost user:create --admin` for another admin.\n");
      } else if (admin) {
        console.log("\nDemo admin created (shown once, change it after logging in):");
        console.log(`  login:    ${admin.user.email}  (or username "${admin.user.username}")`);
        console.log(`  password: ${admin.password}\n`);
      }
    },
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests and jobs in flight…`);
    platform.drain();
    const until = Date.now() + background.config.SHUTDOWN_TIMEOUT_MS;
    const inTime = (await closeServer(server as Server, background.config.SHUTDOWN_TIMEOUT_MS)) && (await handlers.idle(Math.max(0, until - Date.now())));
    if (!inTime) console.log("Requests still open after SHUTDOWN_TIMEOUT_MS were cut.");
    await background.stop();
    await platform.close();
    console.log("Stopped.");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
