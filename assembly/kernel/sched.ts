// The scheduler's choices: which runnable agent runs the next section. Every choice is
// written to the choice log (one byte per step), so any execution replays exactly.
//   SCHED_RTC     run to completion: keep the last agent while it can run
//   SCHED_RANDOM  uniform among runnable agents
//   SCHED_PCT     probabilistic concurrency testing (Burckhardt et al. 2010): random distinct
//                 priorities, the highest runnable runs; at d-1 random change points in
//                 [1, k] the running agent drops below every initial priority. Steps are
//                 counted only where more than one agent could run (a change point anywhere
//                 else changes nothing), so k is the number of real scheduling decisions.
//   SCHED_REPLAY  the choice log, as recorded
import { ld8, st8, pop32, ctz32 } from "./platform";
import { cfg, CFG_PCT_DEPTH, CFG_PCT_K, CFG_SCHED, CFG_LOG_RING } from "./config";
import {
  gget, gset, nAgents, ag_get, ag_set, AG_PRIO, LOG, logMask, G_LOG_LEN, G_REPLAY_LEN, G_STEP,
  G_LAST_AGENT, G_PCT_NEXT_CP, G_PCT_CP0, G_PCT_SWITCHES, G_PCT_DECISIONS,
} from "./state";
import { rng_below } from "./rng";

export const SCHED_RTC: i32 = 0;
export const SCHED_RANDOM: i32 = 1;
export const SCHED_PCT: i32 = 2;
export const SCHED_REPLAY: i32 = 3;
export const MAX_PCT_DEPTH: i32 = 8;

let sched: i32 = 0;
let logRing: bool = false;

/** nth (0-based) set bit of mask. */
function nth_bit(mask: i32, n: i32): i32 {
  while (n > 0) { mask &= mask - 1; n--; }
  return ctz32(mask);
}

/** Draws PCT priorities and change points for a new execution (after rng_seed). */
function pct_setup(): void {
  const d = cfg(CFG_PCT_DEPTH);
  // Priorities d .. d+n-1 in a random order (Fisher-Yates over the agents).
  for (let a = 0; a < nAgents; a++) ag_set(a, AG_PRIO, d + a);
  for (let a = nAgents - 1; a > 0; a--) {
    const b = rng_below(a + 1);
    const t = ag_get(a, AG_PRIO);
    ag_set(a, AG_PRIO, ag_get(b, AG_PRIO));
    ag_set(b, AG_PRIO, t);
  }
  // d-1 change points uniform in [1, k], kept sorted.
  const k = cfg(CFG_PCT_K) > 1 ? cfg(CFG_PCT_K) : 1;
  const n = d - 1 < MAX_PCT_DEPTH ? d - 1 : MAX_PCT_DEPTH;
  for (let j = 0; j < n; j++) {
    let cp = 1 + rng_below(k);
    let i = j;
    while (i > 0 && gget(G_PCT_CP0 + i - 1) > cp) { gset(G_PCT_CP0 + i, gget(G_PCT_CP0 + i - 1)); i--; }
    gset(G_PCT_CP0 + i, cp);
  }
  for (let j = n; j < MAX_PCT_DEPTH; j++) gset(G_PCT_CP0 + j, -1);
  gset(G_PCT_NEXT_CP, 0);
}

export function sched_reset(): void {
  sched = cfg(CFG_SCHED);
  logRing = cfg(CFG_LOG_RING) != 0;
  gset(G_LOG_LEN, 0);
  gset(G_LAST_AGENT, -1);
  gset(G_PCT_SWITCHES, 0);
  gset(G_PCT_DECISIONS, 0);
  if (sched == SCHED_PCT) pct_setup();
}

/** Replay: the host wrote `len` choices into the log before reset. */
export function sched_set_replay(len: i32): void { gset(G_REPLAY_LEN, len); }

function pct_choose(mask: i32): i32 {
  if ((mask & (mask - 1)) == 0) return ctz32(mask); // one agent can run: no decision
  const step = gget(G_PCT_DECISIONS) + 1;
  gset(G_PCT_DECISIONS, step);
  let j = gget(G_PCT_NEXT_CP);
  // At a change point the agent that ran the last step drops to priority j + 1 (< d).
  while (j < MAX_PCT_DEPTH && gget(G_PCT_CP0 + j) >= 0 && gget(G_PCT_CP0 + j) <= step) {
    const last = gget(G_LAST_AGENT);
    if (last >= 0) ag_set(last, AG_PRIO, j + 1);
    j++;
  }
  gset(G_PCT_NEXT_CP, j);
  let best = -1;
  let bestPrio = -1;
  let m = mask;
  while (m != 0) {
    const a = ctz32(m);
    m &= m - 1;
    const p = ag_get(a, AG_PRIO);
    if (p > bestPrio) { bestPrio = p; best = a; }
  }
  return best;
}

/** Picks the agent for the next step from the runnable mask (nonzero); -1 when a replay
 *  log names an agent that cannot run (the replay diverged) or ran out. */
export function choose(mask: i32): i32 {
  let a: i32;
  if (sched == SCHED_RANDOM) {
    a = nth_bit(mask, rng_below(pop32(mask)));
  } else if (sched == SCHED_PCT) {
    a = pct_choose(mask);
  } else if (sched == SCHED_REPLAY) {
    const i = gget(G_STEP);
    if (i >= gget(G_REPLAY_LEN)) return -1;
    a = ld8(LOG + (i & logMask));
    if (((mask >> a) & 1) == 0) return -1;
  } else {
    const last = gget(G_LAST_AGENT);
    a = last >= 0 && ((mask >> last) & 1) != 0 ? last : ctz32(mask);
  }
  record(a);
  return a;
}

function record(a: i32): void {
  const last = gget(G_LAST_AGENT);
  if (last >= 0 && last != a) gset(G_PCT_SWITCHES, gget(G_PCT_SWITCHES) + 1);
  gset(G_LAST_AGENT, a);
  if (sched == SCHED_REPLAY) return;
  const n = gget(G_LOG_LEN);
  if (n > logMask && !logRing) return;
  st8(LOG + (n & logMask), a);
  gset(G_LOG_LEN, n + 1);
}
