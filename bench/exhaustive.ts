// The exhaustive search's speed (issue 13's target): schedules and steps per CPU-second, and the
// preemption bound K explored completely within a CPU budget (60 s), on the default hunt
// machine (3 CPUs + kswapd + the disk, 6 frames, 5 slots) for linux-2.4.16 on the op list
// `hunt --sched exhaustive` explores by default (execution 0 of seed 1, 2 ops per CPU), with
// the state cache and without, and restoring backtracks by snapshot or by replay from reset;
// then the 14 Sep race's proof of test/explore/exhaustive-14sep.test.ts (linux-2.4.10-pre,
// 2 CPUs, 3 pages: bounds 0 and 1 clean, the violation at 2), timed.
//
//   npm run build && node dist/bench/exhaustive.js [--cpu-ms 60000] [--ops 2] [--seed 1] [--configs 3]
// Timings are printed, never asserted. Beside them, SPIN 6.5.2 on a Promela model of the seed
// race (3 processes, pages as counts; issue 13): 55K states in 0.08 s (the fixed model, 4
// slots); 108M states, 98 s, 9.3 GB (6 slots, 4 faulting CPUs); 192M states, 175 s, 16.4 GB
// (8 slots).
import { exhaustive, ExhaustiveSearch } from "../src/explore/exhaustive.js";
import { HUNT_MACHINE } from "../src/explore/machine.js";
import { executionSeed, huntOps } from "../src/explore/workload.js";
import { fmtOp } from "../src/report/diagram.js";
import { resolveModel } from "../src/model/models.js";
import { parseOpList } from "../src/explore/exhaustive-cli.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const cpuMs = opt("cpu-ms", 60_000);
const opsPerCpu = opt("ops", 2);
const seed = opt("seed", 1);
const configs = opt("configs", 3);
const model = resolveModel("linux-2.4.16", [], []);
const machine = HUNT_MACHINE;
const s = executionSeed(seed, 0);
const ops = huntOps({ cpus: machine.cpus, opsPerCpu, pagesPerMm: machine.pagesPerMm, mms: 1, shareMm: true, writeRatio: 0.5 }, s);
console.log(`linux-2.4.16, default hunt machine; ops: ${ops.map((o, c) => `CPU${c}: ${o.map(fmtOp).join(", ")}`).join("; ")}`);
console.log(`CPU budget ${cpuMs / 1000} s per configuration`);
const e = await ExhaustiveSearch.engine(machine, model);
for (const [label, extra] of [
  ["cached, snapshot restore", {}],
  ["cached, replay restore", { restore: "replay" as const }],
  ["no cache, snapshot restore", { cache: false }],
] as const) {
  if (label !== "cached, snapshot restore" && configs < 2) continue;
  if (label === "no cache, snapshot restore" && configs < 3) continue;
  const before = process.cpuUsage();
  const r = await exhaustive({
    flags: model.flags,
    flags2: model.flags2,
    machine,
    ops,
    preemptions: 16,
    seed: s,
    engine: e,
    cpuBudgetMs: cpuMs,
    ...extra,
  });
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

{
  const m = resolveModel("linux-2.4.10-pre", [], []);
  const m14 = { ...machine, cpus: 2, pagesPerMm: 3 };
  const ops14 = parseOpList("w0 w2 w0/w1 r2", m14, true);
  const before = process.cpuUsage();
  const r = await exhaustive({ flags: m.flags, flags2: m.flags2, machine: m14, ops: ops14, preemptions: 4 });
  const used = process.cpuUsage(before);
  const secs = (used.user + used.system) / 1e6;
  console.log(
    `14 Sep race, linux-2.4.10-pre, 2 CPUs + kswapd, 3 pages, ops w0 w2 w0/w1 r2: K reached ${r.reached}, ` +
      `violation at ${r.violation?.preemptions ?? "none"} (${r.violation?.verdict.signature ?? "-"}); ` +
      `${r.schedules} schedules, ${r.states} states, ${r.steps} steps in ${secs.toFixed(2)} CPU s`,
  );
}
