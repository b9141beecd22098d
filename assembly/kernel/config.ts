// Run-time configuration of the simulated machine, written by the host through
// `config_set` before `machine_init`. Indices are part of the host ABI (src/wasm/abi.ts).
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
export const CFG_COUNT: i32 = 32;

// Config words live in a fixed block at address CONFIG_BASE (below the heap).
let configBase: i32 = 0;
export function config_base(): i32 { return configBase; }
export function set_config_base(addr: i32): void { configBase = addr; }

@inline export function cfg(key: i32): i32 { return ld(configBase + (key << 2)); }
export function cfg_set(key: i32, value: i32): void { st(configBase + (key << 2), value); }
