// mm/swap_state.c: the swap cache. STUB until written.
import { ret } from "../kernel/frame";
export function lookup_swap_cache(pc: i32): i32 { return ret(0); }
export function read_swap_cache_async(pc: i32): i32 { return ret(0); }
export function swapin_readahead(pc: i32): i32 { return ret(0); }
export function add_to_swap_cache(pc: i32): i32 { return ret(0); }
export function delete_from_swap_cache(pc: i32): i32 { return ret(0); }
export function swap_writepage(pc: i32): i32 { return ret(0); }
