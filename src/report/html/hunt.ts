// A hunt's event stream (`hunt --jsonl`, src/explore/campaign-stream.ts; each line one of the
// events of src/schema/outputs.ts HuntEventSchema) read back for the HTML report: the
// throughput over time from the progress events, and the signatures found: how often each
// failed an execution (the last checkpoint's hits), the execution that first found it and its
// repro file (the finding events).
import { InputError } from "../../errors.js";
import { HuntEventSchema, type HuntEvent, type StartEvent } from "../../schema/outputs.js";
import { safeText } from "../text.js";

/** One row of the signature table. */
export interface SignatureRow {
  signature: string;
  /** Failing executions with this signature (the campaign's hits). */
  count: number;
  /** The execution that found it first, when a finding event says. */
  firstExecution?: number;
  /** Its repro file, as the stream names it (relative to where the hunt ran). */
  file?: string | null;
  message?: string;
}

export interface HuntSummary {
  start: StartEvent;
  /** Progress, finding and end points in time order: seconds since the campaign began,
   *  executions per second (so far over the time so far), executions so far, distinct
   *  signatures so far. */
  throughput: { seconds: number[]; perSec: number[]; executions: number[]; signatures: number[] };
  signatures: SignatureRow[];
  executions: number;
  elapsedMs: number;
  legs: number;
  end?: Extract<HuntEvent, { event: "end" }>;
}

/** Whether the first line is a hunt event. */
export function looksLikeHuntStream(firstLine: string): boolean {
  try {
    const o = JSON.parse(firstLine) as { event?: unknown; schemaVersion?: unknown };
    return typeof o === "object" && o !== null && typeof o.event === "string" && typeof o.schemaVersion === "number";
  } catch {
    return false;
  }
}

/** Reads a stream's text; a partial last line (a kill mid-write) is left out, any other line
 *  that is not an event of the schema is an InputError naming it. */
export function parseHuntStream(text: string, file: string): HuntSummary {
  const where = safeText(file);
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or a line a kill cut short
  let start: StartEvent | undefined;
  let end: HuntSummary["end"];
  let legs = 0;
  const t: HuntSummary["throughput"] = { seconds: [], perSec: [], executions: [], signatures: [] };
  const firsts = new Map<string, { execution: number; file: string | null; message: string }>();
  let hits: Record<string, number> = {};
  let order: string[] = [];
  let executions = 0;
  let elapsedMs = 0;
  // Points in time order (a resumed leg's events carry the time over every leg).
  const point = (seconds: number, perSec: number, executions: number, signatures: number) => {
    let i = t.seconds.length;
    while (i > 0 && t.seconds[i - 1] > seconds) i--;
    t.seconds.splice(i, 0, seconds);
    t.perSec.splice(i, 0, perSec);
    t.executions.splice(i, 0, executions);
    t.signatures.splice(i, 0, signatures);
  };
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new InputError(`${where}: line ${i + 1} is not JSON: not a hunt event stream`, file);
    }
    const parsed = HuntEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${where}: line ${i + 1}: not a hunt event (${issue.path.join(".") || "event"}: ${issue.message})`, file);
    }
    const ev = parsed.data;
    switch (ev.event) {
      case "start":
        if (start) throw new InputError(`${where}: line ${i + 1}: a second start event (two campaigns in one stream)`, file);
        start = ev;
        legs = 1;
        break;
      case "resume":
        legs++;
        break;
      case "progress":
        point(ev.elapsedMs / 1000, ev.executionsPerSec, ev.executions, ev.signatures.length);
        ({ hits, signatures: order } = ev.checkpoint);
        executions = ev.executions;
        elapsedMs = ev.elapsedMs;
        break;
      case "finding": {
        // A point of its own: executions so far over the time so far, as progress counts.
        const s = ev.elapsedMs / 1000;
        const seen = new Set([...firsts.keys(), ev.signature]).size;
        if (s > 0) point(s, Math.round((ev.execution + 1) / s), ev.execution + 1, seen);
        if (!firsts.has(ev.signature) || firsts.get(ev.signature)!.execution > ev.execution) {
          firsts.set(ev.signature, { execution: ev.execution, file: ev.file, message: ev.repro.violation.message });
        }
        if (ev.checkpoint) ({ hits, signatures: order } = ev.checkpoint);
        break;
      }
      case "end": {
        end = ev;
        hits = ev.hits;
        order = ev.signatures;
        executions = ev.executions;
        // The end event's own elapsedMs is its leg's; its checkpoint's is over every leg, as
        // the progress events' are (a resumed campaign's header gave the last leg's time).
        elapsedMs = ev.checkpoint.elapsedMs;
        const s = elapsedMs / 1000;
        point(s, s > 0 ? Math.round(ev.executions / s) : 0, ev.executions, ev.signatures.length);
        break;
      }
    }
  });
  if (!start) throw new InputError(`${where}: no start event: not a hunt event stream (hunt --jsonl writes one first)`, file);
  const names = [...new Set([...order, ...Object.keys(hits), ...firsts.keys()])];
  const signatures = names.map((signature) => {
    const f = firsts.get(signature);
    return {
      signature,
      count: hits[signature] ?? 0,
      ...(f ? { firstExecution: f.execution, file: f.file, message: f.message } : {}),
    };
  });
  return { start, throughput: t, signatures, executions, elapsedMs, legs, ...(end ? { end } : {}) };
}
