// `faultsim report`'s work without the command line: what a result file is (a run's series, a
// hunt's event stream or a repro), and the HTML page it makes.
import { closeSync, fstatSync, openSync, readSync, constants as fsc } from "node:fs";
import { InputError, UsageError } from "../../errors.js";
import type { Backend } from "../../wasm/engine.js";
import { REPRO_FORMAT } from "../repro.js";
import { parseRepro } from "../repro-schema.js";
import { safeText } from "../text.js";
import { looksLikeSeries, parseSeries } from "./series.js";
import { looksLikeHuntStream, parseHuntStream } from "./hunt.js";
import { renderPage } from "./page.js";
import { runPage } from "./run-view.js";
import { huntPage } from "./hunt-view.js";
import { reproPage } from "./repro-view.js";

export type ResultKind = "run" | "hunt" | "repro";

/** The largest result file read (a series or a stream of a long campaign). */
export const RESULT_MAX_BYTES = 512 * 2 ** 20;

/** A regular file's text (UTF-8), at most RESULT_MAX_BYTES. */
export function readResult(file: string): string {
  const where = safeText(file);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO without a writer does not hang the open.
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${where}: cannot read it (${(err as { code?: string }).code ?? "unreadable"})`, file);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${where}: not a regular file`, file);
    if (st.size > RESULT_MAX_BYTES) throw new InputError(`${where}: larger than ${RESULT_MAX_BYTES / 2 ** 20} MiB`, file);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const k = readSync(fd, buf, n, st.size - n, null);
      if (k === 0) break;
      n += k;
    }
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(0, n));
    } catch {
      throw new InputError(`${where}: not UTF-8 text`, file);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${where}: cannot read it (${(err as { code?: string }).code ?? "unreadable"})`, file);
  } finally {
    closeSync(fd);
  }
}

/** What a result's text is. */
export function kindOf(text: string, file: string): ResultKind {
  const first = text.slice(0, text.indexOf("\n") >= 0 ? text.indexOf("\n") : text.length).replace(/^\uFEFF/, "");
  if (looksLikeSeries(first)) return "run";
  if (looksLikeHuntStream(first)) return "hunt";
  if (text.trimStart().startsWith("{")) {
    try {
      const o = JSON.parse(text.replace(/^\uFEFF/, "")) as { format?: unknown };
      if (o && o.format === REPRO_FORMAT) return "repro";
    } catch {
      // Not one JSON document: a repro cut short (its format named near the top) says so, as
      // `faultsim replay` does, rather than that faultsim does not report on it.
      if (new RegExp(`"format"\\s*:\\s*"${REPRO_FORMAT}"`).test(text.slice(0, 4096))) {
        throw new InputError(`${safeText(file)}: a repro file that is not valid JSON (truncated or corrupt)`, file);
      }
    }
  }
  throw new InputError(
    `${safeText(file)}: not a result faultsim reports on (a run's --series, a hunt's --jsonl stream, or a repro file)`,
    file,
  );
}

export interface ReportOptions {
  /** Where the page will be written (links to repro files are relative to it). */
  out: string;
  backend?: Backend;
}

/** UsageError unless `files` is one result or two (the API can be handed none). */
export function checkResultCount(files: readonly string[]): void {
  if (files.length < 1 || files.length > 2)
    throw new UsageError(`report takes one result, or two runs' series to overlay; got ${files.length}`);
}

/** The page for one result, or for two runs' series overlaid. */
export async function buildReport(files: readonly string[], o: ReportOptions): Promise<{ kind: ResultKind; html: string }> {
  checkResultCount(files);
  const texts = files.map(readResult);
  const kinds = files.map((f, i) => kindOf(texts[i], f));
  if (files.length === 2 && kinds.some((k) => k !== "run")) {
    const bad = kinds.findIndex((k) => k !== "run");
    throw new UsageError(`two results are overlaid only when both are runs' series: ${safeText(files[bad])} is a ${kinds[bad]}`);
  }
  let page: { title: string; body: string; data: Parameters<typeof renderPage>[2] };
  switch (kinds[0]) {
    case "run":
      page = runPage(files.map((f, i) => parseSeries(texts[i], f)));
      break;
    case "hunt":
      page = huntPage(parseHuntStream(texts[0], files[0]), files[0], o.out);
      break;
    case "repro":
      page = await reproPage(parseRepro(texts[0], files[0]), files[0], o.backend);
      break;
  }
  return { kind: kinds[0], html: renderPage(page.title, page.body, page.data) };
}
