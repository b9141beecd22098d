// Reading repro files (src/report/repro.ts writes them): validated with zod on load so a
// truncated, corrupt, foreign or oversized file is one clear ReproError (an InputError: exit 2).
// The schema's bounds are the bounds a hunt can write (src/explore/machine.ts HUNT_LIMITS,
// HUNT_OPCAP, HUNT_LOGCAP): a crafted machine of 16M frames is refused here, before the model
// lays out any memory. Only the commands that read a repro (replay, the API) load this module.
import { readBounded } from "../read-bounded.js";
import { z } from "zod";
import { ReproError } from "../errors.js";
import { MAX_CPUS, OP, choiceAgent, opKind, opMm, opPage, opArg } from "../wasm/abi.js";
import { HUNT_LIMITS, HUNT_LOGCAP, HUNT_OPCAP } from "../explore/machine.js";
import { FLAGS, FLAG_BITS, MODELS, flagNamesOf } from "../model/models.js";
import { safeText } from "./text.js";
import { REPRO_FORMAT, REPRO_FORMAT_VERSION, REPRO_MAX_BYTES, REPRO_SCHEMA_VERSION, agentCount, decodeSchedule } from "./repro.js";

const int = z.number().int();
const L = HUNT_LIMITS;
const known = new Set(MODELS.map((m) => m.name));

/** The machine a repro ran on (the sizes and knobs of MachineConfig that shape behaviour),
 *  within what a hunt can be given. */
export const ReproMachineSchema = z
  .object({
    cpus: int.min(L.cpus.min).max(L.cpus.max),
    frames: int.min(L.frames.min).max(L.frames.max),
    mms: int.min(L.mms.min).max(L.mms.max),
    pagesPerMm: int.min(L.pages.min).max(L.pages.max),
    areas: int.min(L.areas.min).max(L.areas.max),
    slotsPerArea: int.min(L.slots.min).max(L.slots.max),
    kswapd: z.boolean(),
    pageCluster: int.min(L.pageCluster.min).max(L.pageCluster.max),
    freeMin: int.min(0).max(L.frames.max),
    freeLow: int.min(0).max(L.frames.max),
    freeHigh: int.min(0).max(L.frames.max),
    swapCluster: int.min(1).max(L.frames.max),
    areaPrioEqual: z.boolean(),
    /** Steps a jiffy lasts when the hunt ran a fast clock (`--jiffy-steps`, revision 3);
     *  absent: the model's own clock, on which no execution reaches the OOM killer. */
    jiffySteps: int
      .min(L.jiffySteps.min)
      .max(L.jiffySteps.max)
      .refine((n) => (n & (n - 1)) === 0, "jiffySteps must be a power of two")
      .optional(),
  })
  .superRefine((m, ctx) => {
    for (const k of ["freeMin", "freeLow", "freeHigh"] as const) {
      if (m[k] >= m.frames) ctx.addIssue({ code: "custom", path: [k], message: `${m[k]} is not below the machine's ${m.frames} frames` });
    }
    // pages_min <= pages_low <= pages_high, as every machine a hunt or shrink lays out has them.
    if (m.freeLow < m.freeMin) ctx.addIssue({ code: "custom", path: ["freeLow"], message: `${m.freeLow} is below freeMin ${m.freeMin}` });
    if (m.freeHigh < m.freeLow)
      ctx.addIssue({ code: "custom", path: ["freeHigh"], message: `${m.freeHigh} is below freeLow ${m.freeLow}` });
  });
export type ReproMachine = z.infer<typeof ReproMachineSchema>;

export const ReproSchema = z
  .object({
    format: z.literal(REPRO_FORMAT),
    formatVersion: z.literal(REPRO_FORMAT_VERSION),
    /** Absent in files written before schema revisions: revision 1. */
    schemaVersion: int.min(1).max(REPRO_SCHEMA_VERSION).optional(),
    faultsim: z.string().max(64),
    /** The model build that recorded the schedule (src/build/model-id.mjs: a hash of assembly/'s
     *  sources). A choice log replays step for step only on a model with the same atomic
     *  sections; replay says when the ids differ. Absent in files written before model ids. */
    modelId: z
      .string()
      .regex(/^[0-9a-f]{1,64}$/, "modelId must be hex digits")
      .optional(),
    model: z.string().min(1).max(64),
    flags: int.min(0).max(0x7fffffff),
    /** The second flag word (CFG_FLAGS2); absent when 0 (and in every file before it). */
    flags2: int.min(0).max(0xffffffff).optional(),
    flagNames: z.array(z.string().max(64)).max(FLAGS.length),
    machine: ReproMachineSchema,
    /** How the execution was found (informational: replay follows `schedule`). */
    sched: z.object({
      kind: z.enum(["pct", "random", "exhaustive"]),
      depth: int.min(L.depth.min).max(L.depth.max).optional(),
      /** exhaustive: the preemptions the schedule spends (hunt --sched exhaustive). */
      preemptions: int.min(0).max(64).optional(),
    }),
    /** The hunt's op mix (`--mix`, src/explore/mix.ts fmtMix) when it had one: with the hunt's
     *  seed and options it regenerates the op lists (replay follows `ops`). */
    mix: z.string().max(256).optional(),
    /** The execution's seed (an i32; its unsigned spelling is accepted too). */
    seed: int.min(-(2 ** 31)).max(2 ** 32 - 1),
    ops: z.array(z.array(int).max(HUNT_OPCAP, `more than ${HUNT_OPCAP} ops on one CPU (a hunt's op buffer)`)).max(MAX_CPUS),
    /** The same ops in words, for the reader; ignored on load. */
    opsText: z.array(z.string()).optional(),
    /** The choice log: the agent that ran each step, one hex digit per step. */
    schedule: z
      .string()
      .max(2 * HUNT_LOGCAP, `longer than a hunt's ${HUNT_LOGCAP}-step choice log`)
      .regex(
        /^(?:[g-u]?[0-9a-f])*$/,
        "schedule must be hex digits, one agent per step (each may carry a step's own pick, g..u, before it)",
      ),
    signature: z.string().min(1).max(256),
    violation: z.object({ id: z.string().max(256), message: z.string().max(4096) }),
  })
  .superRefine((r, ctx) => {
    if (!known.has(r.model)) {
      ctx.addIssue({ code: "custom", path: ["model"], message: `unknown model '${r.model}' (known: ${[...known].join(", ")})` });
    }
    // flags2 is revision 2's: a file that says revision 1 (or none) and carries it was edited,
    // and a faultsim of before word 1 would read it as revision 1 and replay without word 1.
    if (r.flags2 !== undefined && (r.schemaVersion ?? 1) < 2) {
      ctx.addIssue({ code: "custom", path: ["flags2"], message: `a revision 2 field in a file of revision ${r.schemaVersion ?? 1}` });
    }
    // jiffySteps is revision 3's, for the same reason: an older faultsim would replay the
    // schedule on the model's own clock, where the OOM killer it recorded never acts.
    if (r.machine.jiffySteps !== undefined && (r.schemaVersion ?? 1) < 3) {
      ctx.addIssue({
        code: "custom",
        path: ["machine", "jiffySteps"],
        message: `a revision 3 field in a file of revision ${r.schemaVersion ?? 1}`,
      });
    }
    const flagsBad = flagsDisagree(r.flags, r.flags2 ?? 0, r.flagNames);
    if (flagsBad) ctx.addIssue({ code: "custom", path: ["flags"], message: flagsBad });
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
    if (steps.length > HUNT_LOGCAP) {
      ctx.addIssue({
        code: "custom",
        path: ["schedule"],
        message: `${steps.length} steps, more than a hunt's ${HUNT_LOGCAP}-step choice log`,
      });
    }
    for (let i = 0; i < steps.length; i++) {
      if (choiceAgent(steps[i]) >= agents) {
        ctx.addIssue({
          code: "custom",
          path: ["schedule"],
          message: `step ${i} names agent ${choiceAgent(steps[i]).toString(16)}, the machine has ${agents}`,
        });
        break;
      }
    }
  });
export type Repro = z.infer<typeof ReproSchema>;

/** Why the flag words and their names disagree, or "". */
function flagsDisagree(flags: number, flags2: number, names: readonly string[]): string {
  if ((flags & ~FLAG_BITS[0]) !== 0) return `flag word ${flags} sets bits no flag has (${(flags & ~FLAG_BITS[0]) >>> 0})`;
  if ((flags2 & ~FLAG_BITS[1]) !== 0) return `flags2 ${flags2} sets bits no flag has (${(flags2 & ~FLAG_BITS[1]) >>> 0})`;
  const unknown = names.find((n) => !FLAGS.some((f) => f.name === n));
  if (unknown !== undefined) return `flagNames names an unknown flag '${unknown}'`;
  const set = flagNamesOf(flags, flags2);
  const extra = names.filter((n) => !set.includes(n));
  const missing = set.filter((n) => !names.includes(n));
  if (extra.length || missing.length) {
    return (
      `flag word ${flags}${flags2 !== 0 ? ` (flags2 ${flags2})` : ""} does not agree with flagNames` +
      (extra.length ? `: it does not set ${extra.join(", ")}` : "") +
      (missing.length ? `${extra.length ? ";" : ":"} it sets ${missing.join(", ")}, which flagNames omits` : "")
    );
  }
  return "";
}

/** Why an op word cannot run on the machine (the model trusts its ops), or "". */
function badOp(op: number, m: ReproMachine): string {
  const k = opKind(op);
  if (k < OP.READ || k > OP.WPROTECT) return `op kind ${k} is unknown`;
  if (opMm(op) >= m.mms) return `op names mm${opMm(op)}, the machine has ${m.mms}`;
  if ((k === OP.READ || k === OP.WRITE) && opPage(op) >= m.pagesPerMm) return `op names page ${opPage(op)}, an mm has ${m.pagesPerMm}`;
  if (k === OP.FORK && opArg(op) >= m.mms) return `fork into mm${opArg(op)}, the machine has ${m.mms}`;
  if ((k === OP.SWAPOFF || k === OP.SWAPON) && opArg(op) >= m.areas) return `op names swap area ${opArg(op)}, the machine has ${m.areas}`;
  return "";
}

/** Parses and validates repro text (a leading BOM is allowed); ReproError naming the file (and the field) when
 *  it is not a good repro. Free text from the file comes back with its control characters made
 *  visible (text.ts). */
export function parseRepro(text: string, file = "repro file"): Repro {
  const where = safeText(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ReproError(`${where}: not valid JSON (truncated or corrupt)`, file);
  }
  if (typeof raw !== "object" || raw === null || (raw as { format?: unknown }).format !== REPRO_FORMAT) {
    throw new ReproError(`${where}: not a faultsim repro file`, file);
  }
  const v = (raw as { formatVersion?: unknown }).formatVersion;
  if (typeof v !== "number") {
    const got =
      v === undefined
        ? "it is missing"
        : `got ${typeof v === "string" ? `the string ${safeText(JSON.stringify(v.slice(0, 20)))}` : `a ${v === null ? "null" : typeof v}`}`;
    throw new ReproError(
      `${where}: formatVersion must be a number (this faultsim reads ${REPRO_FORMAT_VERSION}); ${got}`,
      file,
      "formatVersion",
    );
  }
  if (v !== REPRO_FORMAT_VERSION) {
    throw new ReproError(
      `${where}: repro format version ${v} is not supported (this faultsim reads ${REPRO_FORMAT_VERSION})`,
      file,
      "formatVersion",
    );
  }
  const sv = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (typeof sv === "number" && Number.isInteger(sv) && sv > REPRO_SCHEMA_VERSION) {
    throw new ReproError(
      `${where}: repro schema version ${sv} was written by a newer faultsim (this one reads up to ${REPRO_SCHEMA_VERSION})`,
      file,
      "schemaVersion",
    );
  }
  const parsed = ReproSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new ReproError(
      `${where}: corrupt repro file: ${safeText(at)}: ${safeText(issue.message)}`,
      file,
      issue.path.length ? issue.path.join(".") : undefined,
    );
  }
  const r = parsed.data;
  return {
    ...r,
    faultsim: safeText(r.faultsim),
    signature: safeText(r.signature),
    violation: { id: safeText(r.violation.id), message: safeText(r.violation.message) },
    ...(r.opsText ? { opsText: r.opsText.map(safeText) } : {}),
  };
}

/** Reads and validates a repro file. Only a regular file of at most REPRO_MAX_BYTES is read:
 *  a FIFO would block, a device (/dev/zero) never ends. */
export function loadRepro(file: string): Repro {
  const where = safeText(file);
  const bytes = readBounded(file, REPRO_MAX_BYTES, {
    cannot: (err) => new ReproError(`${where}: cannot read (${(err as { code?: string }).code ?? "unreadable"})`, file),
    notRegular: (kind) => new ReproError(`${where}: is ${kind}, not a repro file (replay reads regular files only)`, file),
    tooBig: () =>
      new ReproError(
        `${where}: larger than ${REPRO_MAX_BYTES / 2 ** 20} MiB, the most replay reads (a hunt writes repro files under 64 KiB)`,
        file,
      ),
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ReproError(`${where}: not valid UTF-8 text (corrupt, or not a repro file)`, file);
  }
  return parseRepro(text, file);
}
