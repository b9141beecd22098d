// A swarm hunt's fixed cost per execution, apart from its steps, in built checkouts side by side
// (bench/ab-hunt.mjs's per CPU-second rates move ±5% on a shared machine, where each part
// below is ~1-9% of an execution):
//   node bench/exec-fixed.mjs ROUNDS EXECS "HUNT ARGS" DIR1 [DIR2 ...]
// Three figures per dir, CPU ns, the median of ROUNDS rounds (dirs alternated each round):
//   host  the search loop's own work (src/explore/loop.ts HuntLoop.run: the shape's draw and
//         writeShape, the tallies, the campaign hash) with the model's calls stubbed to return
//         a clean execution at once;
//   boot  the model's work before the first step: each execution's shape written, its machine
//         laid out, booted, its ops drawn and PCT set up (hunt_shaped / hunt_execution with a
//         step bound of 0; the host's writeShape included);
//   rest  the check at rest (clean_at_rest_touched) on the end states of real executions, called
//         50 times on each (warm: a lower bound of its cost inside a hunt).
// It reaches into HuntLoop's private members (tables, writeShape, shapeCode, e.m): a bench of
// this checkout's code, not an API.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { huntOptionsOf } from "./hunt-opts.mjs";

const [rounds, execs, args, ...dirs] = process.argv.slice(2);
if (!rounds || !execs || args === undefined || dirs.length === 0) {
  console.error('usage: node bench/exec-fixed.mjs ROUNDS EXECS "HUNT ARGS" DIR1 [DIR2 ...]');
  process.exit(2);
}
const N = +execs;
const REST_CALLS = 50;
const tally = () => ({ executions: 0, steps: 0, maxSteps: 0, decisions: 0, maxDecisions: 0, agentMask: 0, hits: {}, stats: {} });
const never = () => false;
const cpuNs = (f) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) * 1000;
};

async function setup(d) {
  const load = (f) => import(pathToFileURL(path.resolve(d, f)).href);
  const { huntLoopSpec } = await load("dist/src/explore/hunt-options.js");
  const { HuntLoop } = await load("dist/src/explore/loop.js");
  const { Engine } = await load("dist/src/wasm/engine.js");
  const { emptySeqHash } = await load("dist/src/explore/shard.js");
  const { executionSeedFrom, huntSeedBase } = await load("dist/src/explore/workload.js");
  const { swarmCode } = await load("dist/src/explore/swarm.js");
  const opts = await huntOptionsOf(d, args.split(/\s+/).filter(Boolean));
  const spec = huntLoopSpec(opts, 64);
  if (!spec.swarm) throw new Error("exec-fixed measures a swarm hunt (--swarm, or a model that runs it by default)");
  const loops = [];
  for (let i = 0; i < 3; i++) {
    const loop = new HuntLoop(await Engine.create(opts.backend, "untraced"), spec);
    loop.run(0, 20000, tally(), emptySeqHash(), never); // warm, and the tables drawn
    loops.push(loop);
  }
  const [hostLoop, bootLoop, restLoop] = loops;
  // host: the model's calls answer at once (a clean execution of no steps).
  const m = hostLoop.e.m;
  const stub = {};
  for (const k of Object.keys(m)) stub[k] = m[k];
  let x = 0;
  stub.hunt_shaped = () => 6;
  stub.hunt_execution = () => 6;
  stub.hunt_print = () => (x = (Math.imul(x, 31) + 7) | 0);
  stub.hunt_agents = () => 3;
  Object.defineProperty(hostLoop.e, "m", { value: stub });
  const base = huntSeedBase(opts.huntSeed);
  let next = 1e6;
  const host = () => {
    const from = next;
    next += N;
    return cpuNs(() => hostLoop.run(from, from + N, tally(), emptySeqHash(), never)) / N;
  };
  const boot = () => {
    const from = next;
    next += N;
    const l = bootLoop;
    const bm = l.e.m;
    return (
      cpuNs(() => {
        const I = l.e.I32;
        for (let n = from; n < from + N; n++) {
          const code = swarmCode(executionSeedFrom(base, n));
          if (code !== l.shapeCode) bm.hunt_shaped(base, n, 0, l.writeShape(l.tables, l.spec.swarm, code, I), 1);
          else bm.hunt_execution(base, n, 0);
        }
      }) / N
    );
  };
  const rest = () => {
    const from = next;
    const k = Math.max(1, Math.floor(N / REST_CALLS));
    next += k;
    const rm = restLoop.e.m;
    let t = 0;
    for (let n = from; n < from + k; n++) {
      restLoop.run(n, n + 1, tally(), emptySeqHash(), never);
      t += cpuNs(() => {
        for (let j = 0; j < REST_CALLS; j++) rm.clean_at_rest_touched();
      });
    }
    return t / (k * REST_CALLS);
  };
  return { d, host, boot, rest, got: { host: [], boot: [], rest: [] } };
}

const runs = [];
for (const d of dirs) runs.push(await setup(d));
for (let r = 0; r < +rounds; r++) {
  for (let j = 0; j < runs.length; j++) {
    const s = runs[(j + r) % runs.length];
    for (const k of ["host", "boot", "rest"]) s.got[k].push(s[k]());
  }
}
const median = (a) => {
  const b = [...a].sort((x, y) => x - y);
  const m = b.length >> 1;
  return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2;
};
for (const s of runs)
  console.log(
    `${s.d.split("/").pop()}: host ${median(s.got.host).toFixed(1)} ns, boot ${median(s.got.boot).toFixed(1)} ns, rest ${median(s.got.rest).toFixed(1)} ns per execution (medians of ${rounds} rounds)`,
  );
