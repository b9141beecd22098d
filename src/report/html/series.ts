// A run's time series (`run --series FILE`, src/bulk/series.ts) read back for the HTML report,
// and thinned for plotting: a series longer than the plot has pixels is drawn as the minimum
// and the maximum of each bucket of rows, so a spike survives however long the run was.
import { InputError } from "../../errors.js";
import { SERIES_COLUMNS, SERIES_LATER_COLUMNS, type SeriesRow } from "../../bulk/series.js";
import { safeText } from "../text.js";

export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

/** A series as columns (each as long as `rows`). */
export interface Series {
  name: string;
  rows: number;
  columns: Record<SeriesColumn, number[]>;
}

/** Gauges: the machine's state at the row's step. The other columns (but step) are counts
 *  over the interval that ends at the row. */
export const GAUGES: readonly SeriesColumn[] = ["free", "active", "inactive", "swapCache", "swapUsed"];

const emptyColumns = (): Record<SeriesColumn, number[]> =>
  Object.fromEntries(SERIES_COLUMNS.map((c) => [c, [] as number[]])) as unknown as Record<SeriesColumn, number[]>;

/** The columns of a series written before SERIES_LATER_COLUMNS existed: still read, those as 0. */
const EARLIER_COLUMNS = SERIES_COLUMNS.filter((c) => !SERIES_LATER_COLUMNS.includes(c));

/** The columns a CSV header names: this faultsim's, an earlier one's, or undefined. */
function csvColumns(header: string | undefined): readonly SeriesColumn[] | undefined {
  const h = header?.trim();
  if (h === SERIES_COLUMNS.join(",")) return SERIES_COLUMNS;
  if (h === EARLIER_COLUMNS.join(",")) return EARLIER_COLUMNS;
  return undefined;
}

/** Whether text looks like a series: a CSV whose header is the series' columns (or an earlier
 *  faultsim's), or JSON lines whose first object has them. */
export function looksLikeSeries(firstLine: string): boolean {
  if (csvColumns(firstLine)) return true;
  try {
    const o = JSON.parse(firstLine) as Record<string, unknown>;
    return typeof o === "object" && o !== null && EARLIER_COLUMNS.every((c) => typeof o[c] === "number");
  } catch {
    return false;
  }
}

/** Parses a series (CSV with its header line, or JSON lines); a partial last line (a run
 *  killed mid-row) is left out, any other bad row is an InputError naming its line. */
export function parseSeries(text: string, file: string): Series {
  const lines = text.split("\n");
  // Every row ends in a newline: what follows the last one is "" or a row a kill cut short.
  lines.pop();
  const where = safeText(file);
  const columns = emptyColumns();
  const header = csvColumns(lines[0]);
  const csv = header !== undefined;
  let rows = 0;
  const bad = (i: number, why: string) => new InputError(`${where}: line ${i + 1}: ${why}`, file);
  for (let i = csv ? 1 : 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let row: Partial<SeriesRow>;
    if (csv) {
      const cells = line.split(",");
      if (cells.length !== header.length) throw bad(i, `${cells.length} values, a row has ${header.length}`);
      row = Object.fromEntries(header.map((c, k) => [c, Number(cells[k])]));
    } else {
      try {
        row = JSON.parse(line);
      } catch {
        throw bad(i, "not JSON");
      }
      if (typeof row !== "object" || row === null) throw bad(i, "not a JSON object");
    }
    const values: Partial<Record<SeriesColumn, number>> = {};
    for (const c of SERIES_COLUMNS) {
      // A series of an earlier faultsim has no later column: 0 (it counted none).
      const v = row[c] === undefined && SERIES_LATER_COLUMNS.includes(c) ? 0 : row[c];
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(i, `${c} is not a number`);
      values[c] = v;
    }
    const step = values.step as number;
    if (rows > 0 && step <= columns.step[rows - 1]) {
      // faultsim before 5 Dec 2026 wrote a run that ended on a row's own step a second, empty
      // row for it (its counts all 0): left out, so that those files still draw.
      if (step === columns.step[rows - 1] && isEmptyRepeat(values, columns, rows - 1)) continue;
      throw bad(i, `step ${step} does not follow the row before`);
    }
    for (const c of SERIES_COLUMNS) columns[c].push(values[c] as number);
    rows++;
  }
  if (rows === 0) throw new InputError(`${where}: a series without a row`, file);
  return { name: file, rows, columns };
}

/** Whether a row repeats row k's step with nothing counted since and the same gauges. */
function isEmptyRepeat(values: Partial<Record<SeriesColumn, number>>, columns: Record<SeriesColumn, number[]>, k: number): boolean {
  return SERIES_COLUMNS.every((c) => (c === "step" || GAUGES.includes(c) ? values[c] === columns[c][k] : values[c] === 0));
}

/** Per-interval counts as rates per 1,000 steps (the last row's interval may be shorter). */
export function perKiloStep(s: Series, c: SeriesColumn): number[] {
  const step = s.columns.step;
  return s.columns[c].map((v, i) => {
    const d = step[i] - (i > 0 ? step[i - 1] : 0);
    return d > 0 ? (v * 1000) / d : 0;
  });
}

/** Thins aligned columns (x first) to at most 2 x `buckets` points: each bucket of rows becomes
 *  its first and last x, and for each other column its minimum and maximum in the order they
 *  came. Columns of `buckets` rows or fewer come back as they are. */
export function minMaxBuckets(cols: number[][], buckets: number): number[][] {
  const n = cols[0].length;
  if (n <= 2 * buckets) return cols;
  const out = cols.map(() => [] as number[]);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets); // exclusive
    if (to <= from) continue;
    out[0].push(cols[0][from], cols[0][to - 1]);
    for (let k = 1; k < cols.length; k++) {
      const c = cols[k];
      let lo = from,
        hi = from;
      for (let i = from + 1; i < to; i++) {
        if (c[i] < c[lo]) lo = i;
        if (c[i] > c[hi]) hi = i;
      }
      if (lo <= hi) out[k].push(c[lo], c[hi]);
      else out[k].push(c[hi], c[lo]);
    }
  }
  return out;
}

/** Totals of the counted columns and the last value of the gauges. */
export function seriesSummary(s: Series): Record<SeriesColumn, number> {
  const out = {} as Record<SeriesColumn, number>;
  for (const c of SERIES_COLUMNS) {
    const col = s.columns[c];
    out[c] = c === "step" || GAUGES.includes(c) ? col[col.length - 1] : col.reduce((a, b) => a + b, 0);
  }
  return out;
}
