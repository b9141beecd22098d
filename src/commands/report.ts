// `faultsim report RESULT [RESULT2] [--out FILE.html]`: one self-contained HTML page of a run's
// time series (two runs' overlaid), a hunt's event stream or a repro (src/report/html). Loaded
// only when the command runs (src/cli.ts), so other commands do not pay for it.
import path from "node:path";
import { buildReport } from "../report/html/index.js";
import { writeNewFile } from "../report/html/write.js";
import { writeOut } from "../output.js";
import { UsageError } from "../errors.js";
import { safeText } from "../report/text.js";
import type { Backend } from "../wasm/engine.js";

export interface ReportCli {
  out?: string;
  backend: Backend;
}

/** The page's default name: the result's name with .html, in the current directory (two
 *  runs: A-vs-B.html). */
export function defaultOut(files: readonly string[]): string {
  const stem = (f: string) => path.basename(f).replace(/\.(csv|jsonl|ndjson|json)$/i, "");
  return files.length === 2 ? `${stem(files[0])}-vs-${stem(files[1])}.html` : `${stem(files[0])}.html`;
}

export async function reportCommand(files: string[], o: ReportCli): Promise<number> {
  const out = o.out ?? defaultOut(files);
  if (o.out !== undefined && !/\.html?$/i.test(out)) throw new UsageError(`--out ${safeText(out)}: name an .html file`);
  const { kind, html } = await buildReport(files, { out, backend: o.backend });
  writeNewFile(out, html, o.out !== undefined);
  await writeOut(`report: ${out} (${kind}, ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB, opens offline in a browser)\n`);
  return 0;
}
