// `hunt --jsonl`: the campaign's event stream (src/schema/outputs.ts HuntEventSchema), one JSON
// object a line, which `hunt --resume` and `faultsim merge` read back
// (src/explore/campaign-stream.ts).
import { closeSync, lstatSync, openSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { dropPartialLine, type CampaignStream } from "../explore/campaign-stream.js";
import type { HuntCheckpoint } from "../explore/checkpoint.js";
import type { HuntEvent } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";

/** Every --jsonl event carries it (src/schema/outputs.ts HuntEventSchema). */
export const EVENTS_VERSION = OUTPUT_SCHEMA_VERSIONS.huntEvents;

/** The --jsonl event stream: one JSON object a line, each written at once with a blocking
 *  write (nothing buffered in this process). A reader that went away ends the stream, not
 *  the hunt. */
export class EventStream {
  private constructor(
    private fd: number | undefined,
    private readonly own: boolean,
  ) {}

  /** `-` is stdout; a file must not exist yet (never overwritten). */
  static open(target: string | undefined): EventStream {
    if (target === undefined) return new EventStream(undefined, false);
    if (target === "-") return new EventStream(1, false);
    let fd: number;
    try {
      fd = openSync(target, "wx");
    } catch (err) {
      throw cannotOpen(target, (err as { code?: string }).code ?? (err as Error).message);
    }
    return new EventStream(fd, true);
  }

  /** What open(target) would refuse, found without creating anything: run before the hunt
   *  creates its --out directory, so that a refused command leaves nothing behind. */
  static precheck(target: string | undefined): void {
    if (target === undefined || target === "-") return;
    let code: string | undefined;
    try {
      lstatSync(target);
      code = "EEXIST";
    } catch (err) {
      const c = (err as { code?: string }).code;
      if (c !== "ENOENT") code = c ?? (err as Error).message;
    }
    if (code === undefined) {
      try {
        if (!statSync(path.dirname(target)).isDirectory()) code = "ENOTDIR";
      } catch (err) {
        code = (err as { code?: string }).code ?? (err as Error).message;
      }
    }
    if (code !== undefined) throw cannotOpen(target, code);
  }

  /** A stream being resumed: appended to (its partial last line, if any, cut first). */
  static append(s: CampaignStream): EventStream {
    let fd: number;
    try {
      dropPartialLine(s);
      fd = openSync(s.file, "a");
    } catch (err) {
      throw new UsageError(`--resume ${s.file}: cannot append to it (${(err as { code?: string }).code ?? (err as Error).message})`);
    }
    return new EventStream(fd, true);
  }

  get active(): boolean {
    return this.fd !== undefined;
  }

  write(event: HuntEvent): void {
    if (this.fd === undefined) return;
    const buf = Buffer.from(JSON.stringify(event) + "\n", "utf8");
    try {
      for (let off = 0; off < buf.length; ) {
        try {
          off += writeSync(this.fd, buf, off, buf.length - off);
        } catch (err) {
          if ((err as { code?: string }).code !== "EAGAIN") throw err;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a full pipe: wait 1 ms
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EPIPE") {
        this.close();
        return;
      } // the reader is gone
      this.close();
      throw new UsageError(`--jsonl: cannot write the event stream (${code ?? (err as Error).message})`);
    }
  }

  close(): void {
    if (this.fd !== undefined && this.own) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    this.fd = undefined;
  }
}

/** The --jsonl progress event of a campaign's checkpoint: --resume continues from it. */
export function progressEvent(c: HuntCheckpoint): HuntEvent {
  const ran = c.next - c.first;
  return {
    event: "progress",
    schemaVersion: EVENTS_VERSION,
    executions: ran,
    elapsedMs: Math.round(c.elapsedMs),
    executionsPerSec: Math.round(ran / Math.max(c.elapsedMs / 1000, 1e-3)),
    signatures: c.signatures,
    checkpoint: c,
  };
}

/** The one line of a --jsonl target open() cannot take. */
function cannotOpen(target: string, code: string): UsageError {
  return new UsageError(
    code === "EEXIST"
      ? `--jsonl ${target}: the file exists (an event stream never overwrites one)`
      : `--jsonl ${target}: cannot create it (${code})`,
  );
}
