// Server time of a page or an API answer, measured in-process through the app's own fetch (no network):
// the first request (cold caches) and `warm` more, one after another (each after `before`, when given).

export interface Timing {
  first: number;
  median: number;
  max: number;
  /** The HTTP status of a request that did not answer 200, if any did not. */
  failed: number | null;
}

export async function timeRequests(
  app: { fetch(req: Request): Response | Promise<Response> },
  url: string,
  headers: Record<string, string>,
  warm: number,
  /** Run before each warm request (e.g. a catalogue change, so that each one renders afresh). */
  before?: () => void,
): Promise<Timing> {
  const times: number[] = [];
  let failed: number | null = null;
  for (let i = 0; i <= warm; i++) {
    if (i > 0) before?.();
    const started = performance.now();
    const res = await app.fetch(new Request(url, { headers }));
    await res.arrayBuffer();
    times.push(performance.now() - started);
    if (res.status !== 200) failed = res.status;
  }
  const first = times[0]!;
  const rest = times.slice(1).sort((a, b) => a - b);
  return { first, median: rest[Math.floor(rest.length / 2)] ?? first, max: rest.at(-1) ?? first, failed };
}
