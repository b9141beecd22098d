// The race hunter on several cores (`faultsim hunt --workers N`): the same search as hunt(),
// split over worker threads as a campaign (src/workers): rounds of ROUND executions, each
// sharded over the pool and merged in execution order, so what a hunt finds depends on its
// seed and options, never on N or on which worker ran what. Findings are investigated here,
// in this thread, exactly as hunt() does (replayed, shrunk, drawn, packed as a repro).
//
// One difference from hunt() in one thread: PCT's k. hunt() refines k from the executions it
// has run, which ties each execution to the ones before it; a campaign fixes k first from a
// probe (calibratePctK: the mean decisions of 2 x 2,000 probe executions), so a hunt with
// workers runs different schedules than one without, from the same seed.
import { Engine } from "../wasm/engine.js";
import { WorkerPool } from "../workers/pool.js";
import { calibratePctK } from "../workers/hunt-range.js";
import type { CampaignResult, HuntParams } from "../workers/protocol.js";
import { pctBoundOfAgents } from "./pct.js";
import { Replayer, type Verdict } from "./execute.js";
import { investigate, huntWorkloadOf, type Finding, type HuntOptions, type HuntResult } from "./hunt.js";

/** Executions per round: between two rounds the hunt looks at its clock, its budget and
 *  Ctrl-C, and reports progress (~0.1 s a round on two cores). The result does not depend on
 *  the number of workers, only on this. */
export const ROUND = 1 << 16;

/** The campaign job of a hunt: its machine, model, scheduler and workload, PCT's k fixed. */
function huntParams(o: HuntOptions, pctK: number): HuntParams {
  return {
    backend: o.backend, flags: o.model.flags, machine: o.machine, sched: o.sched, depth: o.depth, pctK, huntSeed: o.seed,
    workload: huntWorkloadOf(o),
  };
}

/** Executions, steps and PCT's n and k of the rounds run so far. */
interface Totals { executions: number; steps: number; maxDecisions: number; agentMask: number }

function add(t: Totals, r: CampaignResult): void {
  t.executions += r.executions;
  t.steps += r.steps;
  t.maxDecisions = Math.max(t.maxDecisions, r.maxDecisions);
  t.agentMask |= r.agentMask;
}

/** hunt() over `workers` worker threads (see the header for what differs). */
export async function huntInWorkers(o: HuntOptions, workers: number): Promise<HuntResult> {
  const pct = o.sched === "pct";
  const pctK = pct ? calibratePctK(await Engine.create(o.backend, "untraced"), huntParams(o, 1)) : 1;
  const job = { kind: "hunt" as const, params: huntParams(o, pctK) };
  const pool = await WorkerPool.start({ workers });
  const t: Totals = { executions: 0, steps: 0, maxDecisions: 0, agentMask: 0 };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let replayer: Replayer | undefined;
  let investigating = 0;
  const start = performance.now();
  const deadline = start + o.budgetMs;
  try {
    let next = 0; // the next execution index
    while (next < o.executions && performance.now() < deadline && !o.signal?.aborted) {
      const count = Math.min(ROUND, o.executions - next);
      const r = await pool.run({ job, firstSeed: next, executions: count, stopOnViolation: true });
      add(t, r);
      next += r.executions; // up to and including a finding: the round stops there
      o.onProgress?.({ executions: t.executions, steps: t.steps, elapsedMs: performance.now() - start, findings: findings.length });
      const f = r.found;
      if (!f?.replay) continue;
      if (!seen.has(f.signature)) {
        seen.add(f.signature);
        const t0 = performance.now();
        replayer ??= await Replayer.create(o.machine, o.model.flags, o.backend);
        const verdict: Verdict = { id: f.violation as Verdict["id"], signature: f.signature, message: f.message, agent: -1 };
        findings.push(await investigate(replayer, o, f.seed, f.replay.seed, f.replay.ops, f.replay.schedule, verdict));
        investigating += performance.now() - t0;
      }
      if (!o.keepGoing) break;
    }
  } finally {
    await pool.close();
  }
  const elapsedMs = performance.now() - start;
  const huntingMs = elapsedMs - investigating;
  const secs = Math.max(huntingMs, 1e-3) / 1000;
  const result: HuntResult = {
    executions: t.executions, steps: t.steps, elapsedMs, huntingMs, executionsPerSec: t.executions / secs,
    stepsPerSec: t.steps / secs, findings, interrupted: o.signal?.aborted === true,
  };
  if (pct) result.pct = { ...pctBoundOfAgents(t.agentMask, o.machine.cpus, pctK, o.depth), maxDecisions: t.maxDecisions };
  return result;
}
