// Events of assembly/kernel/ (1-99), mm/page_alloc.ts (500-549), mm/page_io.ts (550-599).
import { type EventTable, fmtPage, fmtEntry, LOCK_NAMES, plainAgentName } from "./types.js";

const RW = ["read", "write"];
export const kernelEvents: EventTable = {
  1: () => "",
  2: (op) => `starts op ${op}`,
  3: (op, r) => `op ${op} done (${r})`,
  4: (cls, owner, _c, agent = plainAgentName) => `spins on ${LOCK_NAMES[cls] ?? "lock"} (held by ${agent(owner)})`,
  5: (f) => `sleeps on ${fmtPage(f)} lock`,
  6: (owner, _b, _c, agent = plainAgentName) => `waits for BKL (held by ${agent(owner)})`,
  7: () => "lock_kernel",
  8: () => "unlock_kernel",
  9: () => "sleeps: BKL dropped",
  10: () => "wakes: BKL retaken",
  11: (id) => `violation ${id}`,
  500: (f, free) => `alloc_page → ${fmtPage(f)} (${free} free)`,
  501: (free, n) => `shortage (${free} free): try_to_free_pages #${n}`,
  502: () => "alloc_page fails",
  503: (f) => `frees ${fmtPage(f)}`,
  504: (n) => `out_of_memory chooses this task after ${n} reclaim round${n === 1 ? "" : "s"}: PF_MEMDIE`,
  505: (free, freed, n) => `no page after reclaim #${n} (freed ${freed}, ${free} free): yields, tries again`,
  506: (f, owner, _c, agent = plainAgentName) => `${fmtPage(f)} at count 0 waits on the LRU (lock held by ${agent(owner)})`,
  550: (f, e, rw) => `queues ${RW[rw]} of ${fmtEntry(e)} into ${fmtPage(f)}`,
  551: (f, e, rw) => `disk: ${RW[rw]} ${fmtEntry(e)} ${rw ? "from" : "into"} ${fmtPage(f)} done, unlocks page`,
  552: (f) => `I/O on ${fmtPage(f)} complete`,
};
