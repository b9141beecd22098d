// Platform primitives: the only place the model touches memory or does arithmetic that
// differs between WebAssembly and JavaScript. The JS build of the model (src/build/
// make-js-model.mjs) swaps this file for src/build/platform-js.ts, which implements the
// same functions over typed-array views, so one model source runs identically in both.
//
// Rules for model code (so both builds agree bit for bit): every value is an i32; use
// imul/idiv/irem here instead of * / % where an operand may be large or negative;
// no bool-to-int casts (write `c ? 1 : 0`); no allocation after init.

@inline export function ld(addr: i32): i32 { return load<i32>(<usize>addr); }
// Stores since the traced build's run loop last reset the count (frame.ts's check that a
// section returning BLOCK changed nothing). TRACE_BUILT is a constant: the untraced build
// counts nothing.
let stores: i32 = 0;
/** Stores counted so far (traced build; 0 in the untraced one). */
@inline export function store_count(): i32 { return stores; }
@inline export function set_store_count(n: i32): void { if (TRACE_BUILT) stores = n; }
@inline export function st(addr: i32, v: i32): void { if (TRACE_BUILT) stores++; store<i32>(<usize>addr, v); }
/** A store the count leaves out: a procedure's own locals (frame.ts set_l), not shared state. */
@inline export function st_local(addr: i32, v: i32): void { store<i32>(<usize>addr, v); }
@inline export function ld16(addr: i32): i32 { return <i32>load<u16>(<usize>addr); }
@inline export function st16(addr: i32, v: i32): void { if (TRACE_BUILT) stores++; store<u16>(<usize>addr, <u16>(v & 0xffff)); }
@inline export function ld8(addr: i32): i32 { return <i32>load<u8>(<usize>addr); }
@inline export function st8(addr: i32, v: i32): void { if (TRACE_BUILT) stores++; store<u8>(<usize>addr, <u8>(v & 0xff)); }
@inline export function imul(a: i32, b: i32): i32 { return a * b; }
@inline export function idiv(a: i32, b: i32): i32 { return a / b; }
@inline export function irem(a: i32, b: i32): i32 { return a % b; }
@inline export function clz32(a: i32): i32 { return clz<i32>(a); }
@inline export function pop32(a: i32): i32 { return popcnt<i32>(a); }
@inline export function ctz32(a: i32): i32 { return ctz<i32>(a); }

/** Whether this build can trace (trace.ts). `npm run build` makes two Wasm builds of the same
 *  sources: build/faultsim.wasm, which can, for replays that draw diagrams, and
 *  build/faultsim-untraced.wasm (asc --use FAULTSIM_UNTRACED=1), where tracing is a constant
 *  false and every trace() folds away (~7% of a hunt execution), for the hunt's search, campaign
 *  workers and bulk runs. The two run the same executions (test/engine/untraced.test.ts). */
// @ts-ignore: FAULTSIM_UNTRACED exists only when asc defines it (--use)
export const TRACE_BUILT: bool = !isDefined(FAULTSIM_UNTRACED);

/** Stops the model: a broken build invariant (not a simulated kernel's bug). */
export function trap(): void { unreachable(); }

/** First byte after the module's static data: the model's fixed layout starts above it. */
export function heap_start(): i32 { return <i32>__heap_base; }

/** Grows linear memory so that [0, bytes) is addressable; false when it cannot. */
export function ensure_memory(bytes: i32): bool {
  const have = <i32>memory.size() << 16;
  if (bytes <= have) return true;
  const pages = ((bytes - have) + 0xffff) >>> 16;
  return memory.grow(pages) >= 0;
}

/** Below this many bytes mem_fill stores in a loop: V8 runs memory.fill as a call out of the
 *  Wasm code into C, which costs more than the stores of the few hundred bytes a hunt
 *  machine's arrays take (its boots and its check at rest fill about ten ranges an execution). */
const FILL_CALL_BYTES: i32 = 512;

@inline export function mem_fill(addr: i32, value: i32, bytes: i32): void {
  if (bytes < FILL_CALL_BYTES) fill_stores(addr, value, bytes);
  else memory.fill(<usize>addr, <u8>value, <usize>bytes);
}

/** mem_fill of a short range: eight bytes a store, then what is left byte by byte. */
function fill_stores(addr: i32, value: i32, bytes: i32): void {
  const v8 = <u64>(<u8>value) * 0x0101010101010101;
  let p = addr;
  const end = addr + bytes;
  for (; p + 8 <= end; p += 8) store<u64>(<usize>p, v8);
  for (; p < end; p++) store<u8>(<usize>p, <u8>value);
}

/** The JS twin binds its typed-array views here; Wasm already owns its memory. */
export function bind_memory(memoryObject: i32, base: i32): void {}
