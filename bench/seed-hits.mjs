// Every failing execution of a hunt's first N executions, seed by seed: what a test that pins a
// seed's finding needs when a model change moves the hunts (docs/performance.md). The hunt
// loop runs as hunt() runs it (src/explore/hunt.ts: spans to the next clock check or PCT k
// refresh, k recomputed from the mean decisions), stopping at every failure instead of only at
// new signatures, so the first index of each signature is the one `faultsim hunt --keep-going`
// reports and the others are its later hits:
//   node bench/seed-hits.mjs FIRST_SEED LAST_SEED EXECUTIONS -- HUNT ARGS
// e.g. node bench/seed-hits.mjs 1 20 40000 -- --model linux-2.4.10-pre --slots 6
// prints "seed S: INDEX:SIGNATURE ..." per seed. Nothing is shrunk or replayed.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { huntOptionsOf } from "./hunt-opts.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const load = (f) => import(pathToFileURL(path.join(root, f)).href);
const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const [s0, s1, execs] = (dash >= 0 ? argv.slice(0, dash) : argv).map(Number);
const huntArgs = dash >= 0 ? argv.slice(dash + 1) : [];
if (![s0, s1, execs].every(Number.isInteger) || execs < 1) {
  console.error("usage: node bench/seed-hits.mjs FIRST_SEED LAST_SEED EXECUTIONS -- HUNT ARGS");
  process.exit(2);
}
const { HuntLoop } = await load("dist/src/explore/loop.js");
const { huntLoopSpec } = await load("dist/src/explore/hunt-options.js");
const { emptySeqHash, emptyTally } = await load("dist/src/explore/shard.js");
const { Engine } = await load("dist/src/wasm/engine.js");
// As hunt.ts: k refreshed after execution 16, 32, ..., 1024, then every 1024; spans end there
// and at every 16th (under 1,024) or 256th execution.
const refreshK = (n) => (n >= 16 && n <= 1024 && (n & (n - 1)) === 0) || (n & 1023) === 0;
const spanEnd = (n) => (n < 1024 ? (n | 15) + 1 : (n | 255) + 1);
for (let seed = s0; seed <= s1; seed++) {
  const opts = await huntOptionsOf(root, [...huntArgs, "--seed", String(seed)]);
  const loop = new HuntLoop(await Engine.create(opts.backend, "untraced"), huntLoopSpec(opts, 64));
  const t = { ...emptyTally(), steps: 0, hits: {}, maxDecisions: 0, decisions: 0, agentMask: 0 };
  const hash = emptySeqHash();
  const out = [];
  for (let n = 0; n < execs; ) {
    const end = Math.min(execs, spanEnd(n));
    const f = loop.run(n, end, t, hash, () => true);
    n = f ? f.index + 1 : end;
    if (opts.sched === "pct" && refreshK(n)) loop.setPctK(Math.max(1, Math.round(t.decisions / n)));
    if (f) out.push(`${f.index}:${f.verdict.signature}`);
  }
  console.log(`seed ${seed}: ${out.join(" ")}`);
}
