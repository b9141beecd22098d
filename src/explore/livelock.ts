// Telling a long execution from a livelock. A hunt's execution stops at HUNT_LOGCAP steps
// (all a repro's schedule holds); with many CPUs and ops a legal execution can take longer
// (2.4.16, 8 CPUs x 32 ops, PCT: 9 in 300 executions past 16,384 steps, the longest 20,584),
// while a real livelock (2.4.16 with too little memory for its CPUs: every CPU in direct
// reclaim, none freeing) never ends. So an execution stopped at the bound is run again,
// from its start, with HUNT_LIVELOCK_STEPS: only one that does not end there either is a
// livelock. Measured with 300 executions of hunt seed 1 at the model's own step counter.
import type { Engine } from "../wasm/engine.js";
import { G, RUN, VIOLATION_IDS } from "../wasm/abi.js";
import { HUNT_LIVELOCK_STEPS, HUNT_LOGCAP } from "./machine.js";
import { verdictOf, type Verdict } from "./execute.js";
import { InternalError } from "../errors.js";

/** What an execution stopped at HUNT_LOGCAP steps (RUN.LIMIT) really is: undefined when it
 *  ends clean within HUNT_LIVELOCK_STEPS, a livelock when it does not end there either, or
 *  a violation past the steps a repro holds (reported under the livelock signature, its
 *  message naming what was found and where: the repro replays only to the bound). The
 *  engine is left as the HUNT_LOGCAP run left it (its choice log is the one a repro holds).
 *  `zeroStats` clears counters the reruns added (the search loop, loop.ts, sums them per execution for a campaign). */
export function confirmLimit(e: Engine, seedBase: number, n: number, zeroStats?: () => void): Verdict | undefined {
  let code = e.m.hunt_execution(seedBase, n, HUNT_LIVELOCK_STEPS);
  // Still running: from the bound on again, under a fair scheduler (fairFrom).
  if (code === RUN.LIMIT) code = fairFrom(e, seedBase, n);
  let v: Verdict | undefined;
  if (code === RUN.LIMIT) {
    const id = VIOLATION_IDS[14]; // livelock
    v = {
      id,
      signature: id,
      message: `no end after ${HUNT_LIVELOCK_STEPS} steps, nor in ${HUNT_LIVELOCK_STEPS} more past its bound with a uniform choice at every step`,
      agent: -1,
    };
  } else {
    const past = verdictOf(e, code);
    // A violation after the steps a repro can hold: reported as a livelock of the hunt's
    // bound, with what was found past it named (the repro replays to the bound).
    if (past) {
      v = {
        id: VIOLATION_IDS[14],
        signature: VIOLATION_IDS[14],
        message: `no end within ${HUNT_LOGCAP} steps; run on, it found ${past.signature} at step ${e.global(G.STEP)}`,
        agent: -1,
      };
    }
  }
  e.m.hunt_execution(seedBase, n, HUNT_LOGCAP); // back to the recorded execution
  zeroStats?.();
  return v;
}

/** The execution run to the hunt's bound as it ran, then on for HUNT_LIVELOCK_STEPS more with a
 *  uniform choice at every step (the model's sched_fair); run()'s code. PCT's priorities and
 *  the random walk's ranked handoff are biased on purpose, and can starve an agent for good: a
 *  CPU spinning on a lock that two others take in turn, always ranked above it (2.4.16-fixed,
 *  `hunt --jiffy-steps 1 --slots 3 --pages 8 --mix all --no-threads --sched random --seed 4`,
 *  execution 267,656, was a "livelock" so). Real CPUs run on their own: an execution that a
 *  fair choice ends is none. A kernel livelock (no agent can make progress) ends under no
 *  schedule. The hunt's run to its bound is deterministic: the same state as the hunt's. */
function fairFrom(e: Engine, seedBase: number, n: number): number {
  const code = e.m.hunt_execution(seedBase, n, HUNT_LOGCAP);
  if (code !== RUN.LIMIT) throw new InternalError(`execution ${n} did not reach its bound again (run() code ${code})`);
  return runOnFairly(e, HUNT_LIVELOCK_STEPS);
}

/** Runs on for `steps` with a uniform choice at every step, untraced; run()'s code. */
function runOnFairly(e: Engine, steps: number): number {
  e.m.tracing(0);
  e.m.sched_fair();
  return e.run(steps);
}

/** A run that a replay or a shrink candidate just stopped at the hunt's bound (RUN.LIMIT), run
 *  on for `steps` more with a uniform choice at every step: whether it still does not end (a
 *  livelock), or ends (its schedule only starved an agent: no livelock). The engine is left
 *  past the bound. (The shrinker runs on for HUNT_LOGCAP steps, not HUNT_LIVELOCK_STEPS: a
 *  starved agent, once chosen, gets its lock within hundreds of steps, and every candidate
 *  that reaches the bound pays it.) */
export function stillLivelocked(e: Engine, steps = HUNT_LIVELOCK_STEPS): boolean {
  return runOnFairly(e, steps) === RUN.LIMIT;
}
