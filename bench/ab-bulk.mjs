// Two or more built checkouts' bulk runs (runBulk, `faultsim run`) side by side in one process,
// per CPU-second, alternated so that a shared machine's load falls on all of them alike:
//   node bench/ab-bulk.mjs ROUNDS "RUN ARGS" DIR1 DIR2 ...
// DIRn: a checkout with `npm run build` done (e.g. a `git worktree` of the base commit).
// RUN ARGS as on the command line ("--cpus 2 --frames 1024 --ops 600000 ..."); they are parsed
// by this script's checkout's command line, and every checkout runs the run `faultsim run`
// makes of them (its machine, its workload, its deep checker every --check-interval steps), on
// one engine per checkout kept across rounds. Each round runs every dir once, the order rotated each round, after one
// warm-up run each. Prints per dir: faults and sections (steps) per CPU-second, the CPU
// seconds of each round, and the state hashes seen, which must agree between dirs unless the
// change meant to alter results. Only wasm runs of generated workloads (no --trace).
// A DIR written DIR::MORE ARGS runs with MORE ARGS after RUN ARGS (the later of two same options
// wins): one checkout may then be given twice, to set two machines or workloads side by side
// (or its deep checker two ways: DIR DIR::--full-check).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [rounds, args, ...dirs] = process.argv.slice(2);
if (!rounds || args === undefined || dirs.length === 0) {
  console.error('usage: node bench/ab-bulk.mjs ROUNDS "RUN ARGS" DIR1 [DIR2 ...]');
  process.exit(2);
}
const load = (d, f) => import(pathToFileURL(path.resolve(d, f)).href);
const label = (entry) => {
  const [d, more] = entry.split("::");
  return more ? `${d.split("/").pop()} ${more.trim()}` : d.split("/").pop();
};
// RUN ARGS are parsed by this script's own checkout's command line (cli.ts bulkSetupOf: the
// machine and workload `faultsim run` makes), once per entry, and every dir runs that setup.
const own = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ownCli = await load(own, "dist/src/cli.js");
/** The run's settings, machine and workload for RUN ARGS plus an entry's MORE ARGS. */
async function setupOf(more) {
  const program = ownCli.buildProgram();
  let got;
  program.commands.find((c) => c.name() === "run").action((o) => {
    got = o;
  });
  await program.parseAsync(["node", "x", "run", ...`${args} ${more}`.split(/\s+/).filter(Boolean)]);
  const s = ownCli.settingsOf(got);
  if (s.trace || s.backend !== "wasm") throw new Error("ab-bulk runs generated workloads on the wasm backend only");
  return { s, ...ownCli.bulkSetupOf(s) };
}
const runners = [];
for (const entry of dirs) {
  const [d, more = ""] = entry.split("::");
  const { runBulk } = await load(d, "dist/src/bulk/run.js");
  const { Engine, wasmModule } = await load(d, "dist/src/wasm/engine.js");
  const { checkInvariants } = await load(d, "dist/src/invariants/check.js");
  const { s, machine, workload } = await setupOf(more);
  const engine = Engine.wasm(wasmModule("untraced"));
  const once = () =>
    runBulk({
      backend: "wasm",
      machine,
      workload,
      seed: s.seed,
      ops: s.ops,
      checkInterval: s.checkInterval,
      checker: checkInvariants,
      fullCheck: s.fullCheck,
      engine,
    });
  runners.push({ d, once });
}
const cpu = dirs.map(() => 0);
const faults = dirs.map(() => 0);
const steps = dirs.map(() => 0);
const each = dirs.map(() => []);
const hashes = dirs.map(() => new Set());
for (const r of runners) await r.once(); // warm-up: the JIT's tiers
for (let k = 0; k < +rounds; k++) {
  for (let j = 0; j < dirs.length; j++) {
    const i = (j + k) % dirs.length;
    const c0 = process.cpuUsage();
    const res = await runners[i].once();
    const c = process.cpuUsage(c0);
    const sec = (c.user + c.system) / 1e6;
    cpu[i] += sec;
    each[i].push(sec.toFixed(2));
    faults[i] += res.faults;
    steps[i] += res.steps;
    hashes[i].add(`${res.stateHash} ${res.outcome}`);
  }
}
for (let i = 0; i < dirs.length; i++) {
  console.log(
    `${label(dirs[i])}: ${(faults[i] / cpu[i] / 1e6).toFixed(3)}M faults/CPU-s, ${(steps[i] / cpu[i] / 1e6).toFixed(2)}M sections/CPU-s, ` +
      `CPU ${cpu[i].toFixed(2)} s [${each[i].join(" ")}], state ${[...hashes[i]].join(" | ")}`,
  );
}
if (dirs.length === 2) console.log(`ratio ${label(dirs[1])} / ${label(dirs[0])}: ${(cpu[0] / cpu[1]).toFixed(3)}x (CPU time)`);
