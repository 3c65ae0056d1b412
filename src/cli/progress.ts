import type { Progress } from "../jobs/scheduler.ts";

/** A progress bar on a terminal; periodic lines when output is a pipe or a CI log. */
export function terminalProgress(out: NodeJS.WriteStream = process.stdout): Progress {
  let label = "";
  let total = 0;
  let done = 0;
  let lastLine = 0;
  const draw = (final = false) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      out.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${pct}%${final ? "\n" : ""}`);
    } else if ((final && lastLine < 100) || pct >= lastLine + 25) {
      // Pipes and CI logs get a line per quarter, and the 100% line once.
      lastLine = final ? 100 : pct - (pct % 25);
      out.write(`${label}: ${done}/${total} (${pct}%)\n`);
    }
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      done = 0;
      lastLine = 0;
      draw();
    },
    tick(n = 1) {
      done = Math.min(total, done + n);
      draw();
    },
    done(summary) {
      done = total;
      draw(true);
      if (summary) out.write(`${summary}\n`);
    },
  };
}
