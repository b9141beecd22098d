// Events of assembly/kernel/ (1-99), mm/page_alloc.ts (500-549), mm/page_io.ts (550-599).
import { type EventTable, fmtPage, fmtEntry, LOCK_NAMES, plainAgentName } from "./types.js";
import { EV } from "../../wasm/abi.js";

const RW = ["read", "write"];
export const kernelEvents: EventTable = {
  [EV.SECTION]: () => "",
  [EV.OP_START]: (op) => `starts op ${op}`,
  [EV.OP_END]: (op, r) => `op ${op} done (${r})`,
  [EV.SPIN]: (cls, owner, _c, agent = plainAgentName) =>
    `spins on ${LOCK_NAMES[cls] ?? "lock"} (held by ${owner < 0 ? `${-owner} reader${owner === -1 ? "" : "s"}` : agent(owner)})`,
  [EV.SLEEP_PAGE]: (f) => `sleeps on ${fmtPage(f)} lock`,
  [EV.SLEEP_BKL]: (owner, _b, _c, agent = plainAgentName) => `waits for BKL (held by ${agent(owner)})`,
  [EV.LOCK_KERNEL]: () => "lock_kernel",
  [EV.UNLOCK_KERNEL]: () => "unlock_kernel",
  [EV.BKL_DROPPED]: () => "sleeps: BKL dropped",
  [EV.BKL_RETAKEN]: () => "wakes: BKL retaken",
  [EV.VIOLATION]: (id) => `violation ${id}`,
  [EV.ALLOC]: (f, free) => `alloc_page → ${fmtPage(f)} (${free} free)`,
  [EV.ALLOC_RECLAIM]: (free, n) => `shortage (${free} free): try_to_free_pages #${n}`,
  [EV.ALLOC_FAIL]: () => "alloc_page fails",
  [EV.FREE_PAGE]: (f) => `frees ${fmtPage(f)}`,
  [EV.ALLOC_OOM]: (n) => `out_of_memory chooses this task after ${n} reclaim round${n === 1 ? "" : "s"}: PF_MEMDIE`,
  [EV.ALLOC_YIELD]: (free, freed, n) => `no page after reclaim #${n} (freed ${freed}, ${free} free): yields, tries again`,
  [EV.ALLOC_WAIT_KSWAPD]: (free, n) => `shortage (${free} free): wakes kswapd, sleeps on kswapd_done #${n}`,
  [EV.FREE_LOCAL]: (f, keeper, _c, agent = plainAgentName) =>
    keeper
      ? `unlocks the LRU: ${agent(keeper - 1)}'s spin in lru_cache_del ends, and it keeps ${fmtPage(f)} on its local_pages (PF_FREE_PAGES)`
      : `keeps ${fmtPage(f)} on its local_pages (PF_FREE_PAGES): off the free lists`,
  [EV.ALLOC_LOCAL]: (f, freed, taken) =>
    taken
      ? `balance_classzone takes its local ${fmtPage(f)} (reclaim freed ${freed})`
      : `balance_classzone frees its local ${fmtPage(f)} back (reclaim freed ${freed}, short)`,
  [EV.FREE_DEFERRED]: (f, owner, _c, agent = plainAgentName) => `${fmtPage(f)} at count 0 waits on the LRU (lock held by ${agent(owner)})`,
  [EV.IO_QUEUED]: (f, e, rw) => `queues ${RW[rw]} of ${fmtEntry(e)} into ${fmtPage(f)}`,
  [EV.IO_DONE]: (f, e, rw) => `disk: ${RW[rw]} ${fmtEntry(e)} ${rw ? "from" : "into"} ${fmtPage(f)} done, unlocks page`,
  [EV.IO_WAIT_DONE]: (f) => `I/O on ${fmtPage(f)} complete`,
  [EV.IO_NONE]: (f, e, rw) => `no ${RW[rw]} of ${fmtEntry(e)} (${fmtPage(f)}): rw_swap_page unlocks the page${rw ? "" : ", not uptodate"}`,
  [EV.BUFFERS_CREATED]: (f, count) => `brw_page: buffers on ${fmtPage(f)} (create_empty_buffers: count ${count})`,
  [EV.BUFFERS_FREED]: (f, count, where) =>
    `${where ? "block_flushpage" : "page_launder"}: try_to_free_buffers(${fmtPage(f)}) (count ${count})`,
};
