// Host mirror of the model's ABI: the indices and codes defined in assembly/. Keep each
// block in the same order as its AssemblyScript source (named beside it).

/** assembly/kernel/config.ts CFG_* */
export const CFG = {
  NCPU: 0,
  NFRAMES: 1,
  NMM: 2,
  PAGES: 3,
  NAREAS: 4,
  SLOTS: 5,
  FLAGS: 6,
  KSWAPD: 7,
  PAGE_CLUSTER: 8,
  SEED: 9,
  SCHED: 10,
  PCT_DEPTH: 11,
  PCT_K: 12,
  OPCAP: 13,
  LOGCAP: 14,
  TRACECAP: 15,
  FREE_MIN: 16,
  FREE_LOW: 17,
  FREE_HIGH: 18,
  AREA_PRIO_EQUAL: 19,
  LOG_RING: 20,
  SWAP_CLUSTER: 21,
  GEN: 22,
  GEN_SEED: 23,
  GEN_PATTERN: 24,
  GEN_SHARE: 25,
  GEN_MMS: 26,
  GEN_PAGES: 27,
  GEN_AREAS: 28,
  GEN_HOT: 29,
  GEN_T_FORK: 30,
  GEN_T_EXIT: 31,
  GEN_T_MUNMAP: 32,
  GEN_T_SWAPOFF: 33,
  GEN_T_RARE: 34,
  GEN_T_WRITE: 35,
  GEN_T_HOT: 36,
  GEN_T_FULL: 37,
  GEN_QUOTA_HI: 38,
  GEN_QUOTA_LO: 39,
  GEN_QUOTA_EXTRA: 40,
} as const;

/** assembly/kernel/state.ts R_* */
export const R = {
  CONFIG: 0,
  GLOBALS: 1,
  STATS: 2,
  AGENTS: 3,
  STACKS: 4,
  AREAS: 5,
  MMS: 6,
  PG_COUNT: 7,
  PG_FLAGS: 8,
  PG_INDEX: 9,
  PG_CONTENT: 10,
  PG_LRU_NEXT: 11,
  PG_LRU_PREV: 12,
  PG_HASH_NEXT: 13,
  FREE_STACK: 14,
  SWAP_MAP: 15,
  SLOT_CONTENT: 16,
  HASH_HEAD: 17,
  PTES: 18,
  SHADOW: 19,
  OPS: 20,
  LOG: 21,
  TRACE: 22,
  IOQ: 23,
  SWAP_TMP: 24,
  END: 25,
  WORKLOAD: 26,
  REST_SCRATCH: 27,
} as const;

/** assembly/kernel/workload.ts PAT_* (CFG.GEN_PATTERN) and TF_* (CFG.GEN_T_FULL bits). */
export const GEN_PATTERN = { uniform: 0, hotcold: 1, sequential: 2 } as const;
export const TF = { FORK: 1, EXIT: 2, MUNMAP: 4, SWAPOFF: 8, RARE: 16, HOT: 32 } as const;

export const MAX_AGENTS = 16;
export const MAX_CPUS = 8;
export const MAX_AREAS = 32;
export const STACK_FRAMES = 24;
export const FRAME_WORDS = 12;
export const AGENT_WORDS = 16;
export const AREA_WORDS = 16;
export const MM_WORDS = 8;
export const TRACE_WORDS = 8;
export const WORKLOAD_WORDS = (MAX_CPUS + 1) * 4;

/** assembly/kernel/state.ts G_* */
export const G = {
  NR_FREE: 0,
  NR_SWAP_PAGES: 1,
  TOTAL_SWAP_PAGES: 2,
  PCL: 3,
  SLL: 4,
  LRU_LOCK: 5,
  BKL: 6,
  SWAP_LIST_HEAD: 7,
  SWAP_LIST_NEXT: 8,
  WRITE_SEQ: 9,
  IOQ_HEAD: 10,
  IOQ_TAIL: 11,
  NR_ACTIVE: 12,
  NR_INACTIVE: 13,
  KSWAPD_WAKE: 14,
  SWAP_MM: 15,
  VIOL: 16,
  VIOL_AGENT: 17,
  VIOL_PROC: 18,
  VIOL_PC: 19,
  VIOL_A: 20,
  VIOL_B: 21,
  VIOL_C: 22,
  STEP: 23,
  RUNNABLE: 24,
  LAST_AGENT: 25,
  LOG_LEN: 26,
  TRACE_LEN: 27,
  REPLAY_LEN: 28,
  RNG_LO: 29,
  RNG_HI: 30,
  PCT_NEXT_CP: 31,
  PCT_SWITCHES: 32,
  SLEEPERS: 33,
  CPUS_DONE: 34,
  CPUS_STARVED: 35,
  SWAPOFF_AREA: 36,
  PCT_DECISIONS: 37,
  LRU_PENDING: 38,
  NR_ASYNC_PAGES: 39,
  PCT_CP0: 40,
} as const;

/** assembly/kernel/state.ts S_*: statistics counters, in order. */
export const STAT_NAMES = [
  "accesses",
  "minorFaults",
  "majorFaults",
  "swapIns",
  "swapOuts",
  "readahead",
  "readaheadHits",
  "reclaimScans",
  "pteScans",
  "pagesFreed",
  "directReclaim",
  "kswapdRuns",
  "oom",
  "cow",
  "cowReuse",
  "eexistRaces",
  "enoentRaces",
  "pteChanged",
  "forks",
  "exits",
  "munmaps",
  "swapoffs",
  "swapoffEnomem",
  "swapons",
  "ops",
  "steps",
  "swapFullDeletes",
  "diskIos",
  "allocFail",
  "zeroMaps",
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type Stats = Record<StatName, number>;

/** assembly/kernel/state.ts PG_* page flags */
export const PG = {
  LOCKED: 1,
  REFERENCED: 2,
  UPTODATE: 4,
  DIRTY: 8,
  LRU: 16,
  ACTIVE: 32,
  SWAPCACHE: 64,
  RESERVED: 128,
  INUSE: 256,
  LAUNDER: 512,
} as const;

/** assembly/kernel/state.ts A_* swap area words, SWP_* flags */
export const A = {
  FLAGS: 0,
  PRIO: 1,
  PAGES: 2,
  MAX: 3,
  LOWEST: 4,
  HIGHEST: 5,
  CLUSTER_NEXT: 6,
  CLUSTER_NR: 7,
  SDL: 8,
  NEXT: 9,
  INUSE: 10,
} as const;
export const SWP_USED = 1;
export const SWP_WRITEOK = 3;
export const SWAP_MAP_MAX = 0x7fff;
export const SWAP_MAP_BAD = 0x8000;

/** assembly/kernel/state.ts MM_* */
export const MM = { USERS: 0, PTL: 1, RSS: 2, SWAP_CURSOR: 3, SEM: 4 } as const;

/** assembly/kernel/state.ts AG_* and ST_* */
export const AG = {
  STATE: 0,
  WAIT: 1,
  SP: 2,
  RET: 3,
  BKL_DEPTH: 4,
  BKL_SAVED: 5,
  OP: 6,
  OP_HEAD: 7,
  OP_TAIL: 8,
  PRIO: 9,
  OPS_DONE: 10,
  HELD: 12,
  SPINS_HELD: 13,
  OPS_FINAL: 14,
} as const;
export const ST = { RUNNABLE: 0, SPIN: 1, SLEEP: 2, IDLE: 3, DONE: 4, STARVED: 5 } as const;

/** PTE encoding (state.ts) */
export const PTE = { PRESENT: 1, RW: 2, DIRTY: 4, YOUNG: 8 } as const;
export const pteFrame = (pte: number): number => pte >>> 4;
export const pteIsSwap = (pte: number): boolean => pte !== 0 && (pte & 1) === 0;
export const pteEntry = (pte: number): number => pte >>> 1;
export const swpType = (entry: number): number => entry >>> 24;
export const swpOffset = (entry: number): number => entry & 0xffffff;
export const swpEntry = (area: number, offset: number): number => (area << 24) | offset;

/** assembly/kernel/machine.ts RUN_* */
export const RUN = { DONE: 0, VIOLATION: 1, STARVED: 2, LIMIT: 3, DIVERGED: 4, OP_END: 5, CLEAN: 6 } as const;

/** assembly/kernel/sched.ts SCHED_* */
export const SCHED = { RTC: 0, RANDOM: 1, PCT: 2, REPLAY: 3 } as const;

/** assembly/kernel/ops.ts OP_* */
export const OP = { READ: 1, WRITE: 2, FORK: 3, EXIT: 4, MUNMAP: 5, SWAPOFF: 6, SWAPON: 7, WPROTECT: 8 } as const;
export const makeOp = (kind: number, mm: number, page: number, arg = 0): number =>
  (kind << 28) | ((arg & 63) << 22) | ((mm & 63) << 16) | (page & 0xffff) | 0;
export const opKind = (op: number): number => op >>> 28;
export const opArg = (op: number): number => (op >>> 22) & 63;
export const opMm = (op: number): number => (op >>> 16) & 63;
export const opPage = (op: number): number => op & 0xffff;

/** A choice-log byte (assembly/kernel/sched.ts CHOICE_*): the agent that ran the step in the
 *  low 4 bits; the high 4 bits a choice the step made itself (0 = the first alternative; the
 *  disk's pick among queued requests). */
export const choiceAgent = (b: number): number => b & 15;
export const choicePick = (b: number): number => (b >>> 4) & 15;

/** assembly/kernel/procs.ts P_*: index = procedure id. */
export const PROC_NAMES = [
  "(none)",
  "access",
  "handle_mm_fault",
  "do_anonymous_page",
  "do_swap_page",
  "do_wp_page",
  "zap_page_range",
  "do_exit",
  "do_munmap",
  "do_fork",
  "copy_page_range",
  "lookup_swap_cache",
  "read_swap_cache_async",
  "swapin_readahead",
  "add_to_swap_cache",
  "delete_from_swap_cache",
  "swap_writepage",
  "get_swap_page",
  "swap_free",
  "swap_duplicate",
  "valid_swaphandles",
  "remove_exclusive_swap_page",
  "can_share_swap_page",
  "free_swap_and_cache",
  "free_page_and_swap_cache",
  "sys_swapoff",
  "try_to_unuse",
  "sys_swapon",
  "alloc_page",
  "try_to_free_pages",
  "shrink_cache",
  "swap_out",
  "swap_out_mm",
  "try_to_swap_out",
  "kswapd",
  "disk",
  "rw_swap_page_sync",
  "lru_cache_add",
  "lru_cache_del",
  "mark_page_accessed",
  "do_mprotect",
] as const;
export const P = Object.fromEntries(PROC_NAMES.map((n, i) => [n, i])) as Record<(typeof PROC_NAMES)[number], number>;

/** assembly/kernel/check.ts V_*: index = violation id; names are the invariant ids. */
export const VIOLATION_IDS = [
  "none",
  "swap-count",
  "swapcache-unique",
  "cache-page",
  "page-lock",
  "free-slot",
  "nr-swap-pages",
  "bad-slot",
  "lock-order",
  "data-lost",
  "deadlock",
  "lock-leak",
  "bug-on",
  "stack-overflow",
  "livelock",
  "oom-misreport",
  "lru",
] as const;
export type ViolationId = (typeof VIOLATION_IDS)[number];
