// The hunt's check at rest reads only what its execution can have touched (assembly/kernel/
// rest.ts clean_at_rest_touched: the frames below the fewest free since the boot, the
// swap-cache buckets written since): it must answer as the whole pass (clean_at_rest, held
// to the host's full passes by fused.test.ts) does. Each execution's RUN.CLEAN / RUN.DONE from
// hunt_execution is compared with the whole pass on the state it left, on machines from the
// hunt's 6 frames to 4096, under reclaim and not, with the op mix, and on end states that are
// broken (linux-2.4.10-pre without its pte_same recheck).
import { threadsWorkload } from "../helpers/machine.js";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/wasm/engine.js";
import { RUN, SCHED } from "../../src/wasm/abi.js";
import { huntConfig, HUNT_LOGCAP, HUNT_MACHINE } from "../../src/explore/machine.js";
import { configureHuntWorkload, huntSeedBase, type HuntWorkload } from "../../src/explore/workload.js";
import { resolveModel } from "../../src/model/models.js";
import type { ReproMachine } from "../../src/report/repro.js";
import type { FlagWords } from "../../src/model/flag-words.js";

interface Case {
  name: string;
  flags: FlagWords;
  machine: ReproMachine;
  workload: HuntWorkload;
  sched: number;
  /** Executions of each answer the case must see (else it tests nothing). */
  atLeast: { clean: number; done?: number };
}

const w = threadsWorkload;
const flags = (model: string, without: string[] = []): FlagWords => resolveModel(model, [], without);
const wide: ReproMachine = { ...HUNT_MACHINE, frames: 300, pagesPerMm: 64, slotsPerArea: 64 };
const tight: ReproMachine = { ...wide, frames: 40 };
const big: ReproMachine = { ...HUNT_MACHINE, frames: 4096, pagesPerMm: 64, slotsPerArea: 64 };
const mixed: ReproMachine = { ...HUNT_MACHINE, mms: 2, areas: 2 };
const CASES: Case[] = [
  {
    name: "the hunt machine",
    flags: flags("linux-2.4.16"),
    machine: HUNT_MACHINE,
    workload: w(HUNT_MACHINE, 5),
    sched: SCHED.PCT,
    atLeast: { clean: 300 },
  },
  // Many of 64 swap-cache buckets written (more than the model lists: the whole pass then).
  {
    name: "40 frames, 64 pages",
    flags: flags("linux-2.4.16"),
    machine: tight,
    workload: w(tight, 12),
    sched: SCHED.RANDOM,
    atLeast: { clean: 300 },
  },
  { name: "300 frames", flags: flags("linux-2.4.16"), machine: wide, workload: w(wide, 12), sched: SCHED.PCT, atLeast: { clean: 300 } },
  { name: "4096 frames", flags: flags("linux-2.4.16"), machine: big, workload: w(big, 8), sched: SCHED.RANDOM, atLeast: { clean: 300 } },
  {
    name: "the op mix",
    flags: flags("linux-2.4.10-pre"),
    machine: mixed,
    workload: w(mixed, 6, "all"),
    sched: SCHED.RANDOM,
    atLeast: { clean: 200 },
  },
  {
    name: "end states broken at rest",
    flags: flags("linux-2.4.10-pre", ["pte-same-recheck"]),
    machine: HUNT_MACHINE,
    workload: w(HUNT_MACHINE, 8),
    sched: SCHED.RANDOM,
    atLeast: { clean: 150, done: 3 },
  },
];

async function engineFor(c: Case, js: boolean): Promise<Engine> {
  const e = js ? await Engine.js() : await Engine.create("wasm", "untraced");
  e.configure(huntConfig(c.machine, c.flags, c.sched, 4, 40));
  configureHuntWorkload(e.m, c.workload);
  return e;
}

/** Runs n executions; a line per execution whose answer the whole pass contradicts. */
function disagreements(e: Engine, n: number, seen: { clean: number; done: number }): string[] {
  const out: string[] = [];
  const base = huntSeedBase(17);
  for (let i = 0; i < n; i++) {
    const code = e.m.hunt_execution(base, i, HUNT_LOGCAP);
    if (code !== RUN.CLEAN && code !== RUN.DONE) continue; // stopped mid-run: no check at rest
    const whole = e.m.clean_at_rest();
    if (code === RUN.CLEAN) seen.clean++;
    else seen.done++;
    if ((code === RUN.CLEAN) !== (whole === 1)) out.push(`execution ${i}: hunt_execution ${code}, whole pass ${whole}`);
  }
  return out;
}

describe("the hunt's check at rest over what its execution touched", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("answers as the whole pass: %s", async (_name, c) => {
    const e = await engineFor(c, false);
    const seen = { clean: 0, done: 0 };
    expect(disagreements(e, 400, seen).slice(0, 5)).toEqual([]);
    expect(seen.clean, JSON.stringify(seen)).toBeGreaterThanOrEqual(c.atLeast.clean);
    expect(seen.done, JSON.stringify(seen)).toBeGreaterThanOrEqual(c.atLeast.done ?? 0);
  });

  it("the JS build of the model answers as the Wasm does", async () => {
    for (const c of [CASES[1], CASES[5]]) {
      const js = await engineFor(c, true),
        wasm = await engineFor(c, false);
      const base = huntSeedBase(9);
      for (let i = 0; i < 100; i++) {
        expect(js.m.hunt_execution(base, i, HUNT_LOGCAP), `${c.name}, execution ${i}`).toBe(wasm.m.hunt_execution(base, i, HUNT_LOGCAP));
      }
    }
  });
});
