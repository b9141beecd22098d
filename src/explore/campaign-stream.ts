// Reading a hunt's --jsonl event stream back: what `hunt --resume` continues from and what
// `faultsim merge` folds. The stream is the campaign's record: its start event holds the
// options, and every progress, finding and end event the checkpoint (checkpoint.ts) after
// whole executions, every finding before it already written to the stream.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, constants as fsc } from "node:fs";
import { InputError } from "../errors.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import type { HuntCheckpoint } from "./checkpoint.js";

// The events' shapes are zod schemas (src/schema/outputs.ts), so the JSON Schema of the
// stream (dist/schema/hunt-events.schema.json) is generated from what the code writes.
import type { FindingEvent, StartEvent } from "../schema/outputs.js";
export type { FindingEvent, StartEvent, StreamOptions } from "../schema/outputs.js";

/** A stream read back. */
export interface CampaignStream {
  file: string;
  start: StartEvent;
  findings: FindingEvent[];
  /** Each finding's line in the file (1-based), for checkFindings' errors. */
  findingLines: number[];
  /** The last checkpoint recorded (none: killed before the first). */
  checkpoint?: HuntCheckpoint;
  /** Whether the campaign ended by itself (an end event not marked interrupted, after the
   *  last resume). */
  finished: boolean;
  /** Bytes of whole lines: a kill mid-write leaves a partial last line past this. */
  wholeBytes: number;
}

const MAX_STREAM_BYTES = 1 << 30;
const STREAM_VERSION = OUTPUT_SCHEMA_VERSIONS.huntEvents;

function readAll(file: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO with no writer opens at once (and is then refused) instead of waiting.
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${file}: cannot read it (${(err as { code?: string }).code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    // A directory opens but fails on read (EISDIR); a FIFO or device has no size to trust.
    if (!st.isFile()) {
      throw new InputError(`${file}: is ${st.isDirectory() ? "a directory" : "not a regular file"}, not a hunt event stream`);
    }
    const size = st.size;
    if (size > MAX_STREAM_BYTES) throw new InputError(`${file}: larger than 1 GiB, not a hunt event stream`);
    const buf = Buffer.alloc(size);
    for (let off = 0; off < size; ) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** What checks a finding event's shape (src/schema/outputs.ts FindingEventSchema; passed in,
 *  so that the hunt loads zod only when it resumes). */
export interface FindingCheck {
  safeParse(x: unknown): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Refuses a stream whose finding events `check` refuses (the stream is a file a user may edit,
 *  and a finding is reported and replayed from its repro): an InputError naming the line. Apart
 *  from readStream, so that a stream without findings is read without loading zod. */
export function checkFindings(s: CampaignStream, check: FindingCheck): void {
  s.findings.forEach((f, j) => {
    const parsed = check.safeParse(f);
    if (parsed.success) return;
    const issue = parsed.error.issues[0];
    const at = issue.path.map(String).join(".") || "event";
    throw new InputError(`${s.file}: line ${s.findingLines[j]}: a malformed finding (${at}: ${issue.message})`);
  });
}

/** Reads a hunt event stream. A partial last line (a kill mid-write) is left out; any other
 *  line that is not a JSON object is an error. Finding events are checked by checkFindings. */
export function readStream(file: string): CampaignStream {
  const buf = readAll(file);
  const wholeBytes = buf.lastIndexOf(10) + 1;
  const lines = buf.subarray(0, wholeBytes).toString("utf8").split("\n");
  let start: StartEvent | undefined;
  const findings: FindingEvent[] = [];
  const findingLines: number[] = [];
  let checkpoint: HuntCheckpoint | undefined;
  let finished = false;
  lines.forEach((line, i) => {
    if (line === "") return;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new InputError(`${file}: line ${i + 1} is not JSON: not a hunt event stream`);
    }
    if (typeof ev !== "object" || ev === null || typeof ev.event !== "string") {
      throw new InputError(`${file}: line ${i + 1} is not an event: not a hunt event stream`);
    }
    // Another version's events may mean other things (report refuses them too): never fold
    // them into this version's campaign.
    if (ev.schemaVersion !== STREAM_VERSION) {
      throw new InputError(
        `${file}: line ${i + 1}: event stream schemaVersion ${JSON.stringify(ev.schemaVersion)}, this faultsim reads ${STREAM_VERSION}`,
      );
    }
    if (ev.event === "start") {
      if (start) throw new InputError(`${file}: line ${i + 1}: a second start event (two campaigns in one stream)`);
      start = ev as unknown as StartEvent;
    }
    if (ev.event === "finding") {
      findings.push(ev as unknown as FindingEvent);
      findingLines.push(i + 1);
    }
    if (ev.event === "resume") finished = false;
    if (ev.event === "end") finished = ev.interrupted === false;
    if (ev.checkpoint !== undefined) checkpoint = checkCheckpoint(file, i + 1, ev.checkpoint);
  });
  if (!start || typeof start.options !== "object" || start.options === null || start.options.engine === undefined) {
    throw new InputError(`${file}: no start event of a resumable hunt (written with --jsonl by this version)`);
  }
  return { file, start, findings, findingLines, checkpoint, finished, wholeBytes };
}

const isNat = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/** A checkpoint's shape, checked field by field (the stream is a file a user may edit). */
function checkCheckpoint(file: string, line: number, c: unknown): HuntCheckpoint {
  const k = c as HuntCheckpoint;
  const ok =
    typeof c === "object" &&
    c !== null &&
    isNat(k.first) &&
    isNat(k.next) &&
    k.next >= k.first &&
    isNat(k.steps) &&
    typeof k.hits === "object" &&
    k.hits !== null &&
    Object.values(k.hits).every(isNat) &&
    typeof k.hash === "object" &&
    k.hash !== null &&
    isNat(k.hash.h) &&
    k.hash.h < 2 ** 32 &&
    k.hash.n === k.next - k.first &&
    Array.isArray(k.signatures) &&
    k.signatures.every((s) => typeof s === "string") &&
    typeof k.elapsedMs === "number" &&
    isNat(k.maxDecisions) &&
    isNat(k.agentMask) &&
    isNat(k.pctK) &&
    k.pctK >= 1 &&
    isNat(k.decisionSum);
  if (!ok) throw new InputError(`${file}: line ${line}: a malformed checkpoint`);
  return k;
}

/** Cuts a partial last line off (a kill mid-write), so that appended events start a line. */
export function dropPartialLine(s: CampaignStream): void {
  const fd = openSync(s.file, "r+");
  try {
    if (fstatSync(fd).size > s.wholeBytes) ftruncateSync(fd, s.wholeBytes);
  } finally {
    closeSync(fd);
  }
}
