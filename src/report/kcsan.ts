// A finding as the kernel's race detector prints one (Documentation/dev-tools/kcsan.rst):
//
//   ==================================================================
//   BUG: KCSAN: data-race in read_swap_cache_async / try_to_swap_out
//
//   write to the swap cache of E0:3 by task kswapd:
//    add_to_swap_cache [section 2]
//    try_to_swap_out [section 5]
//    ...
//
//   write to the swap cache of E0:3 by task mm0 on cpu 1:
//    add_to_swap_cache [section 2]
//    read_swap_cache_async [section 4]
//    ...
//
//   value changed: 1 -> 2 (pages in the swap cache for E0:3)
//
//   Reported by faultsim on:
//   ...
//   ==================================================================
//
// The two sides are read from the traced replay: the access that broke the invariant (the
// section the violating agent ran last, or for a violation found at rest the last section
// naming the violation's entry, page or virtual page) and the latest access to the same
// object by another agent before it. Each side's stack is the model's call frames, rebuilt
// from the trace (src/explore/route.ts callStacks), innermost first as the kernel prints them;
// a frame's [section n] is the atomic section of that procedure it was in. When no other
// agent touched the object, the report is KCSAN's "race at unknown origin" form.
import { OP, opKind, opMm, PROC_NAMES } from "../wasm/abi.js";
import { callStacks } from "../explore/route.js";
import { describeEvent, type PrintkRelease } from "./events/index.js";
import { fmtEntry, fmtVpageWord } from "./events/types.js";
import { EV, type TraceRecord } from "./trace.js";
import { oomNoMmAt } from "../races/oom-route.js";
import { type DiagramViolation, fmtOp } from "./diagram.js";

export interface KcsanInput {
  records: readonly TraceRecord[];
  cpus: number;
  violation: DiagramViolation;
  /** Model name and machine, for the "Reported by" lines. */
  reportedOn?: string;
  /** Whose printk wording the events take where releases differ (default 2.4.16's). */
  release?: PrintkRelease;
}

/** One side of the race: the trace record of its access and the agent's stack then. */
export interface KcsanSide {
  at: number;
  agent: number;
  /** Procedure names, innermost first, each with the section it was in. */
  frames: { proc: string; pc: number }[];
  access: "read" | "write";
}

/** What the report is about, computed from the trace (the text renders it). */
export interface KcsanReport {
  /** The two functions of the header (one for a race of unknown origin), as KCSAN sorts them. */
  functions: string[];
  object: string;
  sides: KcsanSide[];
  /** The object's value before and after the racing access, when the trace tells it. */
  value?: { before: number; after: number; what: string };
}

const RULE = "=".repeat(66);
const procName = (p: number): string => PROC_NAMES[p] ?? `proc${p}`;

/** The entries, pages and virtual pages a violation message names. */
export function objectTokens(message: string): string[] {
  const out = new Set<string>();
  for (const m of message.matchAll(/\bE\d+:\d+|\bmm\d+\[\d+\]|\bpages? \d+(?: and \d+)?/g)) {
    if (m[0].startsWith("page")) for (const n of m[0].matchAll(/\d+/g)) out.add(`page ${n[0]}`);
    else out.add(m[0]);
  }
  return [...out];
}

const escapeBrackets = (s: string): string => s.replace(/[[\]]/g, "\\$&");
/** A token in wording and nothing longer ("E0:3" not "E0:31" nor "E0:3:1", "page 4" not
 *  "page 41"). A colon after it is punctuation: try_to_unuse's "mm0[1]: E0:1 → page 4" (its
 *  unuse_pte, the write of a swapoff's mapping) names mm0[1]. */
const tokenRe = (t: string): RegExp => new RegExp(`(^|[^\\w:])${escapeBrackets(t)}(?!\\w|:\\w)`);

/** Events that only look at state: the side that traced one read the object. */
const READS = new Set<number>([
  EV.LOOKUP_HIT,
  EV.LOOKUP_MISS,
  EV.READ,
  EV.DATA_LOST,
  EV.FAULT,
  EV.SWAP_HIT,
  EV.SWAP_MISS,
  EV.VALID_HANDLES,
  EV.SWAP_DUP_CHECKED,
  EV.READAHEAD,
  EV.CAN_SHARE,
]);

/** Events that put a new page, swap entry or none in a pte (a write of the virtual page's
 *  mapping that changes it). A data loss's other side is the last of these on another agent:
 *  where the wrong page came from (e.g. try_to_unuse's unuse_pte mapping a stale page), not a
 *  later section that only looked at the pte or put back what it held (try_to_swap_out's
 *  restore with no swap space, an aging of the young bit): KCSAN, too, skips a write that
 *  leaves the value as it was (CONFIG_KCSAN_REPORT_VALUE_CHANGE_ONLY). */
const PTE_CHANGES = new Set<number>([
  EV.ZERO_MAP,
  EV.ANON_MAP,
  EV.SWAP_MAP,
  EV.WP_COPY,
  EV.UNUSE_PTE,
  EV.TSO_SWAP_PTE,
  EV.TSO_DROP,
  EV.ZAP_PAGE,
  EV.ZAP_SWAP,
  EV.COPY_EMPTY,
]);

/** PTE_CHANGES and try_to_swap_out's clear of a pte (ptep_get_and_clear) before it has a
 *  swap pte to put there: none until then. A reader at rest sees no such clear (the swap pte
 *  or the restored page follows it), but 2.4.0's copy_page_range, under no page_table_lock,
 *  can read the pte in between: the origin of a child's pte copied as none. */
const PTE_CLEARS = new Set<number>([...PTE_CHANGES, EV.TSO_UNMAP, EV.TSO_DUP]);

/** Builds the report's content from a traced execution that ended in `violation`. */
export function kcsanReport(input: KcsanInput): KcsanReport {
  const { records, violation } = input;
  const stacks = callStacks(records);
  const texts = records.map((r) =>
    r.event === EV.SECTION || r.event === EV.OP_START || r.event === EV.OP_END
      ? ""
      : describeEvent(r.event, r.a, r.b, r.c, undefined, { release: input.release ?? "2.4.16", proc: r.proc }),
  );
  const tokens = objectTokens(violation.message);
  const res = tokens.map(tokenRe);
  const names = (i: number) => res.some((re) => re.test(texts[i]));
  const lastIndex = (before: number, pred: (i: number) => boolean): number => {
    for (let i = before - 1; i >= 0; i--) if (pred(i)) return i;
    return -1;
  };

  let thisAt: number;
  let otherAt: number;
  let object = tokens[0] ?? "the machine";
  let value: KcsanReport["value"];
  let readAt = -1; // a side that read the object, though its event wrote something else
  const dup = violation.id === "swapcache-unique" ? lastIndex(records.length, (i) => records[i].event === EV.ADD && records[i].c >= 2) : -1;
  const noMm = violation.agent >= 0 ? oomNoMmAt(records, violation.agent) : undefined;
  if (noMm) {
    // oom_kill's loop read the chosen task's ->mm as NULL: the other side is that process's
    // exit_mm, which wrote it (src/races/oom-route.ts).
    thisAt = noMm.looped;
    readAt = noMm.looped;
    otherAt = noMm.exit;
    object = `the ->mm of mm${records[noMm.looped].a}'s chosen task`;
  } else if (dup >= 0) {
    // Two adds of pages for one entry: both sides are add_to_swap_cache.
    const E = records[dup].b;
    thisAt = dup;
    otherAt = lastIndex(dup, (i) => records[i].event === EV.ADD && records[i].b === E && records[i].agent !== records[dup].agent);
    object = `the swap cache of ${fmtEntry(E)}`;
    value = { before: records[dup].c - 1, after: records[dup].c, what: `pages in the swap cache for ${fmtEntry(E)}` };
  } else {
    const v = violation.agent;
    // The violating agent's last section that named the object (else its last section), or
    // for a violation at rest the last section anyone ran that named it.
    const named = v >= 0 ? lastIndex(records.length, (i) => records[i].agent === v && names(i)) : -1;
    thisAt = v < 0 ? lastIndex(records.length, names) : named >= 0 ? named : lastIndex(records.length, (i) => records[i].agent === v);
    const thisAgent = thisAt >= 0 ? records[thisAt].agent : v;
    const other = (i: number) => records[i].agent !== thisAgent && names(i);
    // A data loss: the other agent's last change of the virtual page's pte (the origin of the
    // wrong page), else its last section naming the object.
    const vres = tokens.filter((t) => t.startsWith("mm")).map(tokenRe);
    const changedPte = (i: number) => other(i) && PTE_CHANGES.has(records[i].event) && vres.some((re) => re.test(texts[i]));
    const lost = thisAt >= 0 && violation.id === "data-lost" && vres.length > 0;
    let origin = -1;
    // A child's pte that 2.4.0's copy_page_range copied as none: the race is on the
    // parent's pte, which another agent (try_to_swap_out) had cleared when the copy read it
    // (not an earlier change of the child's pte, which may be the mm's previous process's).
    if (lost && records[thisAt].event === EV.COPY_EMPTY) {
      const parentPte = fmtVpageWord(records[thisAt].b);
      const parent = tokenRe(parentPte);
      origin = lastIndex(thisAt, (i) => records[i].agent !== thisAgent && PTE_CLEARS.has(records[i].event) && parent.test(texts[i]));
      if (origin >= 0) {
        object = parentPte;
        readAt = thisAt;
      }
    }
    if (lost && origin < 0) origin = lastIndex(thisAt, changedPte);
    otherAt = thisAt < 0 ? -1 : origin >= 0 ? origin : lastIndex(thisAt, other);
    if (object.startsWith("E")) object = `swap_map[${object}]`;
    value = thisAt >= 0 ? valueChange(records, thisAt, tokens) : undefined;
  }
  const sides = [otherAt, thisAt].filter((i) => i >= 0).map((i) => side(records, stacks, i, i === readAt));
  return { functions: headerFunctions(sides), object, sides, ...(value ? { value } : {}) };
}

/** One side: its access and its stack, innermost first, each frame with the section it was in
 *  (the frame's last section this agent ran at or before the access). */
function side(records: readonly TraceRecord[], stacks: (readonly number[])[], at: number, read = false): KcsanSide {
  const r = records[at];
  const stack = stacks[at];
  const frames = [...stack].reverse().map((p) => {
    let pc = -1;
    for (let i = at; i >= 0 && pc < 0; i--) if (records[i].agent === r.agent && records[i].proc === p) pc = records[i].pc;
    return { proc: procName(p), pc };
  });
  if (frames.length === 0) frames.push({ proc: procName(r.proc), pc: r.pc });
  return { at, agent: r.agent, frames, access: read || READS.has(r.event) ? "read" : "write" };
}

/** KCSAN names each side by its function; when both are the same function (two adds to the
 *  swap cache), by the first frame where the stacks differ: the callers. Sorted by name. */
function headerFunctions(sides: readonly KcsanSide[]): string[] {
  if (sides.length < 2) return sides.map((s) => s.frames[0].proc);
  const [a, b] = sides.map((s) => s.frames.map((f) => f.proc));
  let k = 0;
  while (k < a.length - 1 && k < b.length - 1 && a[k] === b[k]) k++;
  return [a[k], b[k]].sort();
}

/** The swap_map count or the data value the racing access changed, from the counts the
 *  trace's events carry (swapfile.ts: swap_free, swap_duplicate, free_swap_and_cache, ...). */
function valueChange(records: readonly TraceRecord[], at: number, tokens: readonly string[]): KcsanReport["value"] | undefined {
  const r = records[at];
  if (r.event === EV.DATA_LOST) {
    return { before: r.c, after: r.b, what: `${tokens.find((t) => t.startsWith("mm")) ?? "the page"}: last written, then read` };
  }
  const entry = tokens.find((t) => t.startsWith("E"));
  if (!entry) return undefined;
  const countAfter = (x: TraceRecord): number | undefined => {
    if (fmtEntry(x.a) !== entry) return undefined;
    switch (x.event) {
      case EV.SWAP_FREE:
      case EV.FREE_SWAP:
      case EV.SWAP_DUP:
      case EV.SWAP_DUP_CHECKED:
        return x.b;
      case EV.BAD_ENTRY:
        return x.c;
      case EV.GET_SWAP_PAGE:
        return 1;
      case EV.UNUSE_CLEARED:
        return 0;
    }
    return undefined;
  };
  // The count after the racing section, and the last count known before it.
  let after: number | undefined;
  for (let i = at; i < records.length && records[i].step === r.step && records[i].agent === r.agent; i++)
    after = countAfter(records[i]) ?? after;
  let before: number | undefined;
  for (let i = at - 1; i >= 0 && before === undefined; i--) {
    if (records[i].step !== r.step || records[i].agent !== r.agent) before = countAfter(records[i]);
  }
  if (after === undefined || before === undefined) return undefined;
  return { before, after, what: `swap_map[${entry}]` };
}

/** "by task mm0 on cpu 1": a CPU runs one task's ops (named by the mm of the op it was
 *  running, or by the op when it names no mm: "task on cpu 1 (swapoff area 0)"); kswapd is a task of its own; the disk completes I/O from its interrupt. */
function agentWords(records: readonly TraceRecord[], at: number, cpus: number): string {
  const agent = records[at].agent;
  if (agent === cpus) return "interrupt (disk completion)";
  if (agent > cpus) return "task kswapd";
  for (let i = at; i >= 0; i--) {
    if (records[i].agent !== agent || records[i].event !== EV.OP_START) continue;
    const op = records[i].a;
    // swapoff and swapon name an area, not an mm: the op says what the task was doing.
    const noMm = opKind(op) === OP.SWAPOFF || opKind(op) === OP.SWAPON;
    return noMm ? `task on cpu ${agent} (${fmtOp(op)})` : `task mm${opMm(op)} on cpu ${agent}`;
  }
  return `task on cpu ${agent}`;
}

/** The report as text (no trailing newline). */
export function renderKcsan(input: KcsanInput): string {
  const rep = kcsanReport(input);
  const v = input.violation;
  const out = [RULE, `BUG: KCSAN: data-race in ${rep.functions.join(" / ")}`, ""];
  rep.sides.forEach((s) => {
    const access = `${s.access} to ${rep.object} by ${agentWords(input.records, s.at, input.cpus)}:`;
    out.push(rep.sides.length === 1 ? `race at unknown origin, with ${access}` : access);
    for (const f of s.frames) out.push(` ${f.proc}${f.pc >= 0 ? ` [section ${f.pc}]` : ""}`);
    out.push("");
  });
  if (rep.value) {
    const { before, after, what } = rep.value;
    out.push(before === after ? `value unchanged: ${before} (${what})` : `value changed: ${before} -> ${after} (${what})`, "");
  }
  out.push("Reported by faultsim on:");
  if (input.reportedOn) out.push(input.reportedOn);
  out.push(`${v.id}: ${v.message}${v.agent >= 0 || v.id === "livelock" ? "" : " (found by the deep check at rest)"}`, RULE);
  return out.join("\n");
}
