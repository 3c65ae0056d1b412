import { serve } from "@hono/node-server";
import { ConfigError, loadConfig, loadDotEnv } from "./config/config.ts";
import { bootPlatform } from "./app/boot.ts";
import { systemCtx } from "./context.ts";
import { ensureDemoAdmin } from "./users/admin-account.ts";
import { startBackground } from "./app/background.ts";
import { closeServer } from "./app/shutdown.ts";
import type { Server } from "node:http";

/** `npm start`: migrate, seed, demo admin on first start, serve, run the schedule. */
async function main() {
  loadDotEnv();
  const config = loadConfig();
  const background = await startBackground.prepare(config);
  const platform = await bootPlatform(background.config);
  const ctx = systemCtx(platform.services);
  const admin = await ensureDemoAdmin(ctx);
  await background.afterBoot(platform);

  const server = serve({ fetch: platform.app.fetch, port: background.config.PORT, hostname: background.config.HOST }, (info) => {
    const url = `http://localhost:${info.port}`;
    console.log(`IzyBoost is running on ${url} (database: ${platform.handle.describe})`);
    if (admin && background.config.NODE_ENV === "production") {
      // A production log is read by more people than the operator: the password never goes there.
      console.log(`\nFirst admin created: ${admin.user.email}. Set its password with:`);
      console.log(`  npx izyboost user:password --email ${admin.user.email}\n`);
    } else if (admin) {
      console.log("\nDemo admin created (shown once, change it after logging in):");
      console.log(`  login:    ${admin.user.email}  (or username "${admin.user.username}")`);
      console.log(`  password: ${admin.password}\n`);
    }
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests and jobs in flight…`);
    platform.drain();
    const inTime = await closeServer(server as Server, background.config.SHUTDOWN_TIMEOUT_MS);
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
