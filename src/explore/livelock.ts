// Telling a long execution from a livelock. A hunt's execution stops at HUNT_LOGCAP steps
// (all a repro's schedule holds); with many CPUs and ops a legal execution can take longer
// (2.4.16, 8 CPUs x 32 ops, PCT: 9 in 300 executions past 16,384 steps, the longest 20,584),
// while a real livelock (2.4.16 with too little memory for its CPUs: every CPU in direct
// reclaim, none freeing) never ends. So an execution stopped at the bound is run again,
// from its start, for livelockRunOn steps (HUNT_LIVELOCK_STEPS, or more on a --jiffy-steps
// clock), and run on from its bound as long with a uniform choice at every step: only one
// that ends in neither is a livelock. Measured with 300 executions of hunt seed 1 at the
// model's own step counter.
import type { Engine } from "../wasm/engine.js";
import { CFG, G, RUN, VIOLATION_IDS } from "../wasm/abi.js";
import { HUNT_LIVELOCK_STEPS, HUNT_LOGCAP } from "./machine.js";
import { verdictOf, type Verdict } from "./execute.js";
import { InternalError } from "../errors.js";

/** Seconds of the model's clock a run-on lasts at least where the OOM killer acts on it. */
const RUN_ON_OOM_SECONDS = 4;

/**
 * How long an execution past the bound is run on before it is called a livelock: by the hunt
 * (confirmLimit), by a replay and by the shrinker alike, so that a shrunk repro replays as the
 * hunt judged it. HUNT_LIVELOCK_STEPS; where the OOM killer acts on the execution's clock
 * (--jiffy-steps: CFG.OOM_CLOCK, a jiffy of 2^CFG.JIFFY_SHIFT steps), at least
 * RUN_ON_OOM_SECONDS seconds of it: an allocation that loops for the killer ends only after
 * a second of failures per kill (mm/oom_kill.c out_of_memory), which at a jiffy of 2,048
 * steps or more outlasts HUNT_LIVELOCK_STEPS (`hunt --model linux-2.4.16-fixed --jiffy-steps
 * 4096 --mix all --slots 3 --pages 8` called 0.8% of its executions livelocks that a kill
 * after 409,600 steps ended).
 */
export function livelockRunOn(e: Engine): number {
  if (e.configWord(CFG.OOM_CLOCK) === 0) return HUNT_LIVELOCK_STEPS;
  const second = 100 * 2 ** e.configWord(CFG.JIFFY_SHIFT); // HZ jiffies
  return Math.max(HUNT_LIVELOCK_STEPS, RUN_ON_OOM_SECONDS * second);
}

/** What an execution stopped at HUNT_LOGCAP steps (RUN.LIMIT) really is: undefined when it
 *  ends clean within livelockRunOn steps, a livelock when it does not end there either, or
 *  a violation past the steps a repro holds (reported under the livelock signature, its
 *  message naming what was found and where: the repro replays only to the bound). The
 *  engine is left as the HUNT_LOGCAP run left it (its choice log is the one a repro holds).
 *  `zeroStats` clears counters the reruns added (the search loop, loop.ts, sums them per execution for a campaign). */
export function confirmLimit(e: Engine, seedBase: number, n: number, zeroStats?: () => void): Verdict | undefined {
  const runOn = livelockRunOn(e);
  let code = e.m.hunt_execution(seedBase, n, runOn);
  // Still running: from the bound on again, under a fair scheduler (fairFrom).
  if (code === RUN.LIMIT) code = fairFrom(e, seedBase, n, runOn);
  let v: Verdict | undefined;
  if (code === RUN.LIMIT) {
    const id = VIOLATION_IDS[14]; // livelock
    v = {
      id,
      signature: id,
      message: `no end after ${runOn} steps, nor in ${runOn} more past its bound with a uniform choice at every step`,
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

/** The execution run to the hunt's bound as it ran, then on for `steps` more with a
 *  uniform choice at every step (the model's sched_fair); run()'s code. PCT's priorities and
 *  the random walk's ranked handoff are biased on purpose, and can starve an agent for good: a
 *  CPU spinning on a lock that two others take in turn, always ranked above it (2.4.16-fixed,
 *  `hunt --jiffy-steps 1 --slots 3 --pages 8 --mix all --no-threads --sched random --seed 4`,
 *  execution 267,656, was a "livelock" so). Real CPUs run on their own: an execution that a
 *  fair choice ends is none. A kernel livelock (no agent can make progress) ends under no
 *  schedule. The hunt's run to its bound is deterministic: the same state as the hunt's. */
function fairFrom(e: Engine, seedBase: number, n: number, steps: number): number {
  const code = e.m.hunt_execution(seedBase, n, HUNT_LOGCAP);
  if (code !== RUN.LIMIT) throw new InternalError(`execution ${n} did not reach its bound again (run() code ${code})`);
  return runOnFairly(e, steps);
}

/** Stretches a run-on may add while the OOM killer goes on killing. */
const RUN_ON_MORE_WHILE_KILLING = 8;

/** Runs on for `steps` with a uniform choice at every step, untraced; run()'s code. The
 *  choices are drawn from a seed of their own (sched_set_fair), not from whatever the run to
 *  the bound left: a hunt, a replay and a shrink candidate reach the bound in the same state
 *  but by different schedulers, and must run on alike. A stretch in which the OOM killer
 *  killed made progress: another stretch follows (at most RUN_ON_MORE_WHILE_KILLING), as an
 *  execution can need a second of failures per kill and more kills than livelockRunOn's
 *  seconds (`hunt --model linux-2.4.16-fixed --jiffy-steps 4096 --mix all --slots 3 --pages 8
 *  --sched random --no-threads --seed 34`, execution 87,401: five kills, a second apart, before
 *  its swapoff gave up and it ended; a helper's sweep, 5 Dec 2026). */
function runOnFairly(e: Engine, steps: number): number {
  e.m.tracing(0);
  e.m.sched_fair();
  let kills = e.stat("oomKills");
  let code = e.run(steps);
  for (let more = 0; code === RUN.LIMIT && more < RUN_ON_MORE_WHILE_KILLING; more++) {
    const now = e.stat("oomKills");
    if (now === kills) break;
    kills = now;
    code = e.run(steps);
  }
  return code;
}

/** A run that a replay or a shrink candidate just stopped at the hunt's bound (RUN.LIMIT), run
 *  on for livelockRunOn steps more with a uniform choice at every step: whether it still does
 *  not end (a livelock), or ends (its schedule only starved an agent: no livelock). The
 *  engine is left past the bound. The shrinker asks with the same run-on as the hunt and the
 *  replay: with a shorter one (it had HUNT_LOGCAP, to spare its candidates) it kept
 *  executions that end between the two, and wrote repros `faultsim replay` then called no
 *  livelock. */
export function stillLivelocked(e: Engine): boolean {
  return runOnFairly(e, livelockRunOn(e)) === RUN.LIMIT;
}
