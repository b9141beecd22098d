// In-model assertions: the kernel's BUG_ON, cheap enough to run on every step. The first
// violation of an execution is recorded in the globals (G_VIOL*) and stops the run loop.
// Violation ids are host ABI (src/invariants/ids.ts names them).
import { gget, gset, G_VIOL, G_VIOL_AGENT, G_VIOL_PROC, G_VIOL_PC, G_VIOL_A, G_VIOL_B, G_VIOL_C, G } from "./state";
import { ld } from "./platform";

export const V_NONE: i32 = 0;
export const V_SWAP_COUNT: i32 = 1;      // inv 1: swap_map count vs ptes + cache + temp refs
export const V_SWAPCACHE_UNIQUE: i32 = 2;   // inv 2: two swap-cache pages for one entry
export const V_CACHE_PAGE: i32 = 3;      // inv 3: cache page key / count / slot state
export const V_PAGE_LOCK: i32 = 4;       // inv 4: cache add/delete without the page lock
export const V_FREE_SLOT: i32 = 5;       // inv 5: free slot referenced, or a used slot handed out
export const V_NR_SWAP_PAGES: i32 = 6;   // inv 6: nr_swap_pages / free bracket
export const V_BAD_SLOT: i32 = 7;        // inv 7: header/BAD slot allocated, MAX not sticky
export const V_LOCK_ORDER: i32 = 8;      // inv 8: lock order, spinlock across sleep, alloc under PCL/LRU
export const V_DATA_LOST: i32 = 9;       // inv 9: a read returned other than the last value written
export const V_DEADLOCK: i32 = 10;       // no agent can run while work remains
export const V_LOCK_LEAK: i32 = 11;      // a lock still held when the machine is quiescent
export const V_BUG_ON: i32 = 12;         // other kernel BUG() conditions (page count underflow, ...)
export const V_STACK_OVERFLOW: i32 = 13; // model bug: frame stack exhausted
export const V_LIVELOCK: i32 = 14;       // an execution ran past its step bound
export const V_OOM_MISREPORT: i32 = 15;  // a fault reports OOM for a pte someone else resolved (memory.ts do_swap_page), or (a = -1) a user allocation fails with swap left (page_alloc.ts)
export const V_LRU: i32 = 16;            // the LRU lists at rest (the host's checkLru); in-model only for nr_inactive_pages below zero (vmscan.ts refill_ratio: a = it, b = nr_active_pages)
export const V_SWAP_MAP_UAF: i32 = 17;   // a reader touched the swap_map of an area sys_swapoff freed (mm/swapfile.ts map_read)
export const V_DIRTY_LIST: i32 = 18;     // set_page_dirty moved a page that had left the swap cache onto swapper_space's dirty list (mm/swap_state.ts set_page_dirty_locked: a = page)

// BUG() codes of V_BUG_ON (detail a) raised by the machine itself; each mm file names its own
// (BUG_* beside its code, 200 up: swap_state 200, swapfile 300, swap 500). The host words them
// (src/invariants/check.ts).
export const BUG_FREE_BUSY_PAGE: i32 = 1;  // page_alloc.ts __free_pages: locked, cached, reserved, on the LRU or free
export const BUG_PUT_PAGE_UNDERFLOW: i32 = 2; // page_alloc.ts put_page: count below zero
export const BUG_UNKNOWN_PC: i32 = 3;      // (proc, pc): a procedure has no section pc (frame.ts bad_pc)
export const BUG_UNKNOWN_PROC: i32 = 4;    // (proc, pc): dispatch knows no procedure proc
export const BUG_BLOCK_CHANGED: i32 = 5;   // (proc, pc): traced build, a section returned BLOCK after changing state
export const BUG_RESUME_AT_ENTRY: i32 = 6; // (proc, caller pc): traced build, call() would resume its caller at section 0
export const BUG_AFTER_SPIN: i32 = 7;      // (proc, what): traced build, a section went on to a lock or a release after its spin began (frame.ts AFTER_SPIN_*)
export const BUG_UNLOCK_PAGE: i32 = 8;     // (page, flags): UnlockPage / unlock_page of a page not locked (2.4.0 include/linux/mm.h UnlockPage, 2.4.16 mm/filemap.c unlock_page: test_and_clear_bit(PG_locked) ... BUG())
export const BUG_UNLOCK_KERNEL: i32 = 9;   // (agent, lock_depth): unlock_kernel with lock_depth below 0 (include/asm-i386/smplock.h: BUG())

let curAgentForBug: i32 = 0;
let curProcForBug: i32 = 0;
let curPcForBug: i32 = 0;
/** Called by the run loop before each section so violations name where they happened. */
export function bug_context(agent: i32, proc: i32, pc: i32): void {
  curAgentForBug = agent; curProcForBug = proc; curPcForBug = pc;
}

/** Records violation id with three details (entry, page, ...) unless one is already recorded. */
export function bug(id: i32, a: i32, b: i32, c: i32): void {
  if (gget(G_VIOL) != 0) return;
  gset(G_VIOL, id);
  gset(G_VIOL_AGENT, curAgentForBug);
  gset(G_VIOL_PROC, curProcForBug);
  gset(G_VIOL_PC, curPcForBug);
  gset(G_VIOL_A, a);
  gset(G_VIOL_B, b);
  gset(G_VIOL_C, c);
}

/** BUG_ON(cond): records id when cond holds. */
@inline export function bug_on(cond: bool, id: i32, a: i32, b: i32, c: i32): void {
  if (cond) bug(id, a, b, c);
}

@inline export function violated(): bool { return ld(G + (G_VIOL << 2)) != 0; }
