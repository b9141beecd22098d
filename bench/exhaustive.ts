// The exhaustive search's speed (issue 13's target): schedules and steps per CPU-second, and the
// preemption bound K explored completely within a CPU budget (60 s), on the default hunt
// machine (3 CPUs + kswapd + the disk, 6 frames, 5 slots) for linux-2.4.16 on the op list
// `hunt --sched exhaustive` explores by default (execution 0 of seed 1, 2 ops per CPU), with
// the state cache and without, and restoring backtracks by snapshot or by replay from reset.
//
//   npm run build && node dist/bench/exhaustive.js [--cpu-ms 60000] [--ops 2] [--seed 1]
// Timings are printed, never asserted. Beside them, SPIN 6.5.2 on a Promela model of the seed
// race (3 processes, pages as counts; issue 13): 55K states in 0.08 s (the fixed model, 4
// slots); 108M states, 98 s, 9.3 GB (6 slots, 4 faulting CPUs); 192M states, 175 s, 16.4 GB
// (8 slots).
import { exhaustive, ExhaustiveSearch } from "../src/explore/exhaustive.js";
import { HUNT_MACHINE } from "../src/explore/machine.js";
import { executionSeed, huntOps } from "../src/explore/workload.js";
import { fmtOp } from "../src/report/diagram.js";
import { resolveModel } from "../src/model/models.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const cpuMs = opt("cpu-ms", 60_000);
const opsPerCpu = opt("ops", 2);
const seed = opt("seed", 1);
const model = resolveModel("linux-2.4.16", [], []);
const machine = HUNT_MACHINE;
const s = executionSeed(seed, 0);
const ops = huntOps({ cpus: machine.cpus, opsPerCpu, pagesPerMm: machine.pagesPerMm, mms: 1, shareMm: true, writeRatio: 0.5 }, s);
console.log(`linux-2.4.16, default hunt machine; ops: ${ops.map((o, c) => `CPU${c}: ${o.map(fmtOp).join(", ")}`).join("; ")}`);
console.log(`CPU budget ${cpuMs / 1000} s per configuration`);
const e = await ExhaustiveSearch.engine(machine, model.flags);
for (const [label, extra] of [
  ["cached, snapshot restore", {}],
  ["cached, replay restore", { restore: "replay" as const }],
  ["no cache, snapshot restore", { cache: false }],
] as const) {
  const before = process.cpuUsage();
  const r = await exhaustive({ flags: model.flags, machine, ops, preemptions: 16, seed: s, engine: e, cpuBudgetMs: cpuMs, ...extra });
  const used = process.cpuUsage(before);
  const secs = (used.user + used.system) / 1e6;
  console.log(
    `${label}: K reached ${r.reached}${r.violation ? ` (violation at ${r.violation.preemptions})` : ""}; ` +
      `${r.schedules} schedules, ${r.states} states, ${r.steps} steps in ${secs.toFixed(1)} CPU s: ` +
      `${Math.round(r.schedules / secs)} schedules/s, ${Math.round(r.steps / secs)} steps/s, ${Math.round(r.states / secs)} states/s`,
  );
  for (const b of r.bounds)
    console.log(
      `  K=${b.preemptions}: ${b.schedules} schedules, ${b.states} states, ${b.pruned} pruned, ${(b.cpuMs / 1000).toFixed(2)} CPU s${b.complete ? "" : " (cut)"}`,
    );
}
