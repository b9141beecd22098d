// The Replayer: an execution's choice log replays it exactly; a truncated or edited log is
// repaired run-to-completion; PCT's bound is the formula of the paper.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { SCHED, RUN, G, R, EV } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { Replayer, switchesOf, decisionsOf, picksOf, decisionKey } from "../../src/explore/execute.js";
import { huntConfig, HUNT_MACHINE, HUNT_LOGCAP } from "../../src/explore/machine.js";
import { huntOps, executionSeed } from "../../src/explore/workload.js";
import { pctBound, fmtPctBound } from "../../src/explore/pct.js";

const model = resolveModel("linux-2.4.16");
const machine = { ...HUNT_MACHINE };
const workload = { cpus: 2, opsPerCpu: 6, pagesPerMm: machine.pagesPerMm, mms: 1, shareMm: true, writeRatio: 0.5 };

/** The kernel's state: areas, mms, frames, swap map, ptes, shadows, and the globals before the
 *  scheduler's words (which differ between a scheduler and its replay by design). */
function kernelState(e: Engine): number[] {
  const I = e.I32;
  const g = e.region(R.GLOBALS) >> 2;
  return [...I.subarray(g, g + G.VIOL), ...I.subarray(e.region(R.AREAS) >> 2, e.region(R.OPS) >> 2)];
}

/** Runs execution i of a random hunt; returns its ops, seed, choice log and final state hash. */
function recorded(i: number) {
  const e = Engine.wasm();
  e.configure(huntConfig(machine, model, SCHED.RANDOM));
  const seed = executionSeed(7, i);
  const ops = huntOps(workload, seed);
  e.setSeed(seed);
  e.reset();
  e.loadOps(ops);
  const code = e.run(HUNT_LOGCAP);
  return { ops, seed, code, schedule: e.choiceLog(), state: kernelState(e) };
}

describe("Replayer", () => {
  it("replays a recorded execution exactly: same choices, same final state", async () => {
    const rep = await Replayer.create(machine, model);
    let switched = 0;
    for (let i = 0; i < 20; i++) {
      const x = recorded(i);
      expect(x.code).toBe(RUN.DONE);
      const out = rep.run(x, { repair: false });
      expect(out.code).toBe(RUN.DONE);
      expect(out.diverged).toBe(false);
      expect(Array.from(out.schedule)).toEqual(x.schedule);
      expect(kernelState(rep.e)).toEqual(x.state);
      if (switchesOf(x.schedule) > 2) switched++;
    }
    expect(switched).toBeGreaterThan(0); // the random scheduler did interleave the CPUs
  });

  it("runs a truncated schedule to completion from where it stops", async () => {
    const rep = await Replayer.create(machine, model);
    const x = recorded(3);
    const cut = x.schedule.slice(0, x.schedule.length >> 2);
    const out = rep.run({ ...x, schedule: cut });
    expect(out.code).toBe(RUN.DONE);
    expect(out.filledFrom).toBe(cut.length); // the replay says where its schedule ran out
    expect(rep.run(x).filledFrom).toBeUndefined(); // the whole schedule: nothing filled
    expect(rep.run({ ...x, schedule: cut }).schedule).toEqual(out.schedule);
    expect(Array.from(out.schedule.subarray(0, cut.length))).toEqual(cut);
    // After the cut: an agent keeps running while it can (run to completion).
    const tail = out.schedule.subarray(cut.length);
    expect(switchesOf(tail)).toBeLessThanOrEqual(switchesOf(x.schedule.slice(cut.length)));
    expect(rep.e.global(G.VIOL)).toBe(0);
  });

  it("counts preemptions: switches away from an agent that could have run on", async () => {
    const rep = await Replayer.create(machine, model);
    let some = 0;
    for (let i = 0; i < 10; i++) {
      const x = recorded(i);
      const p = rep.preemptions(x);
      for (const at of p) expect(x.schedule[at]).not.toBe(x.schedule[at - 1]); // each is a switch
      expect(p.length).toBeLessThanOrEqual(switchesOf(x.schedule));
      some += p.length;
      // Run to completion from the start: switches only where an agent blocked or finished.
      const rtc = rep.run({ ...x, schedule: [] });
      expect(rep.preemptions({ ...x, schedule: rtc.schedule })).toEqual([]);
    }
    expect(some).toBeGreaterThan(0);
  });

  it("counts the preemptions a replay one step at a time finds, also where the schedule diverges or the run ends early", async () => {
    const rep = await Replayer.create(machine, model);
    // The reference: the machine's runnable mask and last agent read before every step.
    const stepwise = (x: { ops: number[][]; seed: number; schedule: ArrayLike<number> }): number[] => {
      const e = rep.e;
      e.setSeed(x.seed);
      e.reset();
      e.loadChoices(Array.from(x.schedule));
      e.loadOps(x.ops);
      const out: number[] = [];
      for (let i = 0; i < x.schedule.length; i++) {
        const mask = e.global(G.RUNNABLE);
        const last = e.global(G.LAST_AGENT);
        if (last >= 0 && (x.schedule[i] & 15) !== last && ((mask >>> last) & 1) !== 0) out.push(i);
        if (e.run(1) !== RUN.LIMIT) break;
      }
      return out;
    };
    let cut = 0;
    for (let i = 0; i < 20; i++) {
      const x = recorded(i);
      expect(rep.preemptions(x)).toEqual(stepwise(x));
      // Edited: steps swapped (an agent that cannot run: the replay diverges), the schedule
      // doubled (the run ends before its log does).
      const s = [...x.schedule];
      for (let k = 3 + i; k + 1 < s.length; k += 7 + i) [s[k], s[k + 1]] = [s[k + 1], s[k]];
      const edited = { ...x, schedule: s };
      const p = stepwise(edited);
      if (p.length < stepwise(x).length) cut++;
      expect(rep.preemptions(edited)).toEqual(p);
      const doubled = { ...x, schedule: [...x.schedule, ...x.schedule.slice(0, 40).map((b) => (b + 1) & 1)] };
      expect(rep.preemptions(doubled)).toEqual(stepwise(doubled));
    }
    expect(cut).toBeGreaterThan(0); // some edited schedules did stop early
  });

  it("replays a schedule from its switch decisions and picks; without them it runs to completion", async () => {
    const rep = await Replayer.create(machine, model);
    for (let i = 0; i < 10; i++) {
      const x = recorded(i);
      const decisions = new Map(decisionsOf(x.schedule).map((d) => [d.key, d.agent]));
      // The steps' own picks too (the disk's choice among queued requests, sched_pick), as
      // the shrinker passes them: a decision names only which agent runs.
      expect(Array.from(rep.runDecisions(x.ops, x.seed, decisions, picksOf(x.schedule)).schedule)).toEqual(x.schedule);
      const rtc = rep.runDecisions(x.ops, x.seed, new Map());
      expect(rtc.code).toBe(RUN.DONE);
      expect(rep.preemptions({ ...x, schedule: rtc.schedule })).toEqual([]);
    }
  });

  it("runs a decision schedule as a step at a time would, each decision dropped in turn as the shrinker drops them", async () => {
    const rep = await Replayer.create(machine, model);
    // The reference: the choice made before every step, each step run alone (runDecisions
    // before it ran undecided steps together), and again handing the CPU on after a yield
    // where run to completion spun into the step bound.
    const stepwise = (x: { ops: number[][]; seed: number }, decisions: Map<number, number>, picks: Map<number, number>) => {
      const e = rep.e;
      const go = (onYield: boolean) => {
        e.setSeed(x.seed);
        e.reset();
        e.loadOps(x.ops);
        e.m.yield_take();
        const ran = new Int32Array(32);
        let code: number = RUN.LIMIT;
        let yieldedLast = false;
        let yielded = false;
        for (let i = 0; i < HUNT_LOGCAP && code === RUN.LIMIT; i++) {
          const mask = e.global(G.RUNNABLE);
          const last = e.global(G.LAST_AGENT);
          const d = decisions.get(decisionKey(last, last >= 0 ? ran[last] : 0));
          const decided = d !== undefined && ((mask >>> d) & 1) !== 0;
          const lowest = 31 - Math.clz32(mask & -mask);
          const above = last >= 0 ? mask & ~((2 << last) - 1) : 0;
          const next = above !== 0 ? 31 - Math.clz32(above & -above) : lowest;
          const rtc = last >= 0 && ((mask >>> last) & 1) !== 0 ? last : lowest;
          const pick: number = decided ? (d as number) : onYield && yieldedLast ? next : rtc;
          e.U8[e.region(R.LOG) + i] = pick | ((picks.get(decisionKey(pick, ran[pick])) ?? 0) << 4);
          e.m.replay_len(i + 1);
          code = e.run(1);
          ran[pick]++;
          yieldedLast = e.m.yield_take() === pick;
          if (yieldedLast && !decided) yielded = true;
        }
        return { code, yielded };
      };
      let r = go(false);
      if (r.code === RUN.LIMIT && r.yielded) r = go(true);
      return { code: r.code, schedule: Array.from(e.U8.subarray(e.region(R.LOG), e.region(R.LOG) + e.global(G.STEP))) };
    };
    let differ = 0;
    for (let i = 0; i < 10; i++) {
      const x = recorded(i);
      const all = decisionsOf(x.schedule);
      const picks = picksOf(x.schedule);
      for (let k = -1; k < all.length; k++) {
        const decisions = new Map(all.filter((_, j) => j !== k).map((d) => [d.key, d.agent]));
        const want = stepwise(x, decisions, picks);
        const got = rep.runDecisions(x.ops, x.seed, decisions, picks);
        expect(got.code).toBe(want.code);
        expect(Array.from(got.schedule)).toEqual(want.schedule);
        if (want.schedule.join() !== x.schedule.join()) differ++;
      }
    }
    expect(differ).toBeGreaterThan(0); // dropped decisions did change schedules
  });

  it("fills past a schedule's end without spinning on an agent that yields: the yielder hands the CPU on", async () => {
    // 3 pages on 3 usable frames: __alloc_pages finds no free page after reclaim and yields
    // ("yield for kswapd, and try again"); the page it waits for is freed by another agent
    // (the disk's write completing, kswapd). Execution 5 of hunt seed 3 under the random
    // scheduler ends cleanly; run to completion of its ops (an empty schedule, as the
    // shrinker hands over) kept the yielding CPU and ran into the step bound, a livelock
    // verdict no schedule of the kernel's has.
    const small = { ...machine, frames: 4, freeLow: 2, freeHigh: 3 };
    const w = { ...workload, cpus: 3, mms: 1 };
    const e = Engine.wasm();
    e.configure(huntConfig(small, model, SCHED.RANDOM));
    const seed = executionSeed(3, 5);
    const ops = huntOps(w, seed);
    e.setSeed(seed);
    e.reset();
    e.loadOps(ops);
    expect(e.run(HUNT_LOGCAP)).toBe(RUN.DONE);
    const recordedSchedule = e.choiceLog();
    const rep = await Replayer.create(small, model);
    const out = rep.run({ ops, seed, schedule: [] }, { trace: true });
    expect(out.verdict).toBeUndefined();
    expect(out.code).toBe(RUN.DONE);
    expect(out.schedule.length).toBeLessThan(HUNT_LOGCAP);
    // It did yield, and each switch away from an agent that could run on follows its yield.
    const yields = (out.records ?? []).filter((r) => r.event === EV.ALLOC_YIELD);
    expect(yields.length).toBeGreaterThan(0);
    expect(rep.preemptions({ ops, seed, schedule: out.schedule }).length).toBeLessThanOrEqual(yields.length);
    // Deterministic, and the same as the decision replayer's run to completion.
    expect(Array.from(rep.run({ ops, seed, schedule: [] }).schedule)).toEqual(Array.from(out.schedule));
    expect(Array.from(rep.runDecisions(ops, seed, new Map()).schedule)).toEqual(Array.from(out.schedule));
    // A cut of the recorded schedule is filled the same way: its steps kept, then an end.
    const cut = recordedSchedule.slice(0, 40);
    const tail = rep.run({ ops, seed, schedule: cut });
    expect(tail.code).toBe(RUN.DONE);
    expect(Array.from(tail.schedule.subarray(0, cut.length))).toEqual(cut);
    expect(tail.diverged).toBe(false);
  });

  it("without repair, reports a schedule naming an agent that cannot run as diverged", async () => {
    const rep = await Replayer.create(machine, model);
    const x = recorded(5);
    // CPU0 has finished all its ops at the end; give it more steps than it can take.
    const bad = [...x.schedule.filter((a) => a !== 1), ...Array(50).fill(0)];
    const out = rep.run({ ...x, schedule: bad }, { repair: false });
    expect(out.code).toBe(RUN.DIVERGED);
    const fixed = rep.run({ ...x, schedule: bad });
    expect(fixed.code).toBe(RUN.DONE);
    expect(fixed.diverged).toBe(true);
  });
});

describe("PCT bound", () => {
  it("is 1/(n·k^(d-1))", () => {
    expect(pctBound(3, 100, 3).perExecution).toBeCloseTo(1 / 30000, 12);
    expect(pctBound(2, 50, 1).perExecution).toBe(1 / 2);
    expect(pctBound(4, 10, 2).executionsFor63).toBe(40);
    expect(fmtPctBound(pctBound(3, 120, 3))).toMatch(/^1\/\(3·120\^2\) = 2\.31e-5 per execution/);
  });
});
