/** The suite's progress and figures, printed as it goes so that a person running it sees what happens. */
const started = Date.now();

export function say(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[reliability ${t}s] ${line}\n`);
}

export interface ScenarioFigures {
  scenario: string;
  placed: number;
  replayed: number;
  status503: number;
  status5xx: number;
  connectionErrors: number;
  conflicts409: number;
  unresolved: number;
  polls: number;
  /** From the fault's end until every order was sent or refunded (ms). */
  recoveryMs: number;
  notes: string[];
}

const figures: ScenarioFigures[] = [];

export function record(f: ScenarioFigures): void {
  figures.push(f);
  say(
    `${f.scenario}: ${f.placed} orders placed (${f.replayed} replays), ${f.status503} × 503, ${f.status5xx} other 5xx, ${f.connectionErrors} connection errors, ${f.conflicts409} × 409 in flight, ${f.unresolved} keys unresolved, ${f.polls} status polls; recovered in ${(f.recoveryMs / 1000).toFixed(1)} s${f.notes.length ? `; ${f.notes.join("; ")}` : ""}`,
  );
}

/** The table of every scenario's figures, as the README shows it. */
export function summaryTable(): string {
  const rows = figures.map(
    (f) =>
      `| ${f.scenario} | ${f.placed} | ${f.status503} | ${f.status5xx} | ${f.connectionErrors} | ${f.unresolved} | ${(f.recoveryMs / 1000).toFixed(1)} s |`,
  );
  return ["| scenario | orders placed | 503s | other 5xx | connection errors | keys unresolved | recovery |", "|---|---|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}
