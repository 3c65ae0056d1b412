import { randomUUID } from "node:crypto";
import { appSlot, type Ctx } from "../context.ts";
import { AppError, Conflict, NotFound } from "../core/errors.ts";
import type { Progress } from "../jobs/scheduler.ts";
import { dbNow, toIso } from "../lib/time.ts";
import { syncServicesJob, type SyncSummary } from "./sync.ts";
import { syncNow } from "./service.ts";

/** The runs this app started and has not finished: awaited on close, so a run never outlives its database. */
const RUNNING = appSlot(
  "catalogue sync runs",
  () => new Set<Promise<void>>(),
  async (running) => {
    while (running.size > 0) await Promise.allSettled([...running]);
  },
);

/** Progress is written every this many services, so a long catalogue costs a few writes, not one each. */
const WRITE_EVERY = 25;

export interface SyncRun {
  uuid: string;
  provider_id: number | null;
  status: "running" | "completed" | "failed";
  step: string | null;
  total: number;
  done: number;
  /** The sync's summary once completed; the providers' failures when it failed. */
  report: (Partial<SyncSummary> & { errors?: SyncSummary["errors"] }) | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Progress stored on the run's row: the step, how many services of how many. */
function storedProgress(ctx: Ctx, id: number): Progress & { flush(): Promise<void> } {
  let total = 0;
  let done = 0;
  let unwritten = 0;
  let writes: Promise<unknown> = Promise.resolve();
  const write = (values: { step?: string }) => {
    const row = { ...values, total, done, updated_at: dbNow(ctx.clock) };
    unwritten = 0;
    // Chained, never awaited by the sync: on SQLite a write waits for the sync's transaction to end.
    writes = writes.then(() => ctx.db.updateTable("catalog_sync_runs").set(row).where("id", "=", id).execute()).catch(() => undefined);
  };
  return {
    start(label, n) {
      total += n;
      write({ step: label.slice(0, 255) });
    },
    tick(n = 1) {
      done += n;
      if (++unwritten >= WRITE_EVERY) write({});
    },
    done(summary) {
      write(summary ? { step: summary.slice(0, 255) } : {});
    },
    flush: () => writes.then(() => undefined),
  };
}

/**
 * An admin starts a catalogue sync (every active provider, or one) in the background: the run's row
 * holds its progress and, once done, its report. 409 while another run is going.
 */
export async function startSyncRun(ctx: Ctx, providerId?: number): Promise<SyncRun> {
  if (providerId !== undefined && !(await ctx.db.selectFrom("api_providers").select("id").where("id", "=", providerId).executeTakeFirst()))
    throw new NotFound("Provider not found");
  const stale = dbNow(ctx.clock, -(syncServicesJob.lockTtlMs ?? 15 * 60_000));
  // A run whose process stopped (a restart) no longer moves: it is over, and says so.
  await ctx.db
    .updateTable("catalog_sync_runs")
    .set({ status: "failed", error: "Interrupted: the server stopped during the sync", finished_at: dbNow(ctx.clock), updated_at: dbNow(ctx.clock) })
    .where("status", "=", "running")
    .where("updated_at", "<=", stale)
    .execute();
  const busy = await ctx.db.selectFrom("catalog_sync_runs").select("uuid").where("status", "=", "running").where("updated_at", ">", stale).executeTakeFirst();
  if (busy) throw new Conflict("A catalogue sync is already running", "sync_running");
  const now = dbNow(ctx.clock);
  const uuid = randomUUID();
  const res = await ctx.db
    .insertInto("catalog_sync_runs")
    .values({ uuid, provider_id: providerId ?? null, started_by: ctx.user?.id ?? null, status: "running", step: null, created_at: now, updated_at: now })
    .executeTakeFirst();
  const id = Number(res.insertId);
  const running = ctx.state.get(RUNNING);
  const run = runInBackground(ctx, id, providerId).finally(() => running.delete(run));
  running.add(run);
  return syncRun(ctx, uuid);
}

async function runInBackground(ctx: Ctx, id: number, providerId: number | undefined): Promise<void> {
  const progress = storedProgress(ctx, id);
  let end: { status: "completed" | "failed"; report: unknown; error: string | null };
  try {
    const summary = await syncNow(ctx, providerId, progress);
    end = { status: "completed", report: summary, error: null };
  } catch (err) {
    const details = err instanceof AppError && typeof err.details === "object" && err.details !== null ? (err.details as { providers?: unknown }) : {};
    end = {
      status: "failed",
      report: details.providers ? { errors: details.providers } : null,
      error: (err instanceof Error ? err.message : String(err)).slice(0, 500),
    };
    if (!(err instanceof AppError)) ctx.logger.error("catalogue sync run failed", { run_id: id, error: String(err) });
  }
  await progress.flush();
  const now = dbNow(ctx.clock);
  await ctx.db
    .updateTable("catalog_sync_runs")
    .set({ status: end.status, report: end.report === null ? null : JSON.stringify(end.report), error: end.error, finished_at: now, updated_at: now })
    .where("id", "=", id)
    .execute();
}

export async function syncRun(ctx: Ctx, uuid: string): Promise<SyncRun> {
  const row = await ctx.db.selectFrom("catalog_sync_runs").selectAll().where("uuid", "=", uuid).executeTakeFirst();
  if (!row) throw new NotFound("Sync run not found");
  return {
    uuid: row.uuid,
    provider_id: row.provider_id,
    status: row.status,
    step: row.step,
    total: Number(row.total),
    done: Number(row.done),
    report: row.report ? JSON.parse(row.report) : null,
    error: row.error,
    created_at: toIso(row.created_at)!,
    finished_at: toIso(row.finished_at),
  };
}

/** The latest runs, newest first. */
export async function recentSyncRuns(ctx: Ctx, limit = 5): Promise<SyncRun[]> {
  const rows = await ctx.db.selectFrom("catalog_sync_runs").select("uuid").orderBy("id", "desc").limit(limit).execute();
  return Promise.all(rows.map((r) => syncRun(ctx, r.uuid)));
}

/** Resolves once every run this app started has finished (tests). */
export async function settleSyncRuns(app: Pick<Ctx, "state">): Promise<void> {
  const running = app.state.get(RUNNING);
  while (running.size > 0) await Promise.allSettled([...running]);
}
