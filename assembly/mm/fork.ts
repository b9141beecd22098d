// kernel/fork.c + copy_page_range. STUB until written.
import { ret } from "../kernel/frame";
export function do_fork(pc: i32): i32 { return ret(0); }
export function copy_page_range(pc: i32): i32 { return ret(0); }
