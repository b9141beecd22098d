// Repro files: everything needed to re-run one failing execution exactly — the model's flags,
// the machine, the seed, each CPU's ops, the scheduler's choice log and the model build that
// recorded it. This module writes them (atomically, never over a user's file) and encodes the
// choice log; reading and validating one is src/report/repro-schema.ts, apart from here so that
// a hunt, which only writes repros, does not load zod (cold start, issue 12).
import {
  openSync,
  writeSync,
  closeSync,
  fsyncSync,
  linkSync,
  unlinkSync,
  renameSync,
  existsSync,
  readdirSync,
  readFileSync,
} from "node:fs";
import path from "node:path";
import { CHOICE_PICK_SHIFT, choiceAgent, choicePick } from "../wasm/abi.js";
import { makeDirs } from "../make-dirs.js";
import { fmtOp } from "./diagram.js";
import type { Repro, ReproMachine } from "./repro-schema.js";

export type { Repro, ReproMachine } from "./repro-schema.js";

export const REPRO_FORMAT = "faultsim-repro";
export const REPRO_FORMAT_VERSION = 1;
/** The revision of the repro file's fields (docs/json-schema.md). A file without one is
 *  revision 1 (written before revisions). Replay reads every revision up to its own and refuses
 *  a newer one: a newer revision's fields could change what replays, and would be dropped
 *  here. formatVersion stays 1 while this faultsim can still read the oldest file.
 *  Revision 2 adds flags2, the model's second flag word; revision 3 the machine's jiffySteps
 *  (`hunt --jiffy-steps`: the model's clock run fast). A file is written at the lowest revision
 *  that holds it (reproSchemaVersion): one with no flag of word 1 and the model's own clock
 *  stays revision 1 (linux-2.4.0's and linux-2.4.10-pre's as shipped, or linux-2.4.16's
 *  `--without oom-kill`), and a faultsim of before word 1 still replays it. */
export const REPRO_SCHEMA_VERSION = 3;

/** The revision a repro of model m on machine `machine` is written at: 3 with a fast clock,
 *  2 when the model sets a flag of word 1, else 1. */
export const reproSchemaVersion = (m: { flags2: number }, machine: { jiffySteps?: number }): number =>
  machine.jiffySteps !== undefined ? 3 : m.flags2 !== 0 ? 2 : 1;

/** The largest repro file replay reads. A hunt writes at most 8 CPUs x HUNT_OPCAP ops and a
 *  HUNT_LOGCAP-step schedule: under 64 KiB (test/report/repro.test.ts measures the largest). */
export const REPRO_MAX_BYTES = 1 << 20;

/** CPUs, the disk, and kswapd if configured (assembly/kernel/state.ts layout_machine). */
export function agentCount(m: Pick<ReproMachine, "cpus" | "kswapd">): number {
  return m.cpus + 1 + (m.kswapd ? 1 : 0);
}

/** One hex digit per step, the agent; a step that made a choice of its own (the disk's pick k
 *  among queued requests, k = 1..15) has the letter "g".."u" (k) before its digit. */
export const encodeSchedule = (choices: ArrayLike<number>): string => {
  let s = "";
  for (let i = 0; i < choices.length; i++) {
    const pick = choicePick(choices[i]);
    if (pick !== 0) s += String.fromCharCode(0x66 + pick);
    s += choiceAgent(choices[i]).toString(16);
  }
  return s;
};
export const decodeSchedule = (s: string): number[] => {
  const out: number[] = [];
  let pick = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0x67 && c <= 0x75) {
      pick = c - 0x66;
      continue;
    }
    out.push((pick << CHOICE_PICK_SHIFT) | parseInt(ch, 16));
    pick = 0;
  }
  return out;
};

/** A repro's flag fields: the two words (word 1 only when a flag of it is set, so a shipped
 *  model's repro is as before there was a word 1) and the names. */
export const reproFlags = (m: { flags: number; flags2: number; flagNames: string[] }): Pick<Repro, "flags" | "flags2" | "flagNames"> => ({
  flags: m.flags,
  ...(m.flags2 !== 0 ? { flags2: m.flags2 } : {}),
  flagNames: m.flagNames,
});

/** Fills in the derived fields (opsText) of a repro about to be written. */
export function withText(r: Repro): Repro {
  return { ...r, opsText: r.ops.map((ops, cpu) => `CPU${cpu}: ${ops.length ? ops.map(fmtOp).join(", ") : "(nothing)"}`) };
}

/** A file name from the signature and seed: "repro-swapcache-unique@add_to_swap_cache-1a2b.json". */
export function reproFileName(r: Pick<Repro, "signature" | "seed">): string {
  const slug = r.signature.replace(/[^A-Za-z0-9@_.-]+/g, "_").slice(0, 80);
  return `repro-${slug}-${(r.seed >>> 0).toString(16)}.json`;
}

/** A repro as written: indented, but each list of numbers (an op list) on one line. */
function reproText(r: Repro): string {
  return (
    JSON.stringify(withText(r), null, 2).replace(
      /\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]/g,
      (_m, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`,
    ) + "\n"
  );
}

let tmpSeq = 0;

/** Writes text to a new temporary file beside `file` (a dot name, never a repro's name),
 *  flushed to disk; returns its path. Removed again if the write fails. */
function writeTemp(dir: string, text: string): string {
  const tmp = path.join(dir, `.faultsim-${process.pid}-${Date.now().toString(36)}-${tmpSeq++}.tmp`);
  const fd = openSync(tmp, "wx");
  try {
    const buf = Buffer.from(text, "utf8");
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    fsyncQuiet(fd); // fsync is what reports a full disk on some file systems
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  closeSync(fd);
  return tmp;
}

/** Our temporary files (writeTemp) left in `dir` by processes no longer running: a SIGKILL
 *  between writing one and linking it into place leaves it. Only names of writeTemp's form
 *  whose process is gone are removed (a resumed campaign sweeps its --out with this). */
export function sweepStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^\.faultsim-(\d+)-[0-9a-z]+-\d+\.tmp$/.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM"; // alive, someone else's
  }
}

/** Makes the directory entry of a rename or link durable (best effort: not every file
 *  system lets a directory be opened and synced). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** The file of dir that holds exactly this repro already, byte for byte, under one of the
 *  names writeRepro gives it (a killed campaign wrote it; `hunt --resume` investigates the
 *  same finding again and takes its file up instead of writing a second one). */
export function sameReproFile(dir: string, r: Repro): string | undefined {
  const name = reproFileName(r);
  const ext = path.extname(name);
  const stem = name.slice(0, -ext.length);
  const text = reproText(r);
  for (let n = 0; n < 10000; n++) {
    const file = path.join(dir, n === 0 ? name : `${stem}-${n}${ext}`);
    let had: string;
    try {
      had = readFileSync(file, "utf8");
    } catch {
      return undefined; // the first free name: writeRepro would write here
    }
    if (had === text) return file;
  }
  return undefined;
}

/** Whether `file` holds exactly this repro, byte for byte, as writeRepro writes it ("missing":
 *  no such file). `faultsim merge` replaces or removes only files that hold what a stream
 *  recorded: never a file someone changed since. */
export function reproFileHolds(file: string, r: Repro): "same" | "other" | "missing" {
  let had: string;
  try {
    had = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return "missing";
    return "other";
  }
  return had === reproText(r) ? "same" : "other";
}

/** Writes the repro into dir without ever replacing a file: a taken name gets -1, -2, ...
 *  Atomic: the text goes to a temporary file in dir first, which is then linked under the
 *  repro's name (a link fails rather than replace a file), so a repro's name never holds a
 *  partial or empty file, even after a kill -9 or a full disk. Returns the path written. */
export function writeRepro(dir: string, r: Repro): string {
  makeDirs(dir);
  const name = reproFileName(r);
  const ext = path.extname(name);
  const stem = name.slice(0, -ext.length);
  const tmp = writeTemp(dir, reproText(r));
  try {
    for (let n = 0; n < 10000; n++) {
      const file = path.join(dir, n === 0 ? name : `${stem}-${n}${ext}`);
      try {
        linkSync(tmp, file); // fails if the name is taken: never overwrite
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "EEXIST") continue;
        // A file system without hard links: a rename, after checking the name is free.
        if ((code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") && !existsSync(file)) {
          renameSync(tmp, file);
          syncDir(dir);
          return file;
        }
        throw err;
      }
      syncDir(dir);
      return file;
    }
    throw new Error(`no free file name for ${name} in ${dir}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed, or already gone */
    }
  }
}

/** Replaces a repro file this process wrote (writeRepro) with a newer version of the same
 *  finding (shrunk), atomically: a temporary file renamed over it. */
export function replaceRepro(file: string, r: Repro): void {
  const dir = path.dirname(file);
  const tmp = writeTemp(dir, reproText(r));
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  syncDir(dir);
}

function fsyncQuiet(fd: number): void {
  try {
    fsyncSync(fd);
  } catch (err) {
    // Not every file (a pipe, some FUSE mounts) can be synced; a lost write still throws.
    if (!["EINVAL", "ENOTSUP", "EROFS"].includes((err as { code?: string }).code ?? "")) throw err;
  }
}
