// kswapd's one timer: 2.4.16's kswapd_balance_pgdat (mm/vmscan.c) sleeps schedule_timeout(HZ)
// after a try_to_free_pages that fell short, in TASK_INTERRUPTIBLE but off kswapd_wait, so
// no wakeup_kswapd reaches it for a second; kernel/timer.c's process_timeout then wakes it.
// The model's clock is its steps (assembly/mm/oom_kill.ts: a jiffy is 2^CFG_JIFFY_SHIFT of
// them), so the timer is a step: kswapd sleeps on G_KSWAPD_TIMER's word (AG_WAIT), which no
// unlock wakes, and the run loop (machine.ts) wakes it once G_STEP has reached the step in
// that word, or at once when no agent can run and the CPUs are not done (the machine idles
// until the timer, as an idle 2.4 machine does). Flag kswapd-timeout (F2_KSWAPD_TIMEOUT).
//
// The run loop reads two module globals, armed and at, taken from memory at every run() start
// (timer_sync: a host may write memory between runs, a replay or a shard starts from a
// state), so that a step without a timer costs one test of a bool.
import {
  ag_get, ag_set, gget, gset, gaddr, AG_STATE, AG_WAIT, G_KSWAPD_TIMER, G_STEP, KSWAPD, ST_RUNNABLE, ST_SLEEP,
} from "./state";
import { set_state } from "./locks";

/** Whether kswapd sleeps on its timer; the step it ends at. */
export let timerArmed: bool = false;
export let timerAt: i32 = 0;

/** Whether agent sleeps on kswapd's timer word. */
@inline function on_timer(agent: i32): bool {
  return agent >= 0 && ag_get(agent, AG_STATE) == ST_SLEEP && ag_get(agent, AG_WAIT) == gaddr(G_KSWAPD_TIMER);
}

/** schedule_timeout(ticks) for the running kswapd: asleep until `steps` more steps have run.
 *  The caller returns YIELD. */
export function kswapd_schedule_timeout(steps: i32): void {
  const at = gget(G_STEP) + steps; // wraps as G_STEP does: timer_due compares differences
  gset(G_KSWAPD_TIMER, at);
  ag_set(KSWAPD, AG_WAIT, gaddr(G_KSWAPD_TIMER));
  set_state(KSWAPD, ST_SLEEP);
  timerArmed = true;
  timerAt = at;
}

/** The module globals from memory (run() start). */
export function timer_sync(): void {
  timerArmed = on_timer(KSWAPD);
  timerAt = gget(G_KSWAPD_TIMER);
}

/** Whether the timer has run out at `step` (armed: the run loop tests timerArmed first). */
@inline export function timer_due(step: i32): bool {
  return step - timerAt >= 0;
}

/** process_timeout: kswapd runnable again, at its next section (its kswapd_can_sleep test). */
export function timer_fire(): void {
  timerArmed = false;
  if (!on_timer(KSWAPD)) return;
  ag_set(KSWAPD, AG_WAIT, 0);
  set_state(KSWAPD, ST_RUNNABLE);
}
