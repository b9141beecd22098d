// The scheduler's choices: which runnable agent runs the next section. Every choice is
// written to the choice log (one byte per step), so any execution replays exactly.
//   SCHED_RTC     run to completion: keep the last agent while it can run
//   SCHED_RANDOM  uniform among runnable agents; with CFG_RANDOM_WALK (the hunt's) a random
//                 walk whose switch probabilities each execution draws (walk_setup)
//   SCHED_PCT     probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): distinct
//                 priorities, the highest runnable agent runs. d-1 change points, each at a
//                 random decision in [1, k] with its own value 1 .. d-1 (the paper's k_i with
//                 value i: which one comes first is as random as where): there the agent that
//                 ran the last step drops to the point's value, below every initial priority.
//                 A decision is counted only where a change point is a preemption: more than
//                 one agent could run and the last one could run on. Initial priorities: the
//                 CPUs in a random order, below the agents they wake (see pct_setup).
//   SCHED_REPLAY  the choice log, as recorded
import { ld8, st8, pop32, ctz32, imul } from "./platform";
import { cfg, CFG_PCT_DEPTH, CFG_PCT_K, CFG_SCHED, CFG_LOG_RING, CFG_RANDOM_WALK } from "./config";
import {
  gget, gset, nAgents, nCpu, ag_get, ag_set, AG_PRIO, LOG, logMask, G_LOG_LEN, G_REPLAY_LEN, G_STEP,
  G_LAST_AGENT, G_PCT_NEXT_CP, G_PCT_CP0, G_PCT_SWITCHES, G_PCT_DECISIONS, PCT_BEST, PCT_BEST_BYTES,
  G_WALK_HANDOFF, G_WALK_BURST_J, RUN_LIST,
} from "./state";
import { rng_below, rng_next, rng_seed } from "./rng";

export const SCHED_RTC: i32 = 0;
export const SCHED_RANDOM: i32 = 1;
export const SCHED_PCT: i32 = 2;
export const SCHED_REPLAY: i32 = 3;
export const MAX_PCT_DEPTH: i32 = 8;
/** The random walk's levels (walk_setup): a turn ends after each step with probability 2^-j,
 *  j uniform in [0, WALK_BURST_LEVELS) per turn. Measured on the hunt machines (bench/
 *  hunt-figures.ts hits, 6 ops): bursts of 6, 7, 8, 10 levels found 2.4.0's 14 Sep route 7,
 *  16, 14, 10 times in 300K executions; with 8 ops, j uniform in 0..8, 1..6, 1..7 or 0..5, or
 *  drawn from {0, 7}, {0, 8}, {0, 2, 4, 6, 8} or {0, 1, 6, 7}, found it less often than 0..6. */
export const WALK_BURST_LEVELS: i32 = 7;
/** G_WALK_HANDOFF: how a turn that ends picks the next agent among the other runnable ones
 *  (walk_setup draws one per execution, each half the time). */
export const WALK_UNIFORM: i32 = 1;
export const WALK_RANKED: i32 = 2;
/** A choice-log byte: the agent in the low 4 bits; the high 4 bits, when nonzero, a choice the
 *  step itself made among n alternatives (sched_pick: which queued request the disk completes). */
export const CHOICE_AGENT: i32 = 15;
export const CHOICE_PICK_SHIFT: i32 = 4;
export const CHOICE_PICK_MAX: i32 = 15;

let sched: i32 = 0;
let logRing: bool = false;

// PCT's hot path, kept out of linear memory (AG_PRIO and G_PCT_* stay the record): the
// agents in priority order, highest first, 4 bits each (machines of up to 8 agents; larger
// ones walk AG_PRIO), and the decision at which the next change point falls.
let pctOrder: i32 = 0;
let pctOrdered: bool = false;
// Machines of up to 4 agents (the hunt's: 2 CPUs, the disk, kswapd): the highest runnable
// agent for every runnable mask, 2 bits per mask, so a choice is one shift and no loop.
let pctTable: i32 = 0;
let pctTabled: bool = false;
// Machines of 5 or 6 agents (the hunt's default: 3 CPUs, the disk, kswapd): the same answer
// from a byte per runnable mask at state.ts PCT_BEST, rebuilt at every reset and change point
// (2^n entries: past 6 agents a rebuild would cost more than the walks it saves).
let pctBytes: bool = false;
let pctNextAt: i32 = 0x7fffffff;
// PCT's run of one agent: after a choice of agent burstAgent from the runnable mask burstMask,
// every later step whose mask is the same, before the next change point can fall and before
// any priority changes, chooses burstAgent again (the highest runnable agent of an unchanged
// mask and order), and it is the agent that ran the step before: no switch, no agent new to
// the log. choose() takes those steps by two compares (143 of the 154 steps of a default
// 2.4.16 hunt execution run the agent of the step before). burstCounted: whether such a step
// is a decision (more than one agent can run, the last one among them: pct_choose);
// burstLimit: the decisions before which no change point falls. burstMask 0 (never a mask
// the loop chooses from): no run; pct_reordered, sched_reset and sched_begin clear it.
let burstMask: i32 = 0;
let burstAgent: i32 = 0;
let burstCounted: i32 = 0;
let burstLimit: i32 = 0;
/** Tests: false = no runs, every step through pct_choose and record (sched_set_runs). */
let runsOn: bool = true;
export function sched_set_runs(on: bool): void { runsOn = on; burstMask = 0; }

/** The fair run-on's seed (any constant: what matters is that every caller draws the same). */
const FAIR_SEED: i32 = 0x6a1f5eed;

/** From the next run() on, a uniform choice among the runnable agents at every step: no PCT
 *  priorities, no random walk's turns or ranked handoff. The hunt's livelock check
 *  (src/explore/livelock.ts) runs an execution on so past its bound: a scheduler biased on
 *  purpose can starve an agent that real hardware would run. */
export function sched_set_fair(): void {
  // Its own seed: a hunt, a replay and a shrink candidate reach the bound in one state by
  // different schedulers (PCT's or the walk's draws, a replay's log), and must run on alike.
  rng_seed(FAIR_SEED);
  sched = SCHED_RANDOM;
  gset(G_WALK_HANDOFF, 0);
  gset(G_WALK_BURST_J, 0);
  burstMask = 0;
}
// sched_yield's next priority: below every priority PCT hands out (those are >= 1), and
// below the agents that yielded before.
let yieldPrio: i32 = 0;
// G_LAST_AGENT, G_LOG_LEN, G_PCT_SWITCHES and G_PCT_DECISIONS as well: only the scheduler
// reads them during run(), so they live here and sched_flush() writes them back whenever
// run() returns (the host reads them between runs; nothing else in the model does).
let lastAgent: i32 = -1;
let logLen: i32 = 0;
// The log's fingerprint as record() writes it (kernel/hunt.ts execution_print): FNV-1a over
// the bytes before the last, that last byte (sched_pick may still add its pick), and the
// agents logged, a bit each. Folded a step late, off the step's own chain of work, where
// the hunt otherwise read the whole log back after each execution (~4% of one).
const FNV_OFFSET: i32 = 0x811c9dc5;
const FNV_PRIME: i32 = 0x01000193;
let printHash: i32 = FNV_OFFSET;
// FNV_PRIME's inverse mod 2^32: printHash = FNV_OFFSET * FNV_PRIME_INV with printLast = 0 folds
// to FNV_OFFSET at the first byte, so record() folds every byte without a test for the first.
const FNV_PRIME_INV: i32 = 0x359c449b;
// record() logs while logLen is below this: 0 for a replay (the log is the input), the log's
// size, or no limit for a ring (sched_reset). One compare where three tests were.
let logLimit: i32 = 0;
let printLast: i32 = 0;
let printMask: i32 = 0;
// SCHED_RANDOM between two agents (most steps of a 2-CPU run) takes one bit of a 32-bit draw.
let coinBits: i32 = 0;
let coinLeft: i32 = 0;
let switches: i32 = 0;
let decisions: i32 = 0;
// SCHED_RANDOM with CFG_RANDOM_WALK (walk_setup): its draws are global words, not Wasm
// globals, so that a copy of linear memory is the whole machine (as G_WAITERS):
// G_WALK_HANDOFF (WALK_UNIFORM or WALK_RANKED; its ranks are AG_PRIO) and G_WALK_BURST_J, the
// running turn's j. Both stay 0 without the walk (bulk runs' uniform random, PCT, replay), so
// those executions' state hashes are as before.
// The agent that called sched_yield since the host last asked (sched_yield_take), -1 none:
// the exhaustive search (src/explore/exhaustive.ts) steps one section at a time and counts a
// switch away from an agent that has just yielded as no preemption (CHESS does the same: a
// yield is the thread's own offer to be switched). Bookkeeping only, no model state.
let yielded: i32 = -1;

/** The agent that yielded in the steps since the last call, -1 none; clears it. */
export function sched_yield_take(): i32 {
  const a = yielded;
  yielded = -1;
  return a;
}

// The random scheduler's runnable agents in ascending order, 4 bits each (agents < 16; the
// 9th and later in runHi), for the runnable mask runMask. Rebuilt when the mask changes (an
// agent blocks, sleeps, wakes or finishes), which happens far more rarely than a choice: a
// choice among more than two agents is then one load, where clearing n low bits of the mask
// took a mispredicted loop exit on almost every step (8 CPUs: a sixth of the run loop's time).
// A cache of the mask only: no state, nothing to reset (0 is never a mask the loop chooses from).
let runMask: i32 = 0;
let runLo: i32 = 0;
let runHi: i32 = 0;

/** nth (0-based) set bit of mask (n < pop32(mask)). */
@inline function nth_bit(mask: i32, n: i32): i32 {
  if (mask != runMask) run_list(mask);
  const shift = (n & 7) << 2;
  return n < 8 ? (runLo >>> shift) & 15 : (runHi >>> shift) & 15;
}

function run_list(mask: i32): void {
  let lo = 0, hi = 0, i = 0, m = mask;
  while (m != 0) {
    const a = ctz32(m);
    m &= m - 1;
    if (i < 8) lo |= a << (i << 2);
    else hi |= a << ((i - 8) << 2);
    i++;
  }
  runMask = mask;
  runLo = lo;
  runHi = hi;
}

// The uniform scheduler's runnable agents (SCHED_RANDOM without the walk: bulk runs), for the
// runnable mask uniMask: uniN of them, in ascending order a byte each at state.ts RUN_LIST.
// Rebuilt when the mask changes (7.5% of the steps of bulk runs of 8 CPUs) and at every run()
// start (sched_begin: the host may have written memory, RUN_LIST with it). A step's choice is
// then a count's test and one load: the mask's population, its two-agent case and the
// nibble's shift and select were recomputed at every step before (issue 12: 26 of the
// 56 instructions a uniform choice among 8 CPUs took; callgrind, bench/ab-cpus.mjs's case).
// walkOn: G_WALK_HANDOFF != 0 (the hunt's random walk), read at sched_reset and sched_begin
// (nothing else writes it).
let uniMask: i32 = 0;
let uniN: i32 = 0;
let walkOn: bool = false;

function uniform_list(mask: i32): void {
  let m = mask, i = 0;
  while (m != 0) {
    st8(RUN_LIST + i, ctz32(m));
    m &= m - 1;
    i++;
  }
  uniMask = mask;
  uniN = i;
}

/** Agents [from, to) get priorities base .. base + (to - from) - 1 in a random order (Fisher-Yates). */
function shuffle_prios(from: i32, to: i32, base: i32): void {
  for (let a = from; a < to; a++) ag_set(a, AG_PRIO, base + a - from);
  for (let a = to - 1; a > from; a--) {
    const b = from + rng_below(a - from + 1);
    const t = ag_get(a, AG_PRIO);
    ag_set(a, AG_PRIO, ag_get(b, AG_PRIO));
    ag_set(b, AG_PRIO, t);
  }
}

/** Draws PCT priorities and change points for a new execution (after rng_seed). The CPUs
 *  get priorities d .. d+c-1 in a random order; the agents the CPUs wake (the disk, kswapd)
 *  rank above every CPU, in a random order among themselves: woken, they act at once (as a
 *  device or a daemon on its own CPU would) unless a change point has demoted them. A
 *  helper ranked below the CPUs would run only when both CPUs wait, and reclaim or I/O in
 *  the middle of a fault would then cost change points: measured on linux-2.4.10-pre, the
 *  swap-cache duplicate needs about 7x fewer executions this way at depth 3. */
function pct_setup(): void {
  const d = cfg(CFG_PCT_DEPTH);
  shuffle_prios(0, nCpu, d);
  shuffle_prios(nCpu, nAgents, d + nCpu);
  // d-1 change points, each uniform in [1, k] and carrying its own priority value 1 .. d-1
  // (the paper's k_i with value i). Which value comes first in time is as random as the
  // positions: the later-demoted agent may rank above or below the earlier-demoted one.
  // Kept sorted by position as (position << 4 | value).
  const k = cfg(CFG_PCT_K) > 1 ? cfg(CFG_PCT_K) : 1;
  const n = d - 1 < MAX_PCT_DEPTH ? d - 1 : MAX_PCT_DEPTH;
  for (let j = 0; j < n; j++) {
    const cp = ((1 + rng_below(k)) << 4) | (j + 1);
    let i = j;
    while (i > 0 && gget(G_PCT_CP0 + i - 1) > cp) { gset(G_PCT_CP0 + i, gget(G_PCT_CP0 + i - 1)); i--; }
    gset(G_PCT_CP0 + i, cp);
  }
  for (let j = n; j < MAX_PCT_DEPTH; j++) gset(G_PCT_CP0 + j, -1);
  gset(G_PCT_NEXT_CP, 0);
  pctNextAt = n > 0 ? gget(G_PCT_CP0) >> 4 : 0x7fffffff;
  pct_order();
}

/** Recomputes the priority order from AG_PRIO (after the draw; pct_reordered after a change):
 *  the table for machines of up to 4 agents, else pctOrder. */
function pct_order(): void {
  pctTabled = nAgents <= 4;
  pctBytes = !pctTabled && (1 << nAgents) <= PCT_BEST_BYTES;
  pctOrdered = false;
  if (pctTabled) { pct_table(); return; }
  if (pctBytes) { pct_bytes(); return; }
  pctOrdered = nAgents <= 8;
  if (!pctOrdered) return;
  // An insertion sort, highest priority first (priorities are distinct).
  let order = 0;
  for (let a = 0; a < nAgents; a++) {
    const p = ag_get(a, AG_PRIO);
    let i = 0;
    while (i < a && ag_get((order >>> (i << 2)) & 15, AG_PRIO) >= p) i++;
    order = insert_nibble(order, i, a);
  }
  pctOrder = order;
}

/** order with a inserted as its i-th nibble (i < 8), the nibbles from i up moved one up. */
@inline function insert_nibble(order: i32, i: i32, a: i32): i32 {
  const shift = i << 2;
  const low = shift == 0 ? 0 : order & (-1 >>> (32 - shift));
  const high = shift >= 28 ? 0 : (order >>> shift) << (shift + 4);
  return low | (a << shift) | high;
}

/** Machines of up to 4 agents: the highest runnable agent of every mask (pctTable, 2 bits
 *  per mask). Agent a owns the masks that contain it and no agent of higher priority: no
 *  sort, no loop over masks (this runs at every reset and change point). An agent the
 *  machine lacks ranks lowest; no mask contains it. */
function pct_table(): void {
  const p0 = prio_or_lowest(0), p1 = prio_or_lowest(1), p2 = prio_or_lowest(2), p3 = prio_or_lowest(3);
  pctTable = owned(0, p0, p0, p1, p2, p3) | owned(1, p1, p0, p1, p2, p3) |
    owned(2, p2, p0, p1, p2, p3) | owned(3, p3, p0, p1, p2, p3);
}
@inline function prio_or_lowest(a: i32): i32 { return a < nAgents ? ag_get(a, AG_PRIO) : -0x7fffffff; }
/** Agent a's fields of the table (a in each): the masks with a, less those with a higher agent. */
@inline function owned(a: i32, pa: i32, p0: i32, p1: i32, p2: i32, p3: i32): i32 {
  let fields = mask_fields_with(a);
  if (p0 > pa) fields &= ~mask_fields_with(0);
  if (p1 > pa) fields &= ~mask_fields_with(1);
  if (p2 > pa) fields &= ~mask_fields_with(2);
  if (p3 > pa) fields &= ~mask_fields_with(3);
  return fields & imul(a, 0x55555555);
}
/** For agent a < 4, the 2-bit fields of pctTable whose mask contains a (field m = bits
 *  2m, 2m+1: odd masks for agent 0, masks 2,3,6,7,... for agent 1, and so on). */
@inline function mask_fields_with(a: i32): i32 {
  return a == 0 ? 0xcccccccc : a == 1 ? 0xf0f0f0f0 : a == 2 ? 0xff00ff00 : 0xffff0000;
}

/** Machines of 5 or 6 agents: the highest runnable agent of every mask, a byte each at
 *  PCT_BEST. A mask's answer is its lowest agent's or that of the mask without it, whichever
 *  ranks higher (priorities are distinct), so one pass upwards fills the table. */
function pct_bytes(): void {
  const n = 1 << nAgents;
  for (let m = 1; m < n; m++) {
    const a = ctz32(m);
    const rest = m & (m - 1);
    let best = a;
    if (rest != 0) {
      const b = ld8(PCT_BEST + rest);
      if (ag_get(b, AG_PRIO) > ag_get(a, AG_PRIO)) best = b;
    }
    st8(PCT_BEST + m, best);
  }
}

/** pct_bytes for the masks that hold agent a, after a's priority changed: a mask's answer is
 *  a or that of the mask without a (which the change left as it was), whichever ranks higher. */
function pct_bytes_with(a: i32): void {
  const n = 1 << nAgents;
  const bit = 1 << a;
  const pa = ag_get(a, AG_PRIO);
  st8(PCT_BEST + bit, a);
  // Every other mask with a: rest | bit, rest a nonzero mask without a (its answer stands).
  for (let rest = 1; rest < n; rest++) {
    if ((rest & bit) != 0) continue;
    const b = ld8(PCT_BEST + rest);
    st8(PCT_BEST + (rest | bit), ag_get(b, AG_PRIO) > pa ? b : a);
  }
}

/** The first agent of pctOrder whose bit is set in mask (nonzero). */
function pct_first_in_order(mask: i32): i32 {
  let order = pctOrder;
  for (let i = 0; i < nAgents; i++) {
    const a = order & 15;
    if (((mask >> a) & 1) != 0) return a;
    order >>>= 4;
  }
  return -1;
}

export function sched_reset(): void {
  sched = cfg(CFG_SCHED);
  logRing = cfg(CFG_LOG_RING) != 0;
  gset(G_LOG_LEN, 0);
  gset(G_LAST_AGENT, -1);
  logLen = 0;
  logLimit = sched == SCHED_REPLAY ? 0 : logRing ? 0x7fffffff : logMask + 1;
  printHash = imul(FNV_OFFSET, FNV_PRIME_INV);
  printLast = 0;
  printMask = 0;
  lastAgent = -1;
  burstMask = 0;
  gset(G_PCT_SWITCHES, 0);
  gset(G_PCT_DECISIONS, 0);
  switches = -1; // record() counts the first step, which follows no agent: it brings this to 0
  decisions = 0;
  coinLeft = 0;
  yieldPrio = 0;
  gset(G_WALK_HANDOFF, 0);
  gset(G_WALK_BURST_J, 0);
  if (sched == SCHED_PCT) pct_setup();
  else if (sched == SCHED_RANDOM) walk_setup();
  walkOn = gget(G_WALK_HANDOFF) != 0;
  uniMask = 0;
}

/** Draws the random walk for a new execution (after rng_seed), as swarm testing draws a
 *  configuration. Uniform random reaches a route that needs one agent to run a long stretch
 *  untouched while another is preempted at one particular step only with a chance that falls
 *  geometrically in the stretch (2.4.0's 14 Sep route: about 2^-14). The walk runs in turns:
 *  each turn draws its own j and goes on with probability 1 - 2^-j at each step; when it ends
 *  (or its agent cannot run on) the next turn goes to one of the other runnable agents. Half
 *  the executions hand it to one of them uniformly (WALK_UNIFORM); the other half rank the
 *  agents in a random order for the whole execution, as PCT does, and hand it to the
 *  highest-ranked one (WALK_RANKED). Ranked, two agents ranked above a third can trade many
 *  turns while the third waits, however short the turns: the 14 Sep route's kswapd waits
 *  while the reader and another CPU run, where a uniform handoff gives kswapd a chance at
 *  every turn's end. The uniform half keeps the diversity a fixed order lacks.
 *  Measured (bench/hunt-figures.ts hits, duplicates of linux-2.4.0's 14 Sep route in 300K
 *  executions of 8 ops, hunt seeds 1 / 2 / 3): 3 CPUs in 2 mms 48 / - / 38, against 27 / - / 26
 *  with 1 in 4 executions in agent levels (an agent's own j for the whole execution) and 3 in
 *  8 each uniform and ranked; on 3 processes 51 / 32 / -, against the old walk's (1 in 4 agent
 *  levels, the others uniform) 30 / 22 / - and uniform handoffs alone 29 / 30 / -.
 *  linux-2.4.10-pre's first duplicate (20 seeds) takes a median of 2,776 executions, against
 *  the old walk's 1,249: its vm_swap_full route came sooner with agent levels. */
function walk_setup(): void {
  if (cfg(CFG_RANDOM_WALK) == 0) return;
  const ranked = rng_below(2) == 0;
  if (ranked) shuffle_prios(0, nAgents, 1);
  gset(G_WALK_HANDOFF, ranked ? WALK_RANKED : WALK_UNIFORM);
  gset(G_WALK_BURST_J, rng_below(WALK_BURST_LEVELS));
}

/** The running agent yields the CPU in a loop that waits for others (2.4.16 __alloc_pages:
 *  SCHED_YIELD, schedule(), try again). Under PCT the highest runnable agent runs on, so an
 *  agent that loops until another makes progress would starve that other forever: a yield
 *  drops it below every agent (as a change point would, but at no cost of the budget d).
 *  The random scheduler needs nothing; run-to-completion (replay repair) keeps it, as it keeps
 *  any agent that can run, unless that fill reaches the step bound: the host then fills again
 *  handing the CPU on after each yield (src/explore/execute.ts yieldFill). Deterministic:
 *  replays follow the log. */
export function sched_yield(agent: i32): void {
  yielded = agent;
  if (sched != SCHED_PCT) return;
  ag_set(agent, AG_PRIO, yieldPrio);
  yieldPrio--;
  pct_reordered(agent);
}

/** Writes the scheduler's counters back to the globals (run() calls this on every return). */
export function sched_flush(): void {
  gset(G_LOG_LEN, logLen);
  gset(G_LAST_AGENT, lastAgent);
  gset(G_PCT_SWITCHES, switches < 0 ? 0 : switches);
  gset(G_PCT_DECISIONS, decisions);
}

/** Whether the log's first `len` bytes are those record() wrote and folded since the reset
 *  (none dropped, none wrapped, not a replay's): then log_print and log_agents answer for
 *  them; else the caller reads the log (kernel/hunt.ts execution_print). */
export function log_print_ready(len: i32): bool {
  return len > 0 && len == logLen && len <= logMask + 1 && sched != SCHED_REPLAY;
}
/** FNV-1a of the log's bytes (after log_print_ready). */
export function log_print(): i32 { return imul(printHash ^ printLast, FNV_PRIME); }
/** The agents of the log's bytes, a bit each (after log_print_ready). */
export function log_agents(): i32 { return printMask; }

/** Replay: the host wrote `len` choices into the log before reset. */
export function sched_set_replay(len: i32): void { gset(G_REPLAY_LEN, len); }

function pct_choose(mask: i32): i32 {
  // A decision is counted where more than one agent can run and the agent that ran the last
  // step is one of them: a change point demotes that agent, so it is a preemption only where
  // it could run on. Where it blocked, slept or finished (or none ran yet), the switch is
  // forced: no decision is counted and no change point falls there. Counted without a
  // branch: which case a step is, no predictor guesses (lastAgent -1 shifts the mask by 31,
  // a zero bit in both builds: masks are below 2^16). With one agent runnable the table
  // answers that agent.
  const last = lastAgent;
  const counted = ((mask & (mask - 1)) != 0 ? 1 : 0) & (mask >> last);
  const step = decisions + counted;
  decisions = step;
  if ((counted & (step >= pctNextAt ? 1 : 0)) != 0) change_points(last, step);
  return pct_highest(mask);
}

/** At a change point the agent that ran the last step drops to the point's value (< d). */
function change_points(last: i32, step: i32): void {
  let j = gget(G_PCT_NEXT_CP);
  while (j < MAX_PCT_DEPTH && gget(G_PCT_CP0 + j) >= 0 && (gget(G_PCT_CP0 + j) >> 4) <= step) {
    ag_set(last, AG_PRIO, gget(G_PCT_CP0 + j) & 15);
    j++;
  }
  gset(G_PCT_NEXT_CP, j);
  pctNextAt = j < MAX_PCT_DEPTH && gget(G_PCT_CP0 + j) >= 0 ? gget(G_PCT_CP0 + j) >> 4 : 0x7fffffff;
  pct_reordered(last);
}

/** Agent a's priority changed (a change point, a yield): the order again. The byte table
 *  needs only the masks that hold a (half of them): the others' answers do not involve it. */
function pct_reordered(a: i32): void {
  burstMask = 0;
  if (pctBytes) pct_bytes_with(a);
  else pct_order();
}

/** The runnable agent of highest priority. */
@inline function pct_highest(mask: i32): i32 {
  if (pctTabled) return (pctTable >>> (mask << 1)) & 3;
  return pctBytes ? ld8(PCT_BEST + mask) : pct_highest_walk(mask);
}

function pct_highest_walk(mask: i32): i32 {
  if (pctOrdered) {
    const a = pct_first_in_order(mask);
    if (a >= 0) return a;
  }
  return ranked_first(mask);
}

/** Picks the agent for the next step from the runnable mask (nonzero); -1 when a replay
 *  log names an agent that cannot run (the replay diverged) or ran out. Inlined into the
 *  run loop by hand: left to the optimizer it became a call, 5% of a hunt execution. */
@inline export function choose(mask: i32): i32 {
  // PCT's run of one agent (burstMask): the same choice, decision count and log byte as
  // pct_choose and record would make, without their work.
  if (mask == burstMask && decisions < burstLimit) {
    decisions += burstCounted;
    record_again(burstAgent);
    return burstAgent;
  }
  let a: i32;
  if (sched == SCHED_RANDOM) {
    a = random_choose(mask);
  } else if (sched == SCHED_PCT) {
    a = pct_choose(mask);
    burst_from(mask, a);
  } else if (sched == SCHED_REPLAY) {
    const i = gget(G_STEP);
    if (i >= gget(G_REPLAY_LEN)) return -1;
    a = ld8(LOG + (i & logMask)) & CHOICE_AGENT;
    if (((mask >> a) & 1) == 0) return -1;
  } else {
    const last = lastAgent;
    a = last >= 0 && ((mask >> last) & 1) != 0 ? last : ctz32(mask);
  }
  record(a);
  return a;
}

/** A choice the running step makes among n alternatives (0 .. n-1; n > 15 picks among the
 *  first 16), recorded beside the agent in this step's log byte so that replays and the
 *  shrinker follow it like any scheduling choice. Run to completion picks 0; random and PCT
 *  draw it uniformly (PCT's priorities order agents, not the data of a step); a replay reads
 *  it back, clamped to n - 1 so that an edited log still runs. */
export function sched_pick(n: i32): i32 {
  if (n <= 1) return 0;
  const m = n <= CHOICE_PICK_MAX + 1 ? n : CHOICE_PICK_MAX + 1;
  if (sched == SCHED_REPLAY) {
    const k = ld8(LOG + (gget(G_STEP) & logMask)) >> CHOICE_PICK_SHIFT;
    return k < m ? k : m - 1;
  }
  if (sched != SCHED_RANDOM && sched != SCHED_PCT) return 0;
  const k = rng_below(m);
  // record() wrote this step's agent (unless the log is full): add the pick beside it.
  const i = gget(G_STEP);
  if (k != 0 && i < logLen) {
    const at = LOG + (i & logMask);
    const b = (ld8(at) & CHOICE_AGENT) | (k << CHOICE_PICK_SHIFT);
    st8(at, b);
    printLast = b; // this step's byte: the last one record() wrote
  }
  return k;
}

/** Among the runnable agents (the walk's draws: walk_setup). One runnable: no draw. Uniform:
 *  two agents take one bit of a 32-bit draw (a draw's mixing costs more than the rest of a
 *  step's choice); more take a draw each, uniform over the list (rng_below's multiply-shift:
 *  the same draw and agent as nth_bit(mask, rng_below(pop32(mask))) gave). */
@inline function random_choose(mask: i32): i32 {
  if ((mask & (mask - 1)) == 0) return ctz32(mask);
  if (walkOn) return walk_choose(mask);
  if (mask != uniMask) uniform_list(mask);
  const n = uniN;
  if (n >= 3) return ld8(RUN_LIST + (imul(rng_next() >>> 16, n) >>> 16));
  return ld8(RUN_LIST + coin_bits(1));
}

/** random_choose with the walk on (the hunt's), more than one agent runnable. */
function walk_choose(mask: i32): i32 {
  const last = lastAgent;
  const lastRuns = last >= 0 && ((mask >> last) & 1) != 0;
  return burst_choose(mask, last, lastRuns);
}

/** A step of an execution of bursts: the running turn goes on with probability 1 - 2^-burstJ;
 *  when it ends, or its agent cannot run on, a uniform draw among the other runnable agents
 *  starts the next turn, with a j of its own. */
function burst_choose(mask: i32, last: i32, lastRuns: bool): i32 {
  const burstJ = gget(G_WALK_BURST_J);
  if (lastRuns && burstJ != 0 && coin_bits(burstJ) != 0) return last;
  const others = lastRuns ? mask & ~(1 << last) : mask;
  gset(G_WALK_BURST_J, rng_below(WALK_BURST_LEVELS));
  if (gget(G_WALK_HANDOFF) == WALK_RANKED) return ranked_first(others);
  return nth_bit(others, rng_below(pop32(others)));
}

/** The agent of mask (nonzero) that ranks highest in the execution's order (AG_PRIO): PCT's
 *  highest priority, the random walk's ranked handoff. */
function ranked_first(mask: i32): i32 {
  let best = -1;
  let bestPrio: i32 = -0x7fffffff - 1;
  let m = mask;
  while (m != 0) {
    const a = ctz32(m);
    m &= m - 1;
    const p = ag_get(a, AG_PRIO);
    if (p > bestPrio) { bestPrio = p; best = a; }
  }
  return best;
}

/** The next j (1..31) bits of the coin stream; a draw's leftover bits too few for j are dropped. */
@inline function coin_bits(j: i32): i32 {
  if (coinLeft < j) { coinBits = rng_next(); coinLeft = 32; }
  const bits = coinBits & ((1 << j) - 1);
  coinBits >>>= j;
  coinLeft -= j;
  return bits;
}

/** PCT chose a from mask (pct_choose): the run of steps that choose a again (burstMask). A
 *  counted step at decision d meets a change point when d + 1 >= pctNextAt: a run's step
 *  is taken while decisions < pctNextAt - 1; an uncounted one (a alone can run) meets none. */
@inline function burst_from(mask: i32, a: i32): void {
  const counted = (mask & (mask - 1)) != 0 ? 1 : 0;
  burstMask = runsOn ? mask : 0;
  burstAgent = a;
  burstCounted = counted;
  burstLimit = counted != 0 ? pctNextAt - 1 : 0x7fffffff;
}

/** run() starts: no run of the last call's carries over (the host may have written the state). */
export function sched_begin(): void {
  burstMask = 0;
  walkOn = gget(G_WALK_HANDOFF) != 0;
  uniMask = 0;
}

/** record(a) for a step of a run (burstMask): a ran the step before, so no switch, lastAgent
 *  stays a, and printMask has a's bit (or the log was full then, and still is). */
@inline function record_again(a: i32): void {
  const n = logLen;
  if (n >= logLimit) return;
  st8(LOG + (n & logMask), a);
  printHash = imul(printHash ^ printLast, FNV_PRIME);
  printLast = a;
  logLen = n + 1;
}

function record(a: i32): void {
  // A switch is a step by another agent than the last (none ran before the first step).
  // Counted with a select, not a branch: with more than one agent runnable the random
  // scheduler switches on about every other step, which no predictor guesses.
  // (switches starts at -1 for the first step's, which follows no agent: sched_reset.)
  switches += lastAgent != a ? 1 : 0;
  lastAgent = a;
  const n = logLen;
  if (n >= logLimit) return;
  st8(LOG + (n & logMask), a);
  // No first-byte test: printHash starts one fold before FNV_OFFSET (sched_reset).
  printHash = imul(printHash ^ printLast, FNV_PRIME);
  printLast = a;
  printMask |= 1 << a;
  logLen = n + 1;
}
