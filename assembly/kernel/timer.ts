// kswapd's one timer: 2.4.16's kswapd_balance_pgdat (mm/vmscan.c) sleeps schedule_timeout(HZ)
// after a try_to_free_pages that fell short, in TASK_INTERRUPTIBLE but off kswapd_wait, so
// no wakeup_kswapd reaches it for a second; the timer's process_timeout (kernel/sched.c)
// then wakes it.
// The model's clock is its steps (assembly/mm/oom_kill.ts: a jiffy is 2^CFG_JIFFY_SHIFT of
// them), so the timer counts steps: kswapd sleeps on G_KSWAPD_TIMER's word (AG_WAIT), which
// no unlock wakes, and the run loop (machine.ts timer_check, after every step) wakes it when
// the steps left reach 0, or at once when no agent can run and the CPUs are not done (the
// machine idles until the timer, as an idle 2.4 machine does; G_STEP does not jump).
// Flag kswapd-timeout (F2_KSWAPD_TIMEOUT).
//
// The word holds the steps left, not the step the timer ends at: the state then does not
// depend on when it was reached (the exhaustive search's key leaves the step out, and two
// paths to one state must have one future). The run loop counts them down in a module
// global, taken from memory at every run() start (timer_sync: a host may write memory
// between runs) and written back when run() returns (timer_flush), so that a step without
// a timer costs one test of a bool.
import { ag_get, ag_set, gget, gset, gaddr, AG_STATE, AG_WAIT, G_KSWAPD_TIMER, KSWAPD, ST_RUNNABLE, ST_SLEEP } from "./state";
import { set_state } from "./locks";

/** Whether kswapd sleeps on its timer; the steps left. */
export let timerArmed: bool = false;
export let timerLeft: i32 = 0;

/** Whether agent sleeps on kswapd's timer word. */
@inline function on_timer(agent: i32): bool {
  return agent >= 0 && ag_get(agent, AG_STATE) == ST_SLEEP && ag_get(agent, AG_WAIT) == gaddr(G_KSWAPD_TIMER);
}

/** schedule_timeout for the running kswapd: asleep for `steps` more steps of the machine.
 *  The caller returns YIELD. */
export function kswapd_schedule_timeout(steps: i32): void {
  gset(G_KSWAPD_TIMER, steps);
  ag_set(KSWAPD, AG_WAIT, gaddr(G_KSWAPD_TIMER));
  set_state(KSWAPD, ST_SLEEP);
  timerArmed = true;
  timerLeft = steps;
}

/** The module globals from memory (run() start). */
export function timer_sync(): void {
  timerArmed = on_timer(KSWAPD);
  timerLeft = timerArmed ? gget(G_KSWAPD_TIMER) : 0;
}

/** The steps left back to memory (run() return). */
export function timer_flush(): void {
  if (timerArmed) gset(G_KSWAPD_TIMER, timerLeft);
}

/** A step of the machine ran (the run loop calls it only while timerArmed). */
@inline export function timer_tick(): void {
  timerLeft--;
}

/** Whether no step of the timeout is left. */
@inline export function timer_over(): bool {
  return timerLeft <= 0;
}

/** process_timeout: kswapd runnable again, at its next section (its kswapd_can_sleep test). */
export function timer_fire(): void {
  timerArmed = false;
  timerLeft = 0;
  gset(G_KSWAPD_TIMER, 0);
  if (!on_timer(KSWAPD)) return;
  ag_set(KSWAPD, AG_WAIT, 0);
  set_state(KSWAPD, ST_RUNNABLE);
}
