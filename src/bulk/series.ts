// The time series of a bulk run (`run --series FILE --interval N`): one row every N steps and
// one at the end, as CSV or JSON lines. A row has the machine's gauges at that step (free,
// active and inactive pages, pages in the swap cache, swap slots in use) and the counters'
// growth since the row before (faults, swap-ins and -outs, pages scanned and freed, kswapd
// runs, direct reclaims, OOMs, processes the OOM killer chose).
//
// Durable: the file is created exclusively (an existing file is never overwritten), each row
// is written with its own write(2) as soon as it is made, so a crash or a kill loses at most
// the row in the making, and the file is fsynced at the end.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { G, PG, R, type Stats } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import { UsageError, InputError } from "../errors.js";

export type SeriesFormat = "csv" | "jsonl";
export const SERIES_FORMATS: readonly SeriesFormat[] = ["csv", "jsonl"];

/** The columns of a row, in order. */
export const SERIES_COLUMNS = [
  "step",
  "ops",
  "free",
  "active",
  "inactive",
  "swapCache",
  "swapUsed",
  "minorFaults",
  "majorFaults",
  "swapIns",
  "swapOuts",
  "scanned",
  "freed",
  "kswapdRuns",
  "directReclaim",
  "oom",
  "oomKills",
] as const;
/** Columns a series written before they existed lacks: read back as 0 (src/report/html/series.ts). */
export const SERIES_LATER_COLUMNS: readonly (typeof SERIES_COLUMNS)[number][] = ["oomKills"];
export type SeriesRow = Record<(typeof SERIES_COLUMNS)[number], number>;

/** Counters reported as their growth over the interval: column and the stat it follows. */
const DELTAS: [keyof SeriesRow, keyof Stats][] = [
  ["minorFaults", "minorFaults"],
  ["majorFaults", "majorFaults"],
  ["swapIns", "swapIns"],
  ["swapOuts", "swapOuts"],
  ["scanned", "reclaimScans"],
  ["freed", "pagesFreed"],
  ["kswapdRuns", "kswapdRuns"],
  ["directReclaim", "directReclaim"],
  ["oom", "oom"],
  ["oomKills", "oomKills"],
];

/** --series-format, or the one the file's extension names (.csv, .jsonl, .ndjson). */
export function seriesFormatOf(file: string, given: string | undefined): SeriesFormat {
  // `-` is stdout to `hunt --jsonl`; here it would be a file named "-" beside the summary.
  if (file === "-") throw new UsageError("--series -: the series is written to a file (stdout has the summary): name one");
  if (given !== undefined) {
    if (!(SERIES_FORMATS as readonly string[]).includes(given)) {
      throw new UsageError(`--series-format must be csv or jsonl, got '${given}'`);
    }
    return given as SeriesFormat;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new UsageError(`--series ${file}: name its format with --series-format csv|jsonl (or end the name in .csv or .jsonl)`);
}

/** The machine's gauges and the counters' growth since `prev` (cumulative stats). */
export function seriesRow(e: Engine, stats: Stats, prev: Stats | undefined): SeriesRow {
  const row = {
    step: stats.steps,
    ops: stats.ops - (prev?.ops ?? 0),
    free: e.global(G.NR_FREE),
    active: e.global(G.NR_ACTIVE),
    inactive: e.global(G.NR_INACTIVE),
    swapCache: swapCachePages(e),
    swapUsed: e.global(G.TOTAL_SWAP_PAGES) - e.global(G.NR_SWAP_PAGES),
  } as SeriesRow;
  for (const [col, st] of DELTAS) row[col] = stats[st] - (prev?.[st] ?? 0);
  return row;
}

/** Frames in the swap cache (PG_swapcache), counted over the page flags. */
function swapCachePages(e: Engine): number {
  const I = e.I32;
  const base = e.region(R.PG_FLAGS) >> 2;
  let n = 0;
  for (let f = 1; f < e.config.frames; f++) if ((I[base + f] & PG.SWAPCACHE) !== 0) n++;
  return n;
}

export class SeriesWriter {
  private fd: number;
  private prev: Stats | undefined;
  rows = 0;

  /** Creates `file` (UsageError when it exists: it is never overwritten). */
  constructor(
    readonly file: string,
    readonly format: SeriesFormat,
  ) {
    try {
      this.fd = openSync(file, "wx");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new UsageError(`--series ${file} exists: remove it or name another file`);
      throw new InputError(`--series ${file}: cannot create it (${code ?? (err as Error).message})`, file);
    }
    if (format === "csv") this.write(SERIES_COLUMNS.join(",") + "\n");
  }

  /** Appends the row for the engine's state now (stats: cumulative). */
  row(e: Engine, stats: Stats): void {
    const r = seriesRow(e, stats, this.prev);
    this.prev = { ...stats };
    this.write(this.format === "csv" ? SERIES_COLUMNS.map((c) => r[c]).join(",") + "\n" : JSON.stringify(r) + "\n");
    this.rows++;
  }

  /** Flushes the file to disk and closes it. */
  close(): void {
    if (this.fd < 0) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private write(text: string): void {
    try {
      writeSync(this.fd, text);
    } catch (err) {
      throw new InputError(`--series ${this.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, this.file);
    }
  }
}
