// `npm run build:wasm`: the model's two Wasm builds, from the same sources (assembly/):
//   build/faultsim.wasm           can trace: replays that draw a diagram, tests, the default
//   build/faultsim-untraced.wasm  asc --use FAULTSIM_UNTRACED=1: tracing is a constant false and
//                                 every trace() folds away (~7% of a hunt execution); the hunt's
//                                 search, campaign workers and bulk runs load it
// Each goes through binaryen's wasm-opt -O3 after asc's own -O3 (measured side by side: hunt
// executions ~4% faster, bulk runs ~1-2%; asc's --converge did not do it). Then the model id,
// which both share (src/build/model-id.mjs).
//
// A function called from one place is inlined there only when it is small (ONE_CALLER_INLINE
// binaryen expressions): wasm-opt inlines every single-caller function by default, and so
// put every procedure's section switch into kernel/dispatch.ts's dispatch, one function of 43
// KB of Wasm that V8's TurboFan compiles in every process (~40 ms of CPU, from the first
// executions on: issue 9, a shard's start). Left apart, dispatch is 19 KB and the procedures
// are compiled each as it gets hot; the code is the same, the hunt's rate the same within the
// spread of alternated runs (bench/ab-hunt.mjs), a linux-2.4.16 shard of 20,000 executions
// ~35 ms of CPU cheaper. (150 split dispatch further and cost the hunt 15%.)
const ONE_CALLER_INLINE = "500";
// A function of up to ALWAYS_INLINE binaryen expressions is inlined at every call site, even one
// that calls or loops (binaryen's default is 2; wasm-opt's -O3 inlines larger ones only when
// they are "lightweight", without calls or loops, up to 20). At 80, 32 of the untraced build's
// 169 functions go into their callers: locks.ts block_on, sleep_on, up_read, wake_waiters_on;
// sched.ts pct_reordered, sched_yield; rest.ts clean_at_rest_touched; vmscan.ts tso_put,
// tso_release, tso_preserve, kswapd_balance, kswapd_sleep; swap_state.ts first/second_lookup_done,
// swap_cache_insert; swapfile.ts exclusive_swap_page_nolock and the unuse_* steps; and others
// (wasm-opt -g on an asc --debug build shows them), each call of which cost a V8 prologue, stack
// check and epilogue. (Several were tried one by one with @inline before, within the noise or
// slower: assembly/README.md, issue 14.) Measured side by side (bench/ab-hunt.mjs, `--model linux-2.4.16`, 100-150 rounds of 10,000
// executions, the same campaign hashes): 40 +1.8%, 60 +2.8%, 70 +6.6%, 80 +3.2% to +7.1% (five
// runs), 90 +5.8%, 100 -0.2%, 120 +0.2%, 200 +3.4% (from 100 on a larger helper is copied into
// every caller: the untraced Wasm grows from 108 KB to 153 KB and more, where 80 took it from 88
// KB to 108 KB). The traced build keeps binaryen's default (see `builds`).
const ALWAYS_INLINE = "80";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "bin/asc.js");
const wasmOpt = path.join(path.dirname(require.resolve("binaryen/package.json")), "bin/wasm-opt");
// The features asc's output uses: wasm-opt must neither reject them nor add others.
const FEATURES = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int"];

const run = promisify(execFile);
/** Runs a Node script; its output is printed when it fails. */
async function node(script, args) {
  try {
    await run(process.execPath, [script, ...args], { cwd: root });
  } catch (err) {
    process.stderr.write(`${err.stdout ?? ""}${err.stderr ?? ""}`);
    throw new Error(`${path.basename(script)} ${args.join(" ")} failed`);
  }
}

const UNTRACED = { use: ["--use", "FAULTSIM_UNTRACED=1"], opt: ["--always-inline-max-function-size", ALWAYS_INLINE] };
const builds = [
  { out: "build/faultsim.wasm", use: [], opt: [] },
  // ALWAYS_INLINE on the search's build only: the traced one runs replays, short and cold,
  // where TurboFan's compile of the larger code would cost more than it saves.
  { out: "build/faultsim-untraced.wasm", ...UNTRACED },
];

/** asc, then wasm-opt as every build here takes it; `names`: keep the function names. */
async function build(b, names = false) {
  const debug = names ? ["--debug"] : [];
  await node(asc, ["assembly/index.ts", "--target", "release", ...debug, ...b.use, "-o", b.out]);
  await node(wasmOpt, [
    b.out,
    "-O3",
    ...(names ? ["-g"] : []),
    "--one-caller-inline-max-function-size",
    ONE_CALLER_INLINE,
    ...b.opt,
    ...FEATURES,
    "-o",
    b.out,
  ]);
}

// `node src/build/build-wasm.mjs --named FILE`: the untraced build with its function names (a
// name section; the same code otherwise) for profilers, written to FILE and loaded through
// FAULTSIM_WASM_UNTRACED (bench/perf-bulk.sh, bench/prof-hunt.mjs). build/ is left alone.
const named = process.argv.indexOf("--named");
if (named >= 0) {
  const out = process.argv[named + 1];
  if (!out) {
    console.error("usage: node src/build/build-wasm.mjs [--named FILE]");
    process.exit(2);
  }
  await build({ out: path.resolve(out), ...UNTRACED }, true);
  console.log(`built ${out} (untraced, with names)`);
} else {
  // The two builds side by side (a machine has two cores or more).
  await Promise.all(builds.map((b) => build(b)));
  await node(path.join(root, "src/build/model-id.mjs"), []);
  console.log(`built ${builds.map((b) => b.out).join(", ")}`);
}
