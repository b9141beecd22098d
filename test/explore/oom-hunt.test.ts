// Hunts that reach 2.4.16's OOM killer (`hunt --jiffy-steps`, assembly/mm/oom_kill.ts). On the
// model's own clock (2^14 steps a jiffy) no execution lasts the second of failures
// out_of_memory waits for; with a jiffy of a step or a few, the killer acts within an
// execution, and its victims' exits must run as the bulk run's do. The livelock cases are
// machines on which, before the killer learnt to pass over processes the model's mm slots
// keep from their exit (oom_kill.ts deliverable, slot_stuck) and to wake a victim's idle
// tasks (wake_idle_task, oom_exit_before_idle), hunts met livelocks and a "no killable
// process" panic the kernel cannot reach.
import { describe, expect, it, beforeEach, afterEach } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Engine, wasmModule } from "../../src/wasm/engine.js";
import { AG, RUN, SCHED } from "../../src/wasm/abi.js";
import { huntConfig, replayConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase, type HuntWorkload } from "../../src/explore/workload.js";
import { parseMix } from "../../src/explore/mix.js";
import { swarmMachine } from "../../src/explore/swarm.js";
import { resolveModel } from "../../src/model/models.js";
import type { ReproMachine } from "../../src/report/repro.js";
import { hunt } from "../../src/index.js";
import { cliCapture } from "../helpers/cli.js";

/** Three threads of one mm, 8 pages in 6 frames and 2 usable swap slots: swap fills, and
 *  allocations fail until something is killed. */
const FULL: ReproMachine = { ...HUNT_MACHINE, slotsPerArea: 3, pagesPerMm: 8 };
const FULL_WORKLOAD: HuntWorkload = { cpus: 3, opsPerCpu: 5, writeRatio: 0.5, pagesPerMm: 8, mms: 1, shareMm: true };

interface Tally {
  codes: Record<number, number>;
  /** Executions in which the killer chose a process. */
  killed: number;
  /** Executions in which a CPU ran one op more than its list held: the victim's exit. */
  exited: number;
}

/** Runs executions 0..n-1 of hunt seed 1 under PCT (depth 4, k as given) on the untraced build. */
function executions(machine: ReproMachine, workload: HuntWorkload, n: number, k = 300, model = "linux-2.4.16"): Tally {
  const e = Engine.wasm(wasmModule("untraced"));
  e.configure(huntConfig(machine, resolveModel(model), SCHED.PCT, 4, k));
  configureHuntWorkload(e.m, workload);
  const base = huntSeedBase(1);
  const t: Tally = { codes: {}, killed: 0, exited: 0 };
  for (let i = 0; i < n; i++) {
    const code = e.m.hunt_execution(base, i, HUNT_LOGCAP);
    t.codes[code] = (t.codes[code] ?? 0) + 1;
    if (e.takeStats().oomKills > 0) t.killed++;
    for (let c = 0; c < workload.cpus; c++) {
      if (e.agentWord(c, AG.OPS_DONE) > workload.opsPerCpu) {
        t.exited++;
        break;
      }
    }
  }
  return t;
}

describe("hunt --jiffy-steps: the OOM killer within an execution", () => {
  it("on the model's own clock no execution reaches the killer; a jiffy of one step does, and each kill's exit runs", () => {
    const own = executions(FULL, FULL_WORKLOAD, 3000);
    expect(own.killed).toBe(0);
    expect(own.codes).toEqual({ [RUN.CLEAN]: 3000 });
    const fast = executions({ ...FULL, jiffySteps: 1 }, FULL_WORKLOAD, 3000);
    // Measured: 108 of 3,000 executions kill (106 from swap_out walking as 2.4.16's does until
    // its walk that meets its count at vm_end left swap_address there, 113 before, 5 Dec 2026;
    // 108 again after put_page's spin and the local-pages flag), and every one of them runs its
    // victim's exit (the process's CPUs had run out of ops: the kill wakes one to exit).
    expect(fast.killed).toBeGreaterThan(30);
    expect(fast.exited).toBe(fast.killed);
    expect(fast.codes).toEqual({ [RUN.CLEAN]: 3000 });
  });

  it("a victim kept from its exit by the model's mm slots is passed over: no livelock in 10,000 executions", () => {
    // Three processes, the full mix: forks into a slot whose old mm a swapoff pins, a killed
    // process's exit waiting on an mmap_sem a fork holds for its child's slot. With
    // oom_kill.ts slot_stuck answering false, one of these executions runs to the step bound
    // with a CPU looping in the allocator (and builds before the killer passed such victims
    // over met it at executions 1,068 and 6,673).
    const machine: ReproMachine = { ...HUNT_MACHINE, mms: 3, areas: 2, slotsPerArea: 3, pagesPerMm: 4, jiffySteps: 1 };
    const workload: HuntWorkload = { ...FULL_WORKLOAD, pagesPerMm: 4, mms: 3, shareMm: false, mix: parseMix("all"), areas: 2 };
    const t = executions(machine, workload, 10_000, 330);
    expect(t.codes[RUN.LIMIT] ?? 0).toBe(0);
    expect(t.killed).toBeGreaterThan(0);
  });

  it("the JS build kills at the same steps: the same campaign hash", async () => {
    const o = { model: "linux-2.4.16", swarm: false, slots: 3, pages: 8, jiffySteps: 1, executions: 1500, budgetMs: 600_000 } as const;
    const wasm = await hunt({ ...o, backend: "wasm" });
    const js = await hunt({ ...o, backend: "js" });
    expect(js.hash).toBe(wasm.hash);
    expect(wasm.findings).toEqual([]);
  });

  it("a repro's machine with the clock replays on it", () => {
    expect(replayConfig({ ...FULL, jiffySteps: 4 }, resolveModel("linux-2.4.16"))).toMatchObject({ oomClock: true, jiffyShift: 2 });
    const own = replayConfig(FULL, resolveModel("linux-2.4.16"));
    expect(own.oomClock).toBeFalsy();
    expect(own.jiffyShift).toBeUndefined();
  });

  it("a swarm's drawn machines all carry the clock", () => {
    const spec = { pins: { jiffySteps: 4 }, opsPerCpu: 5, shareMm: true, writeRatio: 0.5 };
    for (const code of [0, 1, 77, 1023, 4095]) expect(swarmMachine(spec, code, undefined).jiffySteps).toBe(4);
    expect(swarmMachine({ ...spec, pins: {} }, 5, undefined).jiffySteps).toBeUndefined();
  });
});

describe("hunt --jiffy-steps on the command line", () => {
  const { io, faultsim } = cliCapture();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "faultsim-oom-hunt-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["not a power of two", "3", /--jiffy-steps must be a power of two/],
    ["zero", "0", /--jiffy-steps must be between 1 and 16384/],
    ["past the model's own clock", "32768", /--jiffy-steps must be between 1 and 16384/],
  ])("%s: exit 2, one line", async (_what, v, msg) => {
    expect(await faultsim("hunt", "--jiffy-steps", v, "--out", dir)).toBe(2);
    expect(io.err.trimEnd().split("\n")).toHaveLength(1);
    expect(io.err).toMatch(msg);
  });

  it("a finding's repro keeps the clock (revision 3) and replays on it; an older revision with it is refused", async () => {
    // linux-2.4.10-pre's swap-cache duplicate, hunted with the OOM killer on a fast clock.
    const args = ["--model", "linux-2.4.10-pre", "--with", "oom-kill", "--jiffy-steps", "2", "--budget-ms", "60000"];
    expect(await faultsim("hunt", ...args, "--out", dir)).toBe(1);
    expect(io.out).toContain("a jiffy of 2 steps");
    const [file] = readdirSync(dir);
    const repro = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    expect(repro.machine.jiffySteps).toBe(2);
    expect(repro.schemaVersion).toBe(3);
    expect(await faultsim("replay", path.join(dir, file))).toBe(1);
    expect(io.out).toContain(`reproduced: ${repro.signature}`);
    const edited = path.join(dir, "edited.json");
    writeFileSync(edited, JSON.stringify({ ...repro, schemaVersion: 2 }));
    io.err = "";
    expect(await faultsim("replay", edited)).toBe(2);
    expect(io.err).toMatch(/jiffySteps: a revision 3 field in a file of revision 2/);
  });
});
