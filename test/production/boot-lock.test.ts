import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { expect, it } from "vitest";
import { mysqlServerUrl, testDialects } from "../harness/platform.ts";
import { loadConfig } from "../../src/config/config.ts";
import { bootPlatform } from "../../src/app/boot.ts";
import { migrations } from "../../src/db/migrate.ts";
import { ensureDemoAdmin } from "../../src/users/admin-account.ts";
import { withBootLock } from "../../src/db/boot-lock.ts";
import { systemCtx } from "../../src/context.ts";

// SQLite is one instance by design (production refuses INSTANCES > 1 on it): the race is MySQL's.
it.runIf(testDialects().includes("mysql"))(
  "three instances starting at once on a new MariaDB database migrate and seed it once",
  async () => {
    const name = `izy_boot_${randomBytes(6).toString("hex")}`;
    const conn = await createConnection(mysqlServerUrl());
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    try {
      const config = loadConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        APP_URL: "http://izyboost.test",
        DATABASE_URL: `${mysqlServerUrl().replace(/\/+$/, "")}/${name}`,
      });
      const instances = await Promise.all([1, 2, 3].map(() => bootPlatform(config)));
      try {
        // Each instance also makes sure the first admin exists, under the same lock.
        const admins = await Promise.all(instances.map((p) => withBootLock(p.handle.db, () => ensureDemoAdmin(systemCtx(p.services)))));
        expect(admins.filter(Boolean)).toHaveLength(1);
        const [migrated] = await conn.query(`SELECT COUNT(*) AS n FROM \`${name}\`.kysely_migration`);
        expect(Number((migrated as { n: number }[])[0]!.n)).toBe(Object.keys(migrations).length);
        const [methods] = await conn.query(`SELECT name, COUNT(*) AS n FROM \`${name}\`.payment_methods GROUP BY name HAVING COUNT(*) > 1`);
        expect(methods).toEqual([]);
        const [plans] = await conn.query(`SELECT slug, COUNT(*) AS n FROM \`${name}\`.white_label_plans GROUP BY slug HAVING COUNT(*) > 1`);
        expect(plans).toEqual([]);
      } finally {
        for (const p of instances) await p.close();
      }
    } finally {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    }
  },
  60_000,
);
