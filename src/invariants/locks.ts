// Locks at rest (inv 4, 8): no lock word held, no page locked, no agent counting a lock held.
import { G, A, MM, PG, AG, AREA_WORDS, MM_WORDS, AGENT_WORDS, LK } from "../wasm/abi.js";
import { BKL_NAME, fmtEntry, fmtPage, LOCK_NAMES } from "../report/events/types.js";
import type { Layout, Collector } from "./layout.js";
import { zeroRunEnd } from "../wasm/fnv.js";

// ---- locks at rest (inv 4, 8 → lock-leak) -------------------------------------------------

const GLOBAL_LOCK_WORDS: readonly number[] = [G.PCL, G.SLL, G.LRU_LOCK, G.BKL, G.MMLIST_LOCK, G.TASKLIST_LOCK];
const GLOBAL_LOCK_NAMES: readonly string[] = [
  LOCK_NAMES[LK.PCL],
  LOCK_NAMES[LK.SLL],
  LOCK_NAMES[LK.LRU],
  BKL_NAME,
  LOCK_NAMES[LK.MMLIST],
  LOCK_NAMES[LK.TASKLIST],
];

export function checkLocksFree(L: Layout, I: Int32Array, v: Collector): void {
  const before = v.out ? v.out.length : 0;
  for (let i = 0; i < GLOBAL_LOCK_WORDS.length; i++) {
    const owner = I[L.G + GLOBAL_LOCK_WORDS[i]];
    if (owner !== 0) leak(L, v, GLOBAL_LOCK_NAMES[i], owner, "");
  }
  for (let mm = 0; mm < L.nMm; mm++) {
    const mb = L.MMS + mm * MM_WORDS;
    if (I[mb + MM.PTL] !== 0) leak(L, v, "page_table_lock", I[mb + MM.PTL], ` of mm ${mm}`);
    if (I[mb + MM.SEM] !== 0) leak(L, v, "mmap_sem", I[mb + MM.SEM], ` of mm ${mm}`);
    // mm_users: the process's own 1; a pin (swap_out, try_to_unuse) not put, or a teardown
    // (a pin's exit_mmap) not finished, leaves the slot's next process waiting.
    const users = I[mb + MM.USERS],
      teardown = I[mb + MM.TEARDOWN];
    if (users !== 1 || teardown !== 0) {
      v.add(
        "lock-leak",
        "mm-users",
        `mm ${mm} has mm_users ${users}${teardown !== 0 ? " and its exit_mmap unfinished" : ""} with every CPU between operations (1: its process only, every pin put)`,
        { mm, users, teardown },
      );
    }
  }
  // Held sdev_locks, in area order (collectAreas noted them).
  for (let m = L.sdlHeld; m !== 0; m &= m - 1) {
    const a = 31 - Math.clz32(m & -m);
    leak(L, v, "sdev_lock", I[L.AREAS + a * AREA_WORDS + A.SDL], ` of swap area ${a}`);
  }
  const top = L.top;
  for (let f = 0; f < top; f++) {
    const fl = I[L.PG_FLAGS + f];
    // A run of frames without flags (a large machine's untouched ones) is passed a block at a time.
    if (fl === 0) f = zeroRunEnd(I, L.PG_FLAGS + f + 1, L.PG_FLAGS + top) - L.PG_FLAGS - 1;
    else if ((fl & PG.LOCKED) !== 0) {
      v.add("lock-leak", "page-lock", `${fmtPage(f)} is still locked (PG_locked) with every CPU between operations`, {
        page: f,
        entry: fmtEntry(I[L.PG_INDEX + f]),
      });
    }
  }
  if ((v.out ? v.out.length : 0) !== before) return;
  // Lock words all free, yet an agent believes it holds one: its bookkeeping leaked.
  for (let a = 0; a < L.nAgents; a++) {
    const ab = L.AGENTS + a * AGENT_WORDS;
    const held = I[ab + AG.HELD],
      spins = I[ab + AG.SPINS_HELD],
      bkl = I[ab + AG.BKL_DEPTH] + I[ab + AG.BKL_SAVED];
    if (held !== 0 || spins !== 0 || bkl !== 0) {
      v.add(
        "lock-leak",
        "agent",
        `${L.agentName(a)} is at rest but still counts locks as held (classes 0x${held.toString(16)}, ${spins} spinlocks, BKL depth ${bkl})`,
        { agent: a, held, spins, bkl },
      );
    }
  }
}

function leak(L: Layout, v: Collector, name: string, owner: number, of: string): void {
  v.add("lock-leak", name.split(" ")[0], `${name}${of} is still held by ${L.agentName(owner - 1)} with every CPU between operations`, {
    lock: name,
    owner: owner - 1,
  });
}
