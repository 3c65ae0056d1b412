import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

// The server and the CLI are two processes writing one SQLite file: writers must queue, not fail with SQLITE_BUSY.
describe("SQLite with two writing processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "izy-busy-"));
  const file = join(dir, "shared.db");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("both processes' transactions all commit", async () => {
    const handle = openDatabase({ url: `sqlite:${file}`, dataDir: dir });
    await migrateToLatest(handle.db);
    const script = join(dir, "writer.ts");
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(join(root, "src/db/database.ts"))};
const h = openDatabase({ url: ${JSON.stringify(`sqlite:${file}`)}, dataDir: ${JSON.stringify(dir)} });
for (let i = 0; i < 150; i++) {
  await h.db.transaction().execute(async (tx) => {
    await tx.insertInto("platform_settings").values({ key: "child-" + i, value: "x", created_at: "2026-01-01 00:00:00.000", updated_at: "2026-01-01 00:00:00.000" }).execute();
    await new Promise((r) => setTimeout(r, 1));
  });
}
await h.close();
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
    for (let i = 0; i < 150; i++) {
      await handle.db.transaction().execute(async (tx) => {
        await tx
          .insertInto("platform_settings")
          .values({ key: `parent-${i}`, value: "x", created_at: "2026-01-01 00:00:00.000", updated_at: "2026-01-01 00:00:00.000" })
          .execute();
      });
    }
    expect(await exited, stderr).toBe(0);
    const rows = await handle.db.selectFrom("platform_settings").select("key").execute();
    expect(rows.filter((r) => r.key.startsWith("child-")).length).toBe(150);
    expect(rows.filter((r) => r.key.startsWith("parent-")).length).toBe(150);
    await handle.close();
  });
});
