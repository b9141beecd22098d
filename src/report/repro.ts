// Repro files: everything needed to re-run one failing execution exactly — the model's flags,
// the machine, the seed, each CPU's ops, the scheduler's choice log and the model build that
// recorded it — as JSON, validated with zod on load so a truncated, corrupt or foreign file is
// one clear InputError.
import { readFileSync, openSync, writeSync, closeSync, mkdirSync, fsyncSync, linkSync, renameSync, unlinkSync, existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError } from "../errors.js";
import { MAX_CPUS, MAX_AREAS, OP, opKind, opMm, opPage, opArg } from "../wasm/abi.js";
import { fmtOp } from "./diagram.js";

export const REPRO_FORMAT = "faultsim-repro";
export const REPRO_FORMAT_VERSION = 1;

const int = z.number().int();

/** The machine a repro ran on (the sizes and knobs of MachineConfig that shape behaviour). */
export const ReproMachineSchema = z.object({
  cpus: int.min(1).max(MAX_CPUS),
  frames: int.min(2).max(1 << 24),
  mms: int.min(1).max(64),
  pagesPerMm: int.min(1).max(65536),
  areas: int.min(1).max(MAX_AREAS),
  slotsPerArea: int.min(2).max(1 << 24),
  kswapd: z.boolean(),
  pageCluster: int.min(0).max(16),
  freeMin: int.min(0),
  freeLow: int.min(0),
  freeHigh: int.min(0),
  swapCluster: int.min(1),
  areaPrioEqual: z.boolean(),
});
export type ReproMachine = z.infer<typeof ReproMachineSchema>;

export const ReproSchema = z
  .object({
    format: z.literal(REPRO_FORMAT),
    formatVersion: z.literal(REPRO_FORMAT_VERSION),
    faultsim: z.string(),
    /** The model build that recorded the schedule (src/build/model-id.mjs: a hash of assembly/'s
     *  sources). A choice log replays step for step only on a model with the same atomic
     *  sections; replay says when the ids differ. Absent in files written before model ids. */
    modelId: z.string().regex(/^[0-9a-f]{1,64}$/, "modelId must be hex digits").optional(),
    model: z.string().min(1),
    flags: int.min(0),
    flagNames: z.array(z.string()),
    machine: ReproMachineSchema,
    /** How the execution was found (informational: replay follows `schedule`). */
    sched: z.object({ kind: z.enum(["pct", "random"]), depth: int.min(1).optional() }),
    seed: int,
    ops: z.array(z.array(int)),
    /** The same ops in words, for the reader; ignored on load. */
    opsText: z.array(z.string()).optional(),
    /** The choice log: the agent that ran each step, one hex digit per step. */
    schedule: z.string().regex(/^(?:[g-u]?[0-9a-f])*$/, "schedule must be hex digits, one agent per step (each may carry a step's own pick, g..u, before it)"),
    signature: z.string().min(1),
    violation: z.object({ id: z.string(), message: z.string() }),
  })
  .superRefine((r, ctx) => {
    if (r.ops.length !== r.machine.cpus) {
      ctx.addIssue({ code: "custom", path: ["ops"], message: `${r.ops.length} op lists for ${r.machine.cpus} CPUs` });
    }
    r.ops.forEach((ops, cpu) => {
      ops.forEach((op, j) => {
        const bad = badOp(op, r.machine);
        if (bad) ctx.addIssue({ code: "custom", path: ["ops", cpu, j], message: bad });
      });
    });
    const agents = agentCount(r.machine);
    const steps = decodeSchedule(r.schedule);
    for (let i = 0; i < steps.length; i++) {
      if ((steps[i] & 15) >= agents) {
        ctx.addIssue({ code: "custom", path: ["schedule"], message: `step ${i} names agent ${(steps[i] & 15).toString(16)}, the machine has ${agents}` });
        break;
      }
    }
  });
export type Repro = z.infer<typeof ReproSchema>;

/** Why an op word cannot run on the machine (the model trusts its ops), or "". */
function badOp(op: number, m: ReproMachine): string {
  const k = opKind(op);
  if (k < OP.READ || k > OP.SWAPON) return `op kind ${k} is unknown`;
  if (opMm(op) >= m.mms) return `op names mm${opMm(op)}, the machine has ${m.mms}`;
  if ((k === OP.READ || k === OP.WRITE) && opPage(op) >= m.pagesPerMm) return `op names page ${opPage(op)}, an mm has ${m.pagesPerMm}`;
  if (k === OP.FORK && opArg(op) >= m.mms) return `fork into mm${opArg(op)}, the machine has ${m.mms}`;
  if ((k === OP.SWAPOFF || k === OP.SWAPON) && opArg(op) >= m.areas) return `op names swap area ${opArg(op)}, the machine has ${m.areas}`;
  return "";
}

/** CPUs, the disk, and kswapd if configured (assembly/kernel/state.ts layout_machine). */
export function agentCount(m: Pick<ReproMachine, "cpus" | "kswapd">): number {
  return m.cpus + 1 + (m.kswapd ? 1 : 0);
}

/** One hex digit per step, the agent; a step that made a choice of its own (the disk's pick k
 *  among queued requests, k = 1..15) has the letter "g".."u" (k) before its digit. */
export const encodeSchedule = (choices: ArrayLike<number>): string => {
  let s = "";
  for (let i = 0; i < choices.length; i++) {
    const pick = (choices[i] >>> 4) & 15;
    if (pick !== 0) s += String.fromCharCode(0x66 + pick);
    s += (choices[i] & 15).toString(16);
  }
  return s;
};
export const decodeSchedule = (s: string): number[] => {
  const out: number[] = [];
  let pick = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0x67 && c <= 0x75) { pick = c - 0x66; continue; }
    out.push((pick << 4) | parseInt(ch, 16));
    pick = 0;
  }
  return out;
};

/** Fills in the derived fields (opsText) of a repro about to be written. */
export function withText(r: Repro): Repro {
  return { ...r, opsText: r.ops.map((ops, cpu) => `CPU${cpu}: ${ops.length ? ops.map(fmtOp).join(", ") : "(nothing)"}`) };
}

/** Parses and validates repro text; InputError naming the file when it is not a good repro. */
export function parseRepro(text: string, file = "repro file"): Repro {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`${file}: not valid JSON (truncated or corrupt)`, file);
  }
  if (typeof raw !== "object" || raw === null || (raw as { format?: unknown }).format !== REPRO_FORMAT) {
    throw new InputError(`${file}: not a faultsim repro file`, file);
  }
  const v = (raw as { formatVersion?: unknown }).formatVersion;
  if (v !== REPRO_FORMAT_VERSION) {
    throw new InputError(`${file}: repro format version ${String(v)} is not supported (this faultsim reads ${REPRO_FORMAT_VERSION})`, file);
  }
  const parsed = ReproSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new InputError(`${file}: corrupt repro file: ${where}: ${issue.message}`, file);
  }
  return parsed.data;
}

/** Reads and validates a repro file. */
export function loadRepro(file: string): Repro {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code ?? "unreadable";
    throw new InputError(`${file}: cannot read (${code})`, file);
  }
  return parseRepro(text, file);
}

/** A file name from the signature and seed: "repro-swapcache-unique@add_to_swap_cache-1a2b.json". */
export function reproFileName(r: Pick<Repro, "signature" | "seed">): string {
  const slug = r.signature.replace(/[^A-Za-z0-9@_.-]+/g, "_").slice(0, 80);
  return `repro-${slug}-${(r.seed >>> 0).toString(16)}.json`;
}

/** A repro as written: indented, but each list of numbers (an op list) on one line. */
function reproText(r: Repro): string {
  return JSON.stringify(withText(r), null, 2)
    .replace(/\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]/g, (_m, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`) + "\n";
}

let tmpSeq = 0;

/** Writes text to a new temporary file beside `file` (a dot name, never a repro's name),
 *  flushed to disk; returns its path. Removed again if the write fails. */
function writeTemp(dir: string, text: string): string {
  const tmp = path.join(dir, `.faultsim-${process.pid}-${Date.now().toString(36)}-${tmpSeq++}.tmp`);
  const fd = openSync(tmp, "wx");
  try {
    const buf = Buffer.from(text, "utf8");
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  closeSync(fd);
  return tmp;
}

/** Makes the directory entry of a rename or link durable (best effort: not every file
 *  system lets a directory be opened and synced). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* best effort */ }
}

/** Writes the repro into dir without ever replacing a file: a taken name gets -1, -2, ...
 *  Atomic: the text goes to a temporary file in dir first, which is then linked under the
 *  repro's name (a link fails rather than replace a file), so a repro's name never holds a
 *  partial or empty file, even after a kill -9 or a full disk. Returns the path written. */
export function writeRepro(dir: string, r: Repro): string {
  mkdirSync(dir, { recursive: true });
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
    try { unlinkSync(tmp); } catch { /* renamed, or already gone */ }
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
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  syncDir(dir);
}
