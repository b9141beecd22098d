// `npm run mutants`: every mutant of table.ts (or those asked for) built and hunted, N at a
// time, after the unmutated tree, which must survive the same budget (else a caught mutant
// would prove nothing). The score is the mutants caught over those not argued equivalent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildMutant } from "./build.js";
import { huntWasm, type HuntOutcome } from "./hunt.js";
import type { Mutant } from "./table.js";

/** caught: the hunt found a violation; crashed: the model trapped (the simulator's own kind of
 *  oops: counted as caught); survived: nothing within the budget; build-failed: the mutant does
 *  not compile (a bug of the table). */
export type MutantOutcome = "caught" | "crashed" | "survived" | "build-failed";

export interface MutantResult {
  /** The mutant's id; "none" for the unmutated tree. */
  id: string;
  outcome: MutantOutcome;
  hunt?: HuntOutcome;
  /** Why it did not build, or the hunt's error line (crashed). */
  error?: string;
}

export interface RunMutantsOptions {
  mutants: readonly Mutant[];
  /** CPU budget of each hunt (ms). */
  budgetMs: number;
  seed: number;
  jobs: number;
  /** Run the unmutated tree first (it must survive). */
  baseline: boolean;
  /** Keep each mutant's directory (sources, Wasm, repro files) instead of removing it. */
  keep?: boolean;
  /** Called as each result comes in. */
  onResult?: (r: MutantResult, m: Mutant | undefined) => void;
}

export interface RunMutantsResult {
  baseline?: MutantResult;
  results: MutantResult[];
  /** Where the builds were made. */
  workDir: string;
}

const outcomeOf = (h: HuntOutcome): MutantOutcome => (h.exitCode === 1 ? "caught" : h.exitCode === 0 ? "survived" : "crashed");

async function one(m: Mutant | undefined, o: RunMutantsOptions, workDir: string): Promise<MutantResult> {
  const id = m?.id ?? "none";
  const dir = path.join(workDir, id);
  let r: MutantResult;
  try {
    const wasm = await buildMutant(m, dir);
    const hunt = await huntWasm({ wasm, budgetMs: o.budgetMs, seed: o.seed, out: dir });
    r = { id, outcome: outcomeOf(hunt), hunt, ...(hunt.error ? { error: hunt.error } : {}) };
  } catch (err) {
    r = { id, outcome: "build-failed", error: (err as Error).message };
  }
  if (!o.keep) rmSync(dir, { recursive: true, force: true });
  o.onResult?.(r, m);
  return r;
}

/** Builds and hunts every mutant, o.jobs at a time (each build and hunt is one process). */
export async function runMutants(o: RunMutantsOptions): Promise<RunMutantsResult> {
  const workDir = mkdtempSync(path.join(tmpdir(), "faultsim-mutants-"));
  try {
    const baseline = o.baseline ? await one(undefined, o, workDir) : undefined;
    const results: MutantResult[] = new Array(o.mutants.length);
    let next = 0;
    const worker = async () => {
      while (next < o.mutants.length) {
        const i = next++;
        results[i] = await one(o.mutants[i], o, workDir);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, o.mutants.length)) }, worker));
    return { baseline, results, workDir };
  } finally {
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

export interface MutantScore {
  /** Mutants run, those argued equivalent, those scored (the rest), and of those caught. */
  total: number;
  equivalent: number;
  scored: number;
  caught: number;
  /** caught / scored (1 when nothing is scored). */
  score: number;
  /** Scored mutants not caught. */
  survivors: string[];
}

export function scoreOf(results: readonly MutantResult[], mutants: readonly Mutant[]): MutantScore {
  const byId = new Map(mutants.map((m) => [m.id, m]));
  let equivalent = 0,
    caught = 0;
  const survivors: string[] = [];
  for (const r of results) {
    if (byId.get(r.id)?.equivalent) {
      equivalent++;
      continue;
    }
    if (r.outcome === "caught" || r.outcome === "crashed") caught++;
    else survivors.push(r.id);
  }
  const scored = results.length - equivalent;
  return { total: results.length, equivalent, scored, caught, score: scored === 0 ? 1 : caught / scored, survivors };
}
