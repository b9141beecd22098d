// Operations a CPU runs, one at a time, from its op buffer (written by the host's workload
// generator or a repro file). One i32 each: kind << 28 | arg << 22 | mm << 16 | page.
export const OP_READ: i32 = 1;     // read (mm, page)
export const OP_WRITE: i32 = 2;    // write a fresh value to (mm, page)
export const OP_FORK: i32 = 3;     // mm forks; the child replaces whatever ran in mm `arg`
export const OP_EXIT: i32 = 4;     // the process in mm exits; a new empty one takes the slot
export const OP_MUNMAP: i32 = 5;   // unmap pages [page, page + arg) of mm
export const OP_SWAPOFF: i32 = 6;  // swapoff area `arg`
export const OP_SWAPON: i32 = 7;   // swapon area `arg`
export const OP_WPROTECT: i32 = 8; // write-protect pages [page, page + arg) of mm (mprotect read-only, then back)

@inline export function op_kind(op: i32): i32 { return op >>> 28; }
@inline export function op_arg(op: i32): i32 { return (op >>> 22) & 63; }
@inline export function op_mm(op: i32): i32 { return (op >>> 16) & 63; }
@inline export function op_page(op: i32): i32 { return op & 0xffff; }
@inline export function make_op(kind: i32, mm: i32, page: i32, arg: i32): i32 {
  return (kind << 28) | ((arg & 63) << 22) | ((mm & 63) << 16) | (page & 0xffff);
}
