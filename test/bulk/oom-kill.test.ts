// The OOM killer (flag oom-kill, linux-2.4.16; assembly/mm/oom_kill.ts): 2.4.16's
// try_to_free_pages calls out_of_memory when it falls short at every priority; with no swap
// left, out_of_memory counts the failures and kills once they have gone on for a second (the
// model's clock: a jiffy is 16,384 steps, HZ = 100) and numbered ten, then starts counting
// again. Its victim's exit frees pages and slots, so a machine whose swap cannot take a page
// gets out of the crawl test/bulk/stall.test.ts measures with the killer off. Watched between
// chunks of 1,024 steps through runBulk's onInterval, which does not change the run.
import { describe, it, expect } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { G, MM, MM_WORDS, R } from "../../src/wasm/abi.js";
import { runBulk, type BulkResult } from "../../src/bulk/run.js";
import { run } from "../../src/index.js";
import { bulkSetupOf } from "../../src/cli.js";
import { runSettings } from "../helpers/cli.js";

const JIFFY = 1 << 14;
const HZ = 100;
const EVERY = 1024;

/** Swap too small for the workload, no forks or exits of its own: every exit is a kill's. */
const SWAP_FULL =
  "--cpus 4 --frames 512 --pages 512 --mms 4 --slots 512 --pattern uniform --ops 4000 --swapoff-rate 0 --fork-rate 0 --exit-rate 0";
/** A swapoff without room (test/bulk/stall.test.ts's SWAPOFF, the killer on). */
const SWAPOFF = "--cpus 4 --frames 1024 --pages 1024 --mms 4 --slots 2048 --pattern uniform --ops 20000 --swapoff-rate 0.001";

interface Sample {
  step: number;
  kills: number;
  nrSwapPages: number;
  first: number;
  count: number;
  /** Per mm slot: its process's kill word (0 none, 1 SIGKILL pending, 2 exiting), birth, users, no-task mark. */
  mms: { kill: number; birth: number; users: number; noTask: number }[];
}

/** `faultsim run ARGS` (no deep checker, the stall watch off), sampled every EVERY steps. */
async function sampled(
  args: string,
  backend: "wasm" | "js" = "wasm",
  build: "traced" | "untraced" = "untraced",
): Promise<{ r: BulkResult; samples: Sample[] }> {
  const s = await runSettings(args);
  const { machine, workload } = bulkSetupOf(s);
  const samples: Sample[] = [];
  const r = await runBulk({
    backend,
    engine: await Engine.create(backend, build),
    machine,
    workload,
    seed: s.seed,
    ops: s.ops,
    checkInterval: 0,
    stallSteps: Number.MAX_SAFE_INTEGER,
    onInterval: {
      steps: EVERY,
      fn: (e, stats) =>
        samples.push({
          step: stats.steps,
          kills: stats.oomKills,
          nrSwapPages: e.global(G.NR_SWAP_PAGES),
          first: e.global(G.OOM_FIRST),
          count: e.global(G.OOM_COUNT),
          mms: Array.from({ length: machine.mms }, (_, mm) => {
            const w = (k: number) => e.I32[(e.region(R.MMS) >> 2) + mm * MM_WORDS + k];
            return { kill: w(MM.OOM_KILL), birth: w(MM.BIRTH), users: w(MM.USERS), noTask: w(MM.NO_TASK) };
          }),
        }),
    },
  });
  return { r, samples };
}

describe("the OOM killer (oom-kill)", () => {
  it("a full swap: a kill only after a second of failures, one at a time, each followed by its process's exit", async () => {
    const { r, samples } = await sampled(SWAP_FULL);
    expect(r.violations).toEqual([]);
    expect(r.stats.oomKills).toBeGreaterThan(0);
    let kills = 0;
    for (let i = 1; i < samples.length; i++) {
      const [before, after] = [samples[i - 1], samples[i]];
      if (after.kills === before.kills) continue;
      kills += after.kills - before.kills;
      // One kill per chunk at most: the next needs another second.
      expect(after.kills - before.kills).toBe(1);
      // out_of_memory's `first` before the kill: the kill came a second (HZ jiffies) or more
      // after it; `first` only moves forward before a kill (a reset after a quiet gap).
      expect(after.step).toBeGreaterThanOrEqual((before.first + HZ) * JIFFY);
      // And it kills only with no swap left.
      expect(Math.min(before.nrSwapPages, after.nrSwapPages)).toBeLessThanOrEqual(0);
      // The reset after it: counting starts again from the kill's jiffy.
      expect(after.first).toBeGreaterThan(before.first);
      expect(after.first * JIFFY).toBeGreaterThan(before.step - JIFFY);
    }
    expect(kills).toBe(r.stats.oomKills);
    // No exits of the workload's own: each is a killed process's (one may still be pending
    // at the end of the run).
    expect(r.stats.exits).toBeGreaterThan(0);
    expect(r.stats.exits).toBeLessThanOrEqual(r.stats.oomKills);
    expect(r.stats.exits).toBeGreaterThanOrEqual(r.stats.oomKills - 1);
  }, 60_000);

  it("--jiffy-steps 256: the same second of failures, counted on a clock 64 times as fast, kills sooner", async () => {
    const own = await sampled(SWAP_FULL);
    const fast = await sampled(`${SWAP_FULL} --jiffy-steps 256`);
    const firstKill = (x: typeof own) => x.samples.find((p) => p.kills > 0)?.step ?? Infinity;
    expect(fast.r.violations).toEqual([]);
    expect(firstKill(fast)).toBeLessThan(firstKill(own));
    // Still a second of the fast clock after the first failure counted: HZ jiffies of 256.
    const first = fast.samples.find((p) => p.kills > 0)!;
    const before = fast.samples[fast.samples.indexOf(first) - 1];
    expect(first.step).toBeGreaterThanOrEqual((before.first + HZ) * 256);
    expect(fast.r.stats.oomKills).toBeGreaterThan(0);
    // The machine takes it, and the API's run() (--json's object) says it.
    const s = await runSettings(`${SWAP_FULL} --jiffy-steps 256`);
    expect(s.jiffySteps).toBe(256);
    expect(bulkSetupOf(s).machine.jiffyShift).toBe(8);
    const j = await run({ ops: 2000, frames: 256, pages: 64, jiffySteps: 256 });
    expect(j.machine.jiffySteps).toBe(256);
    expect((await run({ ops: 2000, frames: 256, pages: 64 })).machine.jiffySteps).toBeUndefined();
    await expect(run({ ops: 10, jiffySteps: 3 })).rejects.toThrow(/--jiffy-steps must be a power of two/);
  }, 60_000);

  it("--jiffy-steps 1 and 16: the 5-second quiet reset stays on the model's own clock, so a failing pass longer than 5 fast seconds still counts", async () => {
    // On this machine a failing reclaim pass takes thousands of steps, far more than 5 seconds
    // of a 1- or 16-step jiffy (500 or 8,000 steps). Scaled with the clock, out_of_memory's
    // "since > 5*HZ" reset the count at nearly every failure: nobody was killed, the
    // allocations looped, and the watchdog reported a livelock on linux-2.4.16-fixed.
    for (const n of [1, 16]) {
      const { r, samples } = await sampled(`${SWAP_FULL} --model linux-2.4.16-fixed --jiffy-steps ${n}`);
      expect(r.violations, `--jiffy-steps ${n}`).toEqual([]);
      expect(r.stats.oomKills, `--jiffy-steps ${n}`).toBeGreaterThan(0);
      // The count still starts again at each kill (the reset after oom_kill), and a kill still
      // waits for a second of the fast clock after the count began.
      const firstKill = samples.find((p) => p.kills > 0)!;
      const before = samples[samples.indexOf(firstKill) - 1];
      expect(firstKill.step).toBeGreaterThanOrEqual((before.first + HZ) * n);
    }
  }, 60_000);

  it.each([
    ["a full swap", SWAP_FULL],
    ["a swapoff without room", SWAPOFF],
  ])(
    "%s: the JS twin kills at the same steps (the same samples, stats and state), and the traced build's section checks hold",
    async (_name, args) => {
      // The traced builds check, among others, that no section changes state before a BLOCK
      // (an exit's kill word was once cleared before its mmlist_lock: the JS twin then stopped
      // at a bug-on where the untraced Wasm ran on).
      const w = await sampled(args, "wasm", "traced");
      const j = await sampled(args, "js");
      expect(w.r.violations).toEqual([]);
      expect(w.r.stats.oomKills).toBeGreaterThan(0);
      expect(j.samples).toEqual(w.samples);
      expect(j.r.stats).toEqual(w.r.stats);
      expect(j.r.stateHash).toBe(w.r.stateHash);
    },
    180_000,
  );

  it("without oom-kill nobody is killed and the same machine crawls on for several times the steps", async () => {
    const on = await sampled(SWAP_FULL);
    const off = await sampled(`${SWAP_FULL} --without oom-kill`);
    expect(off.r.stats.oomKills).toBe(0);
    expect(off.r.stats.exits).toBe(0);
    expect(off.r.steps).toBeGreaterThan(3 * on.r.steps);
    // The crawl's allocations that find nothing fail (the model's stand-in for a chosen task).
    expect(off.r.stats.oom).toBeGreaterThan(on.r.stats.oom);
  }, 60_000);

  it("a swapoff without room: kills, and only the chosen tasks' allocations fail (no oom-misreport, no bug-on)", async () => {
    // Where the killer acts (a bulk run: CFG_OOM_CLOCK) an allocation short of pages of a task
    // it did not choose loops as 2.4.16's does (page_alloc.ts); one that fails is a bug-on.
    // Without the flag the stand-in fails such allocations instead.
    const on = await sampled(SWAPOFF);
    expect(on.r.violations).toEqual([]);
    expect(on.r.stats.oomKills).toBeGreaterThan(0);
    expect(on.r.stats.allocFail).toBeGreaterThan(0); // the chosen tasks' (PF_MEMDIE) failures
    // Kills only while swap cannot take a page.
    for (let i = 1; i < on.samples.length; i++) {
      if (on.samples[i].kills > on.samples[i - 1].kills)
        expect(Math.min(on.samples[i - 1].nrSwapPages, on.samples[i].nrSwapPages)).toBeLessThanOrEqual(0);
    }
  }, 60_000);

  it("the victim is the oldest process (all score total_vm alike): the boot's in slot order, then by creation", async () => {
    // The steady workload: CPU c runs the process of mm c (and its fork's child in mm 4 + c),
    // so every slot has a task CPU. A swapoff by CPU c is that process's: killed, it finishes
    // the swapoff with PF_MEMDIE and exits before its next op (the swapon, which then runs).
    const { r, samples } = await sampled(SWAPOFF);
    expect(r.stats.oomKills).toBeGreaterThan(1);
    const victims: number[] = [];
    const oldestLive = (mms: Sample["mms"]) =>
      mms
        .map((m, mm) => ({ ...m, mm }))
        .filter((m) => m.users > 0 && m.noTask === 0)
        .reduce((a, b) => (b.birth < a.birth ? b : a));
    for (let i = 1; i < samples.length; i++) {
      if (samples[i].kills === samples[i - 1].kills) continue;
      // The oldest live process before the kill (none older can be born meanwhile) is the
      // one killed: right after, it has the kill out (pending, or its exit under way), or it
      // has exited already (a kill and an exit can both fall between two samples).
      const was = oldestLive(samples[i - 1].mms);
      const now = samples[i].mms[was.mm];
      const gone = now.users === 0 || now.noTask !== 0 || now.birth !== was.birth;
      expect(gone || now.kill !== 0, `kill ${samples[i].kills} at step ${samples[i].step}`).toBe(true);
      victims.push(was.mm);
    }
    // The first kill falls on mm 0, the boot's first process; a later one on a process the boot
    // or a later exit made, never on a slot out of order.
    expect(victims[0]).toBe(0);
  }, 60_000);

  it.each(["linux-2.4.0", "linux-2.4.10-pre"])(
    "%s --with oom-kill: 2.4.16's killer on the older allocators (2.4.0's waits on kswapd, whose reclaim kills), no violation",
    async (model) => {
      // 2.4.0's allocation short of pages sleeps on kswapd_done: a victim asleep there takes
      // what is free when it wakes (PF_MEMDIE), where it once waited on and the run livelocked.
      const { r } = await sampled(`${SWAP_FULL} --model ${model} --with oom-kill`);
      expect(r.violations).toEqual([]);
      expect(r.stats.oomKills).toBeGreaterThan(0);
    },
    60_000,
  );

  it("swap to spare: out_of_memory never counts, and nobody is killed", async () => {
    const { r, samples } = await sampled(SWAPOFF.replace("--swapoff-rate 0.001", "--swapoff-rate 0"));
    expect(r.stats.directReclaim).toBeGreaterThan(0);
    expect(r.stats.oomKills).toBe(0);
    for (const x of samples) {
      expect(x.nrSwapPages).toBeGreaterThan(0);
      expect(x.count).toBe(0);
    }
  }, 60_000);
});
