// Run-time configuration of the simulated machine, written by the host through
// `config_set` before `machine_init`. Indices are part of the host ABI (generated into src/wasm/abi.generated.ts by the build).
import { ld, st } from "./platform";

export const CFG_NCPU: i32 = 0;          // simulated CPUs (1..8)
export const CFG_NFRAMES: i32 = 1;       // physical page frames, frame 0 is the zero page
export const CFG_NMM: i32 = 2;           // address spaces (mms)
export const CFG_PAGES: i32 = 3;         // virtual pages per mm
export const CFG_NAREAS: i32 = 4;        // swap areas swapped on at init
export const CFG_SLOTS: i32 = 5;         // slots per swap area, slot 0 is the header (BAD)
export const CFG_FLAGS: i32 = 6;         // model feature flags (model.ts)
export const CFG_KSWAPD: i32 = 7;        // 1: a kswapd agent exists
export const CFG_PAGE_CLUSTER: i32 = 8;  // readahead window is 1 << page_cluster slots
export const CFG_SEED: i32 = 9;          // scheduler seed
export const CFG_SCHED: i32 = 10;        // sched.ts SCHED_*
export const CFG_PCT_DEPTH: i32 = 11;    // PCT bug depth d
export const CFG_PCT_K: i32 = 12;        // PCT: expected steps per execution (change points drawn in [1, k])
export const CFG_OPCAP: i32 = 13;        // ops per CPU op buffer (power of two)
export const CFG_LOGCAP: i32 = 14;       // bytes of choice log (power of two)
export const CFG_TRACECAP: i32 = 15;     // trace records (power of two); 0 = tracing off
export const CFG_FREE_MIN: i32 = 16;     // pages_min watermark
export const CFG_FREE_LOW: i32 = 17;     // pages_low: below it alloc_page enters direct reclaim
export const CFG_FREE_HIGH: i32 = 18;    // pages_high: kswapd reclaims up to it
export const CFG_AREA_PRIO_EQUAL: i32 = 19; // 1: all areas one priority (round robin), 0: descending
export const CFG_LOG_RING: i32 = 20;     // 1: choice log is a ring (bulk), 0: stop logging when full
export const CFG_SWAP_CLUSTER: i32 = 21; // SWAP_CLUSTER_MAX: pages one reclaim pass tries to free
// The in-model workload generator (workload.ts; bulk mode), set before reset by the host
// (src/workload/generator.ts configureGenerator); the streams' seeds and quotas are taken at
// the first refill after reset.
export const CFG_GEN: i32 = 22;          // 1: a CPU whose op ring runs dry is refilled by the model
export const CFG_GEN_SEED: i32 = 23;     // workload seed (each CPU's stream is seeded from it)
export const CFG_GEN_PATTERN: i32 = 24;  // workload.ts PAT_*: uniform, hot/cold, sequential
export const CFG_GEN_SHARE: i32 = 25;    // 1: CPUs are threads, every CPU draws its mm from all
export const CFG_GEN_MMS: i32 = 26;      // mms the ops address (<= CFG_NMM)
export const CFG_GEN_PAGES: i32 = 27;    // pages per mm the ops address (<= CFG_PAGES)
export const CFG_GEN_AREAS: i32 = 28;    // areas swapoff/swapon address (<= CFG_NAREAS)
export const CFG_GEN_HOT: i32 = 29;      // hot/cold: the lowest CFG_GEN_HOT pages are hot
// Thresholds on one u32 draw (the draw is below: that kind), as u32 bits saturated at
// 0xffffffff; a threshold of 2^32 (every draw is below) has its bit in CFG_GEN_T_FULL.
export const CFG_GEN_T_FORK: i32 = 30;
export const CFG_GEN_T_EXIT: i32 = 31;   // cumulative: fork + exit
export const CFG_GEN_T_MUNMAP: i32 = 32; // ... + munmap
export const CFG_GEN_T_SWAPOFF: i32 = 33;// ... + swapoff
export const CFG_GEN_T_RARE: i32 = 34;   // ... + swapon: draws at or above it are page accesses
export const CFG_GEN_T_WRITE: i32 = 35;  // write ratio (on a draw's low 16 bits, shifted up)
export const CFG_GEN_T_HOT: i32 = 36;    // hot/cold: probability that an access goes to a hot page
export const CFG_GEN_T_FULL: i32 = 37;   // workload.ts TF_* bits
// Ops each CPU's stream has: QUOTA_HI * 2^30 + QUOTA_LO, plus one for CPUs below QUOTA_EXTRA.
export const CFG_GEN_QUOTA_HI: i32 = 38;
export const CFG_GEN_QUOTA_LO: i32 = 39;
export const CFG_GEN_QUOTA_EXTRA: i32 = 40;
// 1: the steady workload (workload.ts): each CPU first writes every page of its mms, a
// swapoff is followed by the swapon of the same area, a fork by its child's exit, the child
// in a spare mm (CFG_GEN_MMS + cpu). 0: the independent random op mix.
export const CFG_GEN_STEADY: i32 = 41;
// The random scheduler (sched.ts): 0 a uniform draw at every step (bulk `run`'s), 1 the
// hunt's random walk, whose switch probabilities each execution draws (walk_setup).
export const CFG_RANDOM_WALK: i32 = 42;
// A swarm hunt's workload, written by the host with each execution's shape and taken by
// hunt.ts hunt_shaped (what hunt_workload and hunt_mix take as arguments): ops per CPU, the
// write threshold, pages per mm, mms, 1 when the CPUs share mm 0; the mix's cumulative
// thresholds of write..swapoff, and the areas it addresses (0: no mix, reads and writes alone).
export const CFG_HUNT_OPS: i32 = 43;
export const CFG_HUNT_WRITE_BELOW: i32 = 44;
export const CFG_HUNT_PAGES: i32 = 45;
export const CFG_HUNT_MMS: i32 = 46;
export const CFG_HUNT_SHARE: i32 = 47;
export const CFG_HUNT_T_WRITE: i32 = 48;   // .. CFG_HUNT_T_WRITE + 6: write, read, fork, exit, munmap, wprotect, swapoff
export const CFG_HUNT_MIX_AREAS: i32 = 55;
// The second word of model feature flags (model.ts F2_*): CFG_FLAGS is full.
export const CFG_FLAGS2: i32 = 56;
// 1: a run long enough for the model's clock to reach out_of_memory's second (bulk runs), so a
// user allocation short of pages waits for the OOM killer as 2.4.16's does; 0 (hunts, tests, whose
// executions never reach a second): page_alloc.ts's stand-in fails it (oom-kill only).
export const CFG_OOM_CLOCK: i32 = 57;
// The model's clock (mm/oom_kill.ts oom_jiffies): a jiffy is 2^CFG_JIFFY_SHIFT steps, 0..14;
// 14 unless a run or a hunt asks for a faster clock (--jiffy-steps).
export const CFG_JIFFY_SHIFT: i32 = 58;
export const CFG_COUNT: i32 = 64;

// Config words live in a fixed block at CONFIG_BASE, the first of the model's fixed-address
// blocks (state.ts): a constant address, so a cfg() read is one load. It lies above the
// module's static data (state.ts reserve_fixed checks) and is the same in both builds, so
// the two lay out, and hash, the same bytes.
export const CONFIG_BASE: i32 = 4096;
export function config_base(): i32 { return CONFIG_BASE; }

@inline export function cfg(key: i32): i32 { return ld(CONFIG_BASE + (key << 2)); }
export function cfg_set(key: i32, value: i32): void { st(CONFIG_BASE + (key << 2), value); }
