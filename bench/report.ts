// The bench's output: a readable table (rows) and one JSON object (json), shared by the
// sections of bench/run.ts and bench/figures.ts.

export type Row = { measure: string; value: string; note?: string };
export const rows: Row[] = [];
export const json: Record<string, unknown> = { bench: "faultsim" };

/** One line of the table (also printed on stderr at once, as progress while the rest runs). */
export const row = (measure: string, value: string, note = ""): void => {
  rows.push({ measure, value, note });
  process.stderr.write(`  ${measure}: ${value}\n`);
};

/** 1234567 -> 1.23M, 1234 -> 1.2K. */
export const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : n.toFixed(n < 10 ? 2 : 0);
