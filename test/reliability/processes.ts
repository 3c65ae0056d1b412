import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every process and temporary directory the reliability suite starts, so that they all go at the end
 * (or when the run dies): nothing of it may outlive the suite.
 */
const children = new Set<ChildProcess>();
/** RELIABILITY_KEEP_LOGS=1 keeps the instances', MariaDB's and the simulator's logs after the run. */
const keepLogs = process.env.RELIABILITY_KEEP_LOGS === "1";
const dirs = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `izy-rel-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export interface Child {
  proc: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves with the first output line matching `pattern` (stdout or stderr); rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts a process whose output goes to `logFile` and is watched for lines the suite waits for. */
export function startChild(command: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; logFile: string }): Child {
  const proc = spawn(command, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  const log = createWriteStream(opts.logFile, { flags: "a" });
  const watchers = new Set<(line: string) => void>();
  let buffered = "";
  const seen: string[] = [];
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      seen.push(line);
      if (seen.length > 200) seen.shift();
      for (const w of watchers) w(line);
    }
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => {
      children.delete(proc);
      log.end();
      resolve(code ?? signal ?? "?");
    }),
  );
  return {
    proc,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      for (const line of seen) {
        const m = line.match(pattern);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${command}: no line matching ${pattern} within ${timeoutMs} ms (log: ${opts.logFile})`)), timeoutMs);
        const watch = (line: string) => {
          const m = line.match(pattern);
          if (m) done(null, m);
        };
        const done = (err: Error | null, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(watch);
          if (err) reject(err);
          else resolve(m!);
        };
        watchers.add(watch);
        void exited.then((code) => done(new Error(`${command} ended (${code}) before printing ${pattern} (log: ${opts.logFile})`)));
      });
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Kills whatever is still running and removes the temporary directories (the suite's afterAll, and process exit). */
export async function cleanUpEverything(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGKILL");
      }),
  );
  await Promise.all(waits);
  for (const d of dirs) if (!(keepLogs && d.includes("-logs-"))) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

function killAndRemoveNow(): void {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) if (!(keepLogs && d.includes("-logs-"))) rmSync(d, { recursive: true, force: true });
}
process.once("exit", killAndRemoveNow);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    killAndRemoveNow();
    process.exit(130);
  });

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers true (or throws after `timeoutMs`). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
