/**
 * Import cycles between the top-level folders of src/ (each top-level file counts as its own
 * folder), from dependency-cruiser's JSON on stdin: `npm run lint:folders`. Two folders that import
 * each other are tolerated; a cycle through three or more fails, as the feature map would then
 * have no order in which to read it.
 */
import { text } from "node:stream/consumers";

interface Cruise {
  modules: { source: string; dependencies: { resolved: string }[] }[];
}

const MAX_CYCLE = 2;
const folderOf = (path: string) => path.match(/^src\/[^/]+/)?.[0] ?? path;

/** Tarjan's strongly connected components of a directed graph. */
function components(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    out.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

const cruise = JSON.parse(await text(process.stdin)) as Cruise;
const edges = new Map<string, Set<string>>();
for (const m of cruise.modules) {
  if (!m.source.startsWith("src/")) continue;
  const from = folderOf(m.source);
  if (!edges.has(from)) edges.set(from, new Set());
  for (const d of m.dependencies) {
    const to = folderOf(d.resolved);
    if (d.resolved.startsWith("src/") && to !== from) edges.get(from)!.add(to);
  }
}
const cycles = components(edges)
  .filter((c) => c.length > 1)
  .sort((a, b) => b.length - a.length);
for (const c of cycles) console.log(`${c.length > MAX_CYCLE ? "✘" : "·"} ${c.length} folders: ${c.join(" ↔ ")}`);
const largest = cycles[0]?.length ?? 0;
console.log(`${edges.size} top-level modules; largest folder cycle: ${largest} (limit ${MAX_CYCLE})`);
if (largest > MAX_CYCLE) process.exitCode = 1;
