// Operations a CPU runs, one at a time, from its op buffer (filled by the model's own
// generators, kernel/workload.ts for bulk runs and kernel/hunt.ts for a hunt's executions, or
// by the host from a repro file or a trace). One i32 each: kind << 28 | arg << 22 | mm << 16 | page.
export const OP_READ: i32 = 1;     // read (mm, page)
export const OP_WRITE: i32 = 2;    // write a fresh value to (mm, page)
export const OP_FORK: i32 = 3;     // mm forks; the child replaces whatever ran in mm `arg`
export const OP_EXIT: i32 = 4;     // the process in mm exits; a new empty one takes the slot
export const OP_MUNMAP: i32 = 5;   // unmap pages [page, page + arg) of mm
export const OP_SWAPOFF: i32 = 6;  // swapoff area `arg`
export const OP_SWAPON: i32 = 7;   // swapon area `arg`
export const OP_WPROTECT: i32 = 8; // write-protect pages [page, page + arg) of mm (mprotect read-only, then back)

// The op word's fields (the host's src/wasm/abi.ts makeOp/opKind... are generated from these).
export const OPW_KIND_SHIFT: i32 = 28;
export const OPW_ARG_SHIFT: i32 = 22;
export const OPW_MM_SHIFT: i32 = 16;
export const OPW_FIELD_MASK: i32 = 63;     // arg and mm: 6 bits each
export const OPW_PAGE_MASK: i32 = 0xffff;  // page: the low 16 bits

@inline export function op_kind(op: i32): i32 { return op >>> OPW_KIND_SHIFT; }
@inline export function op_arg(op: i32): i32 { return (op >>> OPW_ARG_SHIFT) & OPW_FIELD_MASK; }
@inline export function op_mm(op: i32): i32 { return (op >>> OPW_MM_SHIFT) & OPW_FIELD_MASK; }
@inline export function op_page(op: i32): i32 { return op & OPW_PAGE_MASK; }
/** The mm an op runs in as its task's own (an access, fork, exit, munmap or mprotect), or -1:
 *  swapoff and swapon name an area, not the task's mm, and 0 is no op. */
@inline export function op_task_mm(op: i32): i32 {
  const kind = op_kind(op);
  return (kind >= OP_READ && kind <= OP_MUNMAP) || kind == OP_WPROTECT ? op_mm(op) : -1;
}
@inline export function make_op(kind: i32, mm: i32, page: i32, arg: i32): i32 {
  return (kind << OPW_KIND_SHIFT) | ((arg & OPW_FIELD_MASK) << OPW_ARG_SHIFT) | ((mm & OPW_FIELD_MASK) << OPW_MM_SHIFT) | (page & OPW_PAGE_MASK);
}
