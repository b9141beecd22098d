// JavaScript twin of assembly/kernel/platform.ts, used by the JS build of the model.
// Every function must give the same i32 result as its AssemblyScript twin.
let memory: WebAssembly.Memory;
let H32: Int32Array;
let H16: Uint16Array;
let H8: Uint8Array;
let heapBase = 1024;

function rebind(): void {
  H32 = new Int32Array(memory.buffer);
  H16 = new Uint16Array(memory.buffer);
  H8 = new Uint8Array(memory.buffer);
}

/** Called by the host once, before anything else: the JS model runs over this memory. */
export function bind_memory(m: WebAssembly.Memory, base: number): void {
  memory = m;
  heapBase = base;
  rebind();
}

export function ld(addr: number): number {
  return H32[addr >> 2];
}
// Stores since the run loop last reset the count (platform.ts: the JS twin can trace, so it counts).
let stores = 0;
export function store_count(): number {
  return stores;
}
export function set_store_count(n: number): void {
  stores = n;
}
export function st(addr: number, v: number): void {
  stores++;
  H32[addr >> 2] = v;
}
export function ld16(addr: number): number {
  return H16[addr >> 1];
}
export function st_local(addr: number, v: number): void {
  H32[addr >> 2] = v;
}
export function st16(addr: number, v: number): void {
  stores++;
  H16[addr >> 1] = v & 0xffff;
}
export function ld8(addr: number): number {
  return H8[addr];
}
export function st8(addr: number, v: number): void {
  stores++;
  H8[addr] = v & 0xff;
}
export function imul(a: number, b: number): number {
  return Math.imul(a, b);
}
export function idiv(a: number, b: number): number {
  return (a / b) | 0;
}
export function irem(a: number, b: number): number {
  return (a % b) | 0;
}
export function clz32(a: number): number {
  return Math.clz32(a);
}
export function pop32(a: number): number {
  a = a - ((a >>> 1) & 0x55555555);
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  return Math.imul((a + (a >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
export function ctz32(a: number): number {
  return a === 0 ? 32 : 31 - Math.clz32(a & -a);
}
/** The JS twin can trace (platform.ts TRACE_BUILT). */
export const TRACE_BUILT = true;
export function trap(): void {
  throw new Error("faultsim model: trap");
}
export function heap_start(): number {
  return heapBase;
}
export function ensure_memory(bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
  } catch {
    return false;
  }
  rebind();
  return true;
}
export function mem_fill(addr: number, value: number, bytes: number): void {
  H8.fill(value & 0xff, addr, addr + bytes);
}
