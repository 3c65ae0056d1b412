/**
 * Charts drawn as SVG on the server, no script and no library: this module computes the shapes,
 * the partials `admin-bar-chart` and `admin-rank-chart` draw them (every text escaped there).
 * The SVG scales to its box, so a chart reads the same at 360 px and on a desktop.
 */

interface Series {
  name: string;
  /** A class of the console stylesheet: chart-a, chart-b, chart-c… */
  tone: string;
  values: number[];
}

const W = 640;
const H = 240;
const PAD = { top: 8, right: 4, bottom: 4, left: 4 };
const r1 = (v: number) => Math.round(v * 10) / 10;

/** Grouped bars per label (e.g. revenue and profit per day), a zero line and at most 5 x labels. */
export function barChart(opts: { title: string; labels: string[]; series: Series[]; format: (v: number) => string }) {
  const { labels, series } = opts;
  const all = series.flatMap((s) => s.values);
  const max = Math.max(0, ...all);
  const min = Math.min(0, ...all);
  const span = max - min || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + ((max - v) / span) * plotH;
  const slot = plotW / Math.max(1, labels.length);
  const bar = Math.max(1, (slot * 0.8) / Math.max(1, series.length));
  const bars = labels.flatMap((label, i) =>
    series.map((s, k) => {
      const v = s.values[i] ?? 0;
      return {
        tone: s.tone,
        x: r1(PAD.left + i * slot + slot * 0.1 + k * bar),
        y: r1(Math.min(y(v), y(0))),
        w: r1(bar),
        h: r1(Math.max(0.5, Math.abs(y(v) - y(0)))),
        title: `${label} · ${s.name}: ${opts.format(v)}`,
      };
    }),
  );
  // Text inside a stretched SVG would be distorted: the x labels are HTML under the drawing.
  const picks = labels.length <= 5 ? labels.map((_, i) => i) : [0, 1, 2, 3, 4].map((k) => Math.round((k * (labels.length - 1)) / 4));
  return {
    title: opts.title,
    viewBox: `0 0 ${W} ${H}`,
    bars,
    zero: r1(y(0)),
    width: W,
    axis: picks.map((i) => labels[i] ?? ""),
    legend: series.map((s) => ({ name: s.name, tone: s.tone })),
  };
}

/** Horizontal bars with their labels and values (orders by status, top services). */
export function rankChart(opts: { title: string; rows: { label: string; value: number; shown: string }[]; empty: string; tone?: string }) {
  const max = Math.max(1, ...opts.rows.map((r) => r.value));
  return {
    title: opts.title,
    empty: opts.empty,
    tone: opts.tone ?? "chart-a",
    rows: opts.rows.map((r) => ({ label: r.label, shown: r.shown, pct: r1((r.value / max) * 100) })),
  };
}
