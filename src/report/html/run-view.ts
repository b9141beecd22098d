// The report of one run's time series, or of two overlaid (A solid, B dashed): five plots
// against the step (memory, faults, swap I/O, reclaim, reclaim runs) and a table of totals.
import path from "node:path";
import { GAUGES, minMaxBuckets, perKiloStep, seriesSummary, type Series, type SeriesColumn } from "./series.js";
import type { PlotSpec, ReportData } from "./client.js";
import { esc } from "./page.js";
import { fmtCount } from "../text.js";

/** Buckets a series is thinned to (two points each): about one per pixel of a plot. */
export const PLOT_BUCKETS = 1000;

const COLORS: Record<SeriesColumn, string> = {
  step: "#000",
  ops: "#555",
  free: "#2da44e",
  active: "#0969da",
  inactive: "#8250df",
  swapCache: "#bf8700",
  swapUsed: "#cf222e",
  minorFaults: "#0969da",
  majorFaults: "#cf222e",
  swapIns: "#2da44e",
  swapOuts: "#cf222e",
  scanned: "#8250df",
  freed: "#2da44e",
  kswapdRuns: "#0969da",
  directReclaim: "#bf8700",
  oom: "#cf222e",
  oomKills: "#000",
};

const PANELS: { id: string; title: string; yLabel: string; columns: SeriesColumn[] }[] = [
  {
    id: "plot-memory",
    title: "Memory (pages at the row's step)",
    yLabel: "pages",
    columns: ["free", "active", "inactive", "swapCache", "swapUsed"],
  },
  { id: "plot-faults", title: "Page faults per 1,000 steps", yLabel: "per 1K steps", columns: ["minorFaults", "majorFaults"] },
  { id: "plot-swap", title: "Swap-ins and swap-outs per 1,000 steps", yLabel: "per 1K steps", columns: ["swapIns", "swapOuts"] },
  { id: "plot-reclaim", title: "Reclaim: pages scanned and freed per 1,000 steps", yLabel: "per 1K steps", columns: ["scanned", "freed"] },
  {
    id: "plot-runs",
    title: "kswapd runs, direct reclaims, OOMs and OOM kills per 1,000 steps",
    yLabel: "per 1K steps",
    columns: ["kswapdRuns", "directReclaim", "oom", "oomKills"],
  },
];

/** Merges per-run tables of (x, ys...) into one x (the union, sorted) with null where a run
 *  has no row: uPlot's aligned data. */
export function alignRuns(tables: number[][][]): (number | null)[][] {
  const xs = [...new Set(tables.flatMap((t) => t[0]))].sort((a, b) => a - b);
  const out: (number | null)[][] = [xs];
  for (const t of tables) {
    const at = new Map(t[0].map((x, i) => [x, i]));
    for (let k = 1; k < t.length; k++) out.push(xs.map((x) => (at.has(x) ? t[k][at.get(x)!] : null)));
  }
  return out;
}

/** A column as plotted: gauges as they are, counts as rates per 1,000 steps. */
const plotted = (s: Series, c: SeriesColumn): number[] => (GAUGES.includes(c) ? s.columns[c] : perKiloStep(s, c));

export function runPlots(runs: readonly Series[], labels: readonly string[]): PlotSpec[] {
  return PANELS.map((p) => {
    const tables = runs.map((s) => minMaxBuckets([s.columns.step, ...p.columns.map((c) => plotted(s, c))], PLOT_BUCKETS));
    const series = runs.flatMap((_, r) =>
      p.columns.map((c) => ({ label: runs.length > 1 ? `${labels[r]} ${c}` : c, color: COLORS[c], ...(r > 0 ? { dash: true } : {}) })),
    );
    return { id: p.id, title: p.title, xLabel: "step", yLabel: p.yLabel, series, data: alignRuns(tables) };
  });
}

const TOTALS: [SeriesColumn, string][] = [
  ["step", "steps"],
  ["ops", "ops"],
  ["minorFaults", "minor faults"],
  ["majorFaults", "major faults"],
  ["swapIns", "swap-ins"],
  ["swapOuts", "swap-outs"],
  ["scanned", "pages scanned"],
  ["freed", "pages freed"],
  ["kswapdRuns", "kswapd runs"],
  ["directReclaim", "direct reclaims"],
  ["oom", "OOMs"],
  ["oomKills", "processes OOM-killed"],
  ["free", "free pages at the end"],
  ["swapUsed", "swap slots used at the end"],
];

export function runPage(runs: readonly Series[]): { title: string; body: string; data: ReportData } {
  const labels = runs.length > 1 ? ["A", "B"] : [""];
  const names = runs.map((s) => path.basename(s.name));
  const title = runs.length > 1 ? `faultsim run: ${names[0]} (A) vs ${names[1]} (B)` : `faultsim run: ${names[0]}`;
  const sums = runs.map(seriesSummary);
  const thinned = runs.some((s) => s.rows > 2 * PLOT_BUCKETS);
  const head = `<tr><th></th>${runs.map((_, r) => `<th>${esc(labels[r] ? `${labels[r]}: ${names[r]}` : names[r])}</th>`).join("")}</tr>`;
  const rows = [
    `<tr><th>rows</th>${runs.map((s) => `<td class="num">${fmtCount(s.rows)}</td>`).join("")}</tr>`,
    ...TOTALS.map(([c, what]) => `<tr><th>${esc(what)}</th>${sums.map((t) => `<td class="num">${fmtCount(t[c])}</td>`).join("")}</tr>`),
  ];
  const body = `
<h1>${esc(title)}</h1>
<p class="meta">The time series of ${runs.length > 1 ? "two runs" : "a run"} (<code>faultsim run --series</code>): one row every interval of steps.
Memory is the machine's state at the row's step; the others are counts over the row's interval, drawn per 1,000 steps.${
    runs.length > 1 ? " A is drawn solid, B dashed, in the same colour for the same column." : ""
  }${thinned ? ` Longer series are drawn as the minimum and maximum of ${fmtCount(PLOT_BUCKETS)} buckets of rows.` : ""}
Drag across a plot to zoom in, double-click to zoom out.</p>
${PANELS.map((p) => `<div class="plot" id="${p.id}"></div>`).join("\n")}
<h2>Totals</h2>
<table id="totals"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>
`;
  return { title, body, data: { plots: runPlots(runs, labels) } };
}
