// The hunt's search loop cold and warm in one process (issue 12's cold start): runs the first
// EXECS executions of a hunt's campaign ROUNDS times, each round on a fresh engine (a new Wasm
// instance and memory of the module compiled once per process), and prints each round's wall
// and CPU time (process.cpuUsage, which counts V8's background compiler threads too). Round 0
// pays what a fresh `faultsim hunt` pays before its first finding: Liftoff code and cold JS
// while TurboFan compiles the hot functions in the background.
//   node [V8 FLAGS] bench/cold-loop.mjs [--rounds N] [--execs N] [--sleep MS] [-- HUNT ARGS]
// --sleep: wait that long after compiling the module, before round 0 (with
// --no-wasm-lazy-compilation --no-wasm-dynamic-tiering, V8 compiles every function with TurboFan
// in the background meanwhile). Defaults: 4 rounds of 4,784 executions (the default hunt's
// first finding), no sleep, the hunt's defaults. Only the search loop runs (no shrink, no
// drawing), without the hunt's k refreshes: the executions are not the hunt's own after the
// first 16.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { huntOptionsOf } from "./hunt-opts.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const load = (f) => import(pathToFileURL(path.join(root, f)).href);
const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const own = dash >= 0 ? argv.slice(0, dash) : argv;
const huntArgs = dash >= 0 ? argv.slice(dash + 1) : [];
const opt = (name, dflt) => {
  const i = own.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(own[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`usage: node bench/cold-loop.mjs [--rounds N] [--execs N] [--sleep MS] [-- HUNT ARGS] (${name} ${own[i + 1]})`);
    process.exit(2);
  }
  return v;
};
const rounds = opt("--rounds", 4);
const execs = opt("--execs", 4784);
const sleepMs = opt("--sleep", 0);

const t0 = performance.now();
const { HuntLoop } = await load("dist/src/explore/loop.js");
const { huntLoopSpec } = await load("dist/src/explore/hunt-options.js");
const { emptySeqHash, emptyTally } = await load("dist/src/explore/shard.js");
const { Engine } = await load("dist/src/wasm/engine.js");
const opts = await huntOptionsOf(root, huntArgs);
const c0 = performance.now();
await Engine.create(opts.backend, "untraced"); // compiles the module (cached for the rounds)
console.log(`imports ${(c0 - t0).toFixed(1)} ms, module ${(performance.now() - c0).toFixed(1)} ms`);
if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
for (let r = 0; r < rounds; r++) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const loop = new HuntLoop(await Engine.create(opts.backend, "untraced"), huntLoopSpec(opts, 64));
  const t = { ...emptyTally(), steps: 0, hits: {}, maxDecisions: 0, decisions: 0, agentMask: 0 };
  loop.run(0, execs, t, emptySeqHash(), () => false);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - wall;
  console.log(
    `round ${r}: ${execs} executions, ${t.steps} steps, ${ms.toFixed(1)} ms wall, ${((used.user + used.system) / 1000).toFixed(1)} ms CPU (${((t.steps / ms) * 1e-3).toFixed(1)}M steps/s wall)`,
  );
}
