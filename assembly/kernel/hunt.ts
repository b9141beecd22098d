// One hunt execution in one call (the inner loop of src/explore/hunt.ts and of a campaign
// worker's src/workers/hunt-range.ts): the execution's seed from the hunt's, each CPU's op
// list, a fresh machine, the run. The host would otherwise make seven calls into the model
// and write the ops itself for every execution of ~140 steps.
//
// The op lists are src/explore/workload.ts's huntOp, op for op (test/explore/workload.test.ts
// holds the two equal): huntOp stays the reference, and what a repro records. The `| 0`s
// keep the JS twin's sums in i32 as Wasm's are.
//
// An execution that ends at rest is checked here too (rest.ts, the host's fused pass) and
// answered RUN_CLEAN when clean: the host then has nothing to check. RUN_DONE from here means
// "not clean by the fused pass": the host's full passes say what is wrong.
import { imul, irem, st } from "./platform";
import { cfg_set, CFG_SEED } from "./config";
import { nCpu, cpu_op_addr } from "./state";
import { mix32 } from "./rng";
import { make_op, OP_READ, OP_WRITE } from "./ops";
import { machine_boot, cpu_ops_final, run, RUN_DONE, RUN_CLEAN } from "./machine";
import { clean_at_rest } from "./rest";

const GOLDEN: i32 = 0x9e3779b9;

// The hunt's workload (src/explore/workload.ts HuntWorkload), set once per hunt.
let opsPerCpu: i32 = 0;
let writeBelow: i32 = 0;  // an op writes when its draw's top byte is below this
let pages: i32 = 1;
let mms: i32 = 1;
let shareMm: bool = true;

/** writeBelow = ceil(writeRatio * 256); shareMm: the CPUs are threads of mm 0, else CPU c
 *  uses mm c mod mms. */
export function hunt_workload(ops: i32, below: i32, nPages: i32, nMms: i32, share: bool): void {
  opsPerCpu = ops;
  writeBelow = below;
  pages = nPages > 0 ? nPages : 1;
  mms = nMms > 0 ? nMms : 1;
  shareMm = share;
}

/** The seed of execution n of the hunt whose seed base is `base` (workload.ts executionSeedFrom). */
@inline function execution_seed(base: i32, n: i32): i32 {
  return mix32((base + imul(n, GOLDEN)) | 0);
}

/** Writes each CPU's op list for execution seed s into its op ring, from slot 0. */
function fill_ops(s: i32): void {
  for (let cpu = 0; cpu < nCpu; cpu++) {
    const mm = shareMm ? 0 : irem(cpu, mms);
    // Op j's draw mixes s + (cpu << 8 | j + 1) * GOLDEN: the multiplier stepped by GOLDEN.
    let k = imul((cpu << 8) + 1, GOLDEN);
    for (let j = 0; j < opsPerCpu; j++) {
      const r = mix32((s + k) | 0);
      const page = irem(r & 0xffff, pages);
      const kind = (r >>> 24) < writeBelow ? OP_WRITE : OP_READ;
      st(cpu_op_addr(cpu, j), make_op(kind, mm, page, 0));
      k = (k + GOLDEN) | 0;
    }
  }
}

/** Runs execution n of a hunt on a fresh machine, up to maxSteps; returns run()'s code, or
 *  RUN_CLEAN for a RUN_DONE whose end state the fused check at rest finds clean. */
export function hunt_execution(seedBase: i32, n: i32, maxSteps: i32): i32 {
  const s = execution_seed(seedBase, n);
  cfg_set(CFG_SEED, s);
  machine_boot();
  fill_ops(s);
  for (let cpu = 0; cpu < nCpu; cpu++) cpu_ops_final(cpu, opsPerCpu);
  const r = run(maxSteps);
  return r == RUN_DONE && clean_at_rest() ? RUN_CLEAN : r;
}
