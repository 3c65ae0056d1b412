// Reads a V8 `.cpuprofile` (node --cpu-prof) and prints where a time window went: the app's own
// functions under src/ by self time, each src/ folder's total, and the share of node_modules packages,
// Node's internals and V8 (GC, native code). Samples outside the window (boot, seeding) are left out.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window in microseconds of the monotonic clock (process.hrtime), the clock V8 stamps samples with. */
export interface Window {
  from: number;
  to: number;
}

const SRC = /\/src\/(.+)$/;
const PACKAGE = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** Where a frame's time is counted: the app (its file under src/), a package, Node, or V8 itself. */
function groupOf(url: string, functionName: string): { group: string; file?: string } {
  if (url.includes("/node_modules/")) {
    const pkg = PACKAGE.exec(url.slice(url.lastIndexOf("/node_modules/")))?.[1] ?? "?";
    return { group: `node_modules/${pkg}` };
  }
  const src = SRC.exec(url);
  if (src) return { group: "src", file: src[1] };
  if (url.startsWith("node:")) return { group: "node internals" };
  if (functionName === "(garbage collector)") return { group: "(garbage collector)" };
  if (functionName === "(idle)") return { group: "(idle)" };
  if (functionName === "(program)") return { group: "(program)" };
  return { group: url ? "other" : "(native / V8 builtins)" };
}

function pct(n: number, total: number): string {
  return `${((n / total) * 100).toFixed(1)}%`;
}

export function summarizeProfile(file: string, window: Window | null, top = 15): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t < window.from || t > window.to)) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  // Total time: a sample counts once for every distinct src/ function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      const src = SRC.exec(url);
      if (src) seen.add(`${functionName || "(anonymous)"} src/${src[1]}:${lineNumber + 1}`);
    }
    for (const name of seen) total.set(name, (total.get(name) ?? 0) + us);
  }
  const frames = new Map<string, number>();
  const functions = new Map<string, number>();
  const folders = new Map<string, number>();
  const groups = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const { group, file: srcFile } = groupOf(url, functionName);
    if (group === "(idle)") continue;
    busy += us;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const frame = `${functionName || "(anonymous)"} ${url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*\/src\//, "src/")}:${lineNumber + 1}`;
    frames.set(frame, (frames.get(frame) ?? 0) + us);
    if (srcFile) {
      const name = `${functionName || "(anonymous)"} src/${srcFile}:${lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + us);
      const folder = srcFile.includes("/") ? `src/${srcFile.slice(0, srcFile.indexOf("/"))}/` : `src/${srcFile}`;
      folders.set(folder, (folders.get(folder) ?? 0) + us);
    }
  }
  if (busy === 0) return "  (no samples in the window)\n";
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const lines = [`  busy ${(busy / 1000).toFixed(0)} ms of CPU in the window`];
  lines.push("  where the time went (self time):");
  for (const [g, us] of sorted(groups)) lines.push(`    ${pct(us, busy).padStart(6)}  ${g}`);
  lines.push(`  top ${top} frames of all code (self time):`);
  for (const [f, us] of sorted(frames).slice(0, top)) lines.push(`    ${pct(us, busy).padStart(6)}  ${f}`);
  lines.push("  src/ folders:");
  for (const [f, us] of sorted(folders)) lines.push(`    ${pct(us, busy).padStart(6)}  ${f}`);
  lines.push(`  top ${top} functions of src/:`);
  for (const [f, us] of sorted(functions).slice(0, top)) lines.push(`    ${pct(us, busy).padStart(6)}  ${f}`);
  lines.push(`  top ${top} functions of src/ by total time (with what they call):`);
  for (const [f, us] of sorted(total).slice(0, top)) lines.push(`    ${pct(us, busy).padStart(6)}  ${f}`);
  return `${lines.join("\n")}\n`;
}

/** The monotonic clock in microseconds, comparable with the profile's sample times. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
