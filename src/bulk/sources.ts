// Where bulk mode gets its op streams (the model's generator, configured by src/workload)
// and its deep checker (src/invariants).
import type { Checker, WorkloadOptions } from "./workload-contract.js";
import { DEFAULT_WORKLOAD, validateWorkload, type WorkloadOptions as GeneratorOptions } from "../workload/index.js";
import { checkInvariants } from "../invariants/check.js";

export interface BulkSources {
  checker?: Checker;
  /** Parts not in the tree (bench/ reports them); empty since src/workload and src/invariants landed. */
  missing: string[];
}

/** Bulk mode's workload options in src/workload's terms. */
export function generatorOptions(o: WorkloadOptions): GeneratorOptions {
  return {
    cpus: o.cpus,
    mms: o.mms,
    pagesPerMm: o.pagesPerMm,
    areas: o.areas,
    pattern: o.pattern,
    writeRatio: o.writeRatio,
    threadsShareMm: o.threads,
    hotFraction: o.hotFraction ?? DEFAULT_WORKLOAD.hotFraction,
    hotProbability: o.hotProbability ?? DEFAULT_WORKLOAD.hotProbability,
    forkRate: o.forkRate,
    exitRate: o.exitRate,
    munmapRate: o.munmapRate,
    swapoffRate: o.swapoffRate,
    swaponRate: o.swaponRate,
    steady: o.steady === true,
  };
}

/** Throws UsageError (one line) on workload options the generator cannot take. */
export function checkWorkload(o: WorkloadOptions): void {
  validateWorkload(generatorOptions(o));
}

export async function loadBulkSources(): Promise<BulkSources> {
  return { checker: checkInvariants, missing: [] };
}
