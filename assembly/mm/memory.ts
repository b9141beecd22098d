// mm/memory.c: faults, zap. STUB until written.
import { ret } from "../kernel/frame";
export function access(pc: i32): i32 { return ret(0); }
export function handle_mm_fault(pc: i32): i32 { return ret(0); }
export function do_anonymous_page(pc: i32): i32 { return ret(0); }
export function do_swap_page(pc: i32): i32 { return ret(0); }
export function do_wp_page(pc: i32): i32 { return ret(0); }
export function zap_page_range(pc: i32): i32 { return ret(0); }
export function do_exit(pc: i32): i32 { return ret(0); }
export function do_munmap(pc: i32): i32 { return ret(0); }
