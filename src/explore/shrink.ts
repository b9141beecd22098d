// Shrinking a failing execution: fewer ops, fewer CPUs, fewer context switches, always with
// the same violation signature. Every candidate is run by the Replayer (its schedule repaired
// run-to-completion where an edit left it short or inconsistent), and only a candidate that
// reproduces the signature and is smaller — (ops, preemptions, steps) compared in that order;
// a preemption is a switch away from an agent that could have run on — replaces the current
// one. So the result is never longer than the input.
import { EV } from "../report/trace.js";
import type { ReproMachine } from "../report/repro.js";
import { type Replayer, type ReplayOutcome, decisionsOf, picksOf, type Execution, type Verdict } from "./execute.js";
import { stillLivelocked } from "./livelock.js";
import { OP, RUN, choiceAgent, opArg, opKind, opMm, opPage } from "../wasm/abi.js";

export interface ShrinkCase {
  machine: ReproMachine;
  ops: number[][];
  seed: number;
  schedule: Uint8Array;
}

export interface ShrinkResult extends ShrinkCase {
  verdict: Verdict;
  /** Candidates run, and how many were kept. */
  tried: number;
  kept: number;
  /** What ended it: nothing smaller left to try, the candidate bound, or the clock. Only
   *  "clock" makes the result depend on the machine's speed (the hunt says so). */
  stoppedBy: "fixpoint" | "candidates" | "clock" | "signal";
}

export interface ShrinkOptions {
  /** Wall-clock budget (the result so far is returned when it runs out). */
  budgetMs?: number;
  /** Upper bound on candidates run. */
  maxCandidates?: number;
  /** Stops the shrink (SIGINT, SIGTERM): the smallest case so far is returned. The shrink
   *  lets the event loop run every few ms so that a signal handler can abort it. */
  signal?: AbortSignal;
  /** Shrink the machine too (a --swarm finding: its shape was drawn, not asked for): fewer
   *  frames, slots, pages, mms and areas, a smaller readahead window, no kswapd. */
  shape?: boolean;
}

type Size = [ops: number, preemptions: number, steps: number];
function smaller(a: Size, b: Size): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

class Shrinker {
  tried = 0;
  kept = 0;
  private readonly deadline: number;
  private readonly maxCandidates: number;

  size: Size;

  constructor(
    public rep: Replayer,
    public cur: ShrinkCase,
    public verdict: Verdict,
    opts: ShrinkOptions,
  ) {
    this.deadline = Date.now() + (opts.budgetMs ?? 5000);
    this.maxCandidates = opts.maxCandidates ?? 20000;
    this.signal = opts.signal;
    this.size = this.sizeOf(cur);
  }

  /** Set when a bound ended the search (the clock only when the candidates had not). */
  stoppedBy: ShrinkResult["stoppedBy"] = "fixpoint";

  private readonly signal: AbortSignal | undefined;
  private lastYield = Date.now();

  /** Lets the event loop run (a signal handler) when 20 ms passed since it last did. */
  async tick(): Promise<void> {
    if (!this.signal || Date.now() - this.lastYield < 20) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = Date.now();
  }

  get exhausted(): boolean {
    if (this.signal?.aborted) this.stoppedBy = "signal";
    else if (this.tried >= this.maxCandidates) this.stoppedBy = "candidates";
    else if (Date.now() >= this.deadline) this.stoppedBy = "clock";
    else return false;
    return true;
  }

  /** Runs a candidate; keeps it (with its executed schedule) when it reproduces and is smaller. */
  attempt(ops: number[][], schedule: ArrayLike<number>): boolean {
    if (this.exhausted) return false;
    this.tried++;
    const x: Execution = { ops, seed: this.cur.seed, schedule };
    const out = this.rep.run(x);
    if (!this.reproduces(this.rep, out)) return false;
    const next: ShrinkCase = { machine: this.cur.machine, ops, seed: this.cur.seed, schedule: out.schedule };
    const size = this.sizeOf(next);
    if (!smaller(size, this.size)) return false;
    this.accept(next, out.verdict, size);
    return true;
  }

  /** Whether a candidate's run (on rep, just run) met the signature sought. A livelock must
   *  also not end when run on from the bound with a uniform choice at every step: a schedule
   *  that only starves an agent (a CPU ranked last while two others take a lock in turn) is
   *  none, and shrinking toward one drew a starvation (livelock.ts). */
  reproduces(rep: Replayer, out: ReplayOutcome): out is ReplayOutcome & { verdict: Verdict } {
    if (out.verdict?.signature !== this.verdict.signature) return false;
    return out.code !== RUN.LIMIT || stillLivelocked(rep.e);
  }

  accept(c: ShrinkCase, v: Verdict, size = this.sizeOf(c)): void {
    this.cur = c;
    this.verdict = v;
    this.size = size;
    this.kept++;
  }

  sizeOf(c: ShrinkCase): Size {
    return [c.ops.reduce((n, o) => n + o.length, 0), this.rep.preemptions(c).length, c.schedule.length];
  }

  /** For each step of the current schedule, the index of the op its CPU was running (-1: not a CPU).
   *  Kept while the current case is: dropOps asks once per op it tries to delete, and most
   *  tries keep nothing (a traced replay each, on the traced build the search never warmed up:
   *  a fifth of the default hunt's shrink). */
  stepOps(): Int32Array {
    const c = this.cur;
    if (this.stepMap?.of === c && this.stepMap.rep === this.rep) return this.stepMap.map;
    const map = this.traceStepOps(c);
    this.stepMap = { of: c, rep: this.rep, map };
    return map;
  }
  private stepMap: { of: ShrinkCase; rep: Replayer; map: Int32Array } | undefined;

  private traceStepOps(c: ShrinkCase): Int32Array {
    // The op starts are trace records: the traced twin of the untraced replayer a hunt shrinks with.
    const out = this.rep.traced().run({ ops: c.ops, seed: c.seed, schedule: c.schedule }, { trace: true, repair: false });
    const starts: number[][] = c.ops.map(() => []);
    for (const r of out.records ?? []) if (r.event === EV.OP_START && r.agent < c.machine.cpus) starts[r.agent].push(r.step);
    const map = new Int32Array(c.schedule.length).fill(-1);
    const seen = new Int32Array(c.machine.cpus);
    for (let s = 0; s < c.schedule.length; s++) {
      const a = choiceAgent(c.schedule[s]);
      if (a >= c.machine.cpus) continue;
      while (seen[a] < starts[a].length && starts[a][seen[a]] <= s) seen[a]++;
      map[s] = seen[a] - 1;
    }
    return map;
  }

  /** Deletes ops, last first; the deleted op's steps leave the schedule with it. */
  async dropOps(): Promise<boolean> {
    let progress = false;
    for (let cpu = 0; cpu < this.cur.ops.length && !this.exhausted; cpu++) {
      await this.tick();
      // The whole CPU at once first: often the quickest win.
      if (this.cur.ops[cpu].length > 0) {
        const ops = this.cur.ops.map((o, c) => (c === cpu ? [] : o));
        if (
          this.attempt(
            ops,
            this.cur.schedule.filter((a) => choiceAgent(a) !== cpu),
          )
        ) {
          progress = true;
          continue;
        }
      }
      for (let j = this.cur.ops[cpu].length - 1; j >= 0 && !this.exhausted; j--) {
        await this.tick();
        if (this.exhausted) break;
        const map = this.stepOps();
        const ops = this.cur.ops.map((o, c) => (c === cpu ? o.filter((_, k) => k !== j) : o));
        const sched = this.cur.schedule.filter((a, s) => !(choiceAgent(a) === cpu && map[s] === j));
        if (this.attempt(ops, sched) || this.attempt(ops, this.cur.schedule)) progress = true;
      }
    }
    return progress;
  }

  /** Fewer preemptions, one at a time: the schedule as its switch decisions ("after CPU0's
   *  12th step, CPU1 runs"), less one preemption, the other decisions kept. */
  async dropPreemptions(): Promise<boolean> {
    let progress = false;
    for (let again = true; again && !this.exhausted; ) {
      again = false;
      const all = decisionsOf(this.cur.schedule);
      const picks = picksOf(this.cur.schedule);
      const decisions = new Map(all.map((d) => [d.key, d.agent]));
      const pre = new Set(this.rep.preemptions(this.cur));
      const candidates = all.filter((d) => pre.has(d.step));
      for (let k = candidates.length - 1; k >= 0 && !this.exhausted; k--) {
        await this.tick();
        if (this.exhausted) break;
        const without = new Map(decisions);
        without.delete(candidates[k].key);
        this.tried++;
        const out = this.rep.runDecisions(this.cur.ops, this.cur.seed, without, picks);
        if (!this.reproduces(this.rep, out)) continue;
        const next: ShrinkCase = { ...this.cur, schedule: out.schedule };
        const size = this.sizeOf(next);
        if (!smaller(size, this.size)) continue;
        this.accept(next, out.verdict, size);
        again = progress = true;
        break;
      }
    }
    return progress;
  }

  /** Fewer preemptions: run to completion from an early preemption on, then move single
   *  segments to join the agent's next (or previous) segment. */
  async fewerSwitches(): Promise<boolean> {
    let progress = false;
    const s = this.cur.schedule;
    for (const i of this.rep.preemptions(this.cur)) {
      await this.tick();
      if (this.exhausted) break;
      if (this.attempt(this.cur.ops, s.slice(0, i))) {
        progress = true;
        break;
      }
    }
    for (let again = true; again && !this.exhausted; ) {
      again = false;
      const segs = segments(this.cur.schedule);
      for (let j = 0; j < segs.length && !again && !this.exhausted; j++) {
        await this.tick();
        if (this.exhausted) break;
        for (const to of [nextOf(segs, j), prevOf(segs, j)]) {
          if (to < 0) continue;
          if (this.attempt(this.cur.ops, moveSegment(segs, j, to))) {
            again = progress = true;
            break;
          }
        }
      }
    }
    return progress;
  }
}

interface Segment {
  agent: number;
  from: number;
  len: number;
  steps: Uint8Array;
}
function segments(s: Uint8Array): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i + 1;
    while (j < s.length && choiceAgent(s[j]) === choiceAgent(s[i])) j++;
    out.push({ agent: choiceAgent(s[i]), from: i, len: j - i, steps: s.subarray(i, j) });
    i = j;
  }
  return out;
}
const nextOf = (segs: Segment[], j: number): number => segs.findIndex((g, k) => k > j + 1 && g.agent === segs[j].agent);
function prevOf(segs: Segment[], j: number): number {
  for (let k = j - 2; k >= 0; k--) if (segs[k].agent === segs[j].agent) return k;
  return -1;
}

/** The schedule with segment j moved to sit beside segment `to` of the same agent. */
function moveSegment(segs: Segment[], j: number, to: number): Uint8Array {
  const order = segs.map((_, k) => k).filter((k) => k !== j);
  const at = order.indexOf(to);
  // Later: before the agent's next segment; earlier: after its previous one.
  order.splice(to > j ? at : at + 1, 0, j);
  const out = new Uint8Array(segs.reduce((n, g) => n + g.len, 0));
  let p = 0;
  for (const k of order) {
    out.set(segs[k].steps, p);
    p += segs[k].len;
  }
  return out;
}

/** Drops CPUs left without ops, renumbering the agents above them in the schedule. */
function dropIdleCpus(c: ShrinkCase): ShrinkCase | undefined {
  const idle = c.ops.map((o, cpu) => (o.length === 0 ? cpu : -1)).filter((cpu) => cpu >= 0);
  if (idle.length === 0 || idle.length === c.machine.cpus) return undefined;
  // Agents above a dropped CPU move down; a step's own pick (high bits) stays with its step.
  const remap = (b: number) => b - idle.filter((cpu) => cpu < choiceAgent(b)).length;
  return {
    machine: { ...c.machine, cpus: c.machine.cpus - idle.length },
    ops: c.ops.filter((o) => o.length > 0),
    seed: c.seed,
    schedule: Uint8Array.from(
      Array.from(c.schedule)
        .filter((b) => !idle.includes(choiceAgent(b)))
        .map(remap),
    ),
  };
}

/** Shrinks a failing execution; `verdict` is its violation as first found. */
export async function shrink(rep: Replayer, input: ShrinkCase, verdict: Verdict, opts: ShrinkOptions = {}): Promise<ShrinkResult> {
  const sh = new Shrinker(rep, { ...input, ops: input.ops.map((o) => [...o]) }, verdict, opts);
  for (let round = 0; round < 20 && !sh.exhausted; round++) {
    let progress = await sh.dropOps();
    const fewer = dropIdleCpus(sh.cur);
    if (fewer) {
      // A smaller machine: keep it only if the violation survives the renumbering.
      const small = await sh.rep.resized(fewer.machine);
      const out = small.run(fewer);
      if (sh.reproduces(small, out)) {
        sh.rep = small;
        sh.accept({ ...fewer, schedule: out.schedule }, out.verdict);
        progress = true;
      }
    }
    if (opts.shape && (await shrinkShape(sh))) progress = true;
    if (await sh.dropPreemptions()) progress = true;
    if (await sh.fewerSwitches()) progress = true;
    if (!progress) break;
  }
  return { ...sh.cur, verdict: sh.verdict, tried: sh.tried, kept: sh.kept, stoppedBy: sh.stoppedBy };
}

/** Whether two machines are the same (every field). */
export function sameMachine(a: ReproMachine, b: ReproMachine): boolean {
  const ka = Object.keys(a) as (keyof ReproMachine)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The machine with `frames` frames, its watermarks clipped as the hunt clips them. */
function withFrames(m: ReproMachine, frames: number): ReproMachine {
  return {
    ...m,
    frames,
    freeMin: Math.min(m.freeMin, frames - 2),
    freeLow: Math.min(m.freeLow, frames - 2),
    freeHigh: Math.min(m.freeHigh, frames - 1),
  };
}

/** The smallest mms, pages and areas the ops name (a fork's child is an mm; a range's pages
 *  past its first are clamped by the model, so only its first must stay). */
function opsNeed(ops: number[][]): { mms: number; pages: number; areas: number } {
  let mms = 1,
    pages = 1,
    areas = 1;
  for (const op of ops.flat()) {
    const k = opKind(op);
    mms = Math.max(mms, opMm(op) + 1, k === OP.FORK ? opArg(op) + 1 : 0);
    if (k === OP.SWAPOFF || k === OP.SWAPON) areas = Math.max(areas, opArg(op) + 1);
    else pages = Math.max(pages, opPage(op) + 1);
  }
  return { mms, pages, areas };
}

/** One step smaller in one dimension of the machine: the candidates, each with the schedule
 *  it is tried with (kswapd's steps leave with it). */
function shapeCandidates(c: ShrinkCase): { machine: ReproMachine; schedule: Uint8Array }[] {
  const m = c.machine;
  const need = opsNeed(c.ops);
  const out: { machine: ReproMachine; schedule: Uint8Array }[] = [];
  const same = (machine: ReproMachine) => out.push({ machine, schedule: c.schedule });
  if (m.kswapd) {
    const kswapd = m.cpus + 1; // agents: the CPUs, the disk, kswapd
    out.push({ machine: { ...m, kswapd: false }, schedule: c.schedule.filter((b) => choiceAgent(b) !== kswapd) });
  }
  if (m.areas > need.areas) same({ ...m, areas: need.areas });
  if (m.mms > need.mms) same({ ...m, mms: need.mms });
  if (m.pagesPerMm > need.pages) same({ ...m, pagesPerMm: need.pages });
  if (m.frames > 4) same(withFrames(m, m.frames - 1));
  if (m.slotsPerArea > 2) same({ ...m, slotsPerArea: m.slotsPerArea - 1 });
  if (m.pageCluster > 0) same({ ...m, pageCluster: m.pageCluster - 1 });
  return out;
}

/** Shrinks the machine, a dimension at a time, while the violation stays and the case gets
 *  no more ops or preemptions (its steps may grow: a smaller machine is the simpler story). */
async function shrinkShape(sh: Shrinker): Promise<boolean> {
  let progress = false;
  for (let again = true; again && !sh.exhausted; ) {
    again = false;
    for (const cand of shapeCandidates(sh.cur)) {
      await sh.tick();
      if (sh.exhausted) break;
      sh.tried++;
      const small = await sh.rep.resized(cand.machine);
      const x = { ops: sh.cur.ops, seed: sh.cur.seed, schedule: cand.schedule };
      const out = small.run(x);
      if (!sh.reproduces(small, out)) continue;
      const next: ShrinkCase = { machine: cand.machine, ops: sh.cur.ops, seed: sh.cur.seed, schedule: out.schedule };
      const size: Size = [sh.size[0], small.preemptions(next).length, next.schedule.length];
      if (size[1] > sh.size[1]) continue;
      sh.rep = small;
      sh.accept(next, out.verdict, size);
      again = progress = true;
      break;
    }
  }
  return progress;
}
