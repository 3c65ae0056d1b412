// A worker thread (sqlite-driver.ts): checkpoints one SQLite file's WAL off the event loop. A
// checkpoint copies pages into the database file and syncs it, milliseconds during which the
// server's only thread would answer nobody. PASSIVE never waits for, nor blocks, the writer.
import { DatabaseSync } from "node:sqlite";
import { workerData } from "node:worker_threads";

const { path, everyMs } = workerData as { path: string; everyMs: number };
const db = new DatabaseSync(path);
setInterval(() => {
  try {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or closing: the writer's own (rarer) automatic checkpoints keep the WAL bounded anyway.
  }
}, everyMs);
