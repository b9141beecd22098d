// mm/vmscan.c: reclaim. STUB until written.
import { ret, YIELD } from "../kernel/frame";
import { set_state } from "../kernel/locks";
import { KSWAPD, ST_IDLE } from "../kernel/state";
export function try_to_free_pages(pc: i32): i32 { return ret(0); }
export function shrink_cache(pc: i32): i32 { return ret(0); }
export function swap_out(pc: i32): i32 { return ret(0); }
export function swap_out_mm(pc: i32): i32 { return ret(0); }
export function try_to_swap_out(pc: i32): i32 { return ret(0); }
export function kswapd(pc: i32): i32 { set_state(KSWAPD, ST_IDLE); return YIELD; }
