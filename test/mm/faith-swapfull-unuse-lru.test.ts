// Flags 20-21 (assembly/model.ts): swap-full-80 (vm_swap_full's threshold in 2.4.10-pre9) and
// unuse-clear-undead (2.4.0's own try_to_unuse loop), each shown with the flag on and off; and
// activate_page under pagemap_lru_lock (every release), on small machines driven step by step
// (test/helpers/directed.ts).
import { describe, it, expect } from "vitest";
import { G } from "../helpers/machine.js";
import {
  directedRig, swappedOut, S, LINUX_2_4_10 as V2410, LINUX_2_4_16 as V2416,
} from "../helpers/rig.js";
import { P, PTE, pteFrame } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import type { MachineConfig } from "../../src/wasm/engine.js";

const with2416 = (flag: string) => resolveModel("linux-2.4.16", [flag]).flags;
const without = (model: string, flag: string) => resolveModel(model, [], [flag]).flags;

/** A directed machine with 31 usable slots; call() lets the disk complete what it waits on. */
function rig(flags: number, over: Partial<MachineConfig> = {}) {
  const r = directedRig(
    {
      cpus: 2, frames: 32, mms: 2, pagesPerMm: 16, slotsPerArea: 32, flags, freeMin: 0, freeLow: 0,
      pageCluster: 0, ...over,
    },
    { rounds: 100, disk: true, noViolation: true },
  );
  const read = (mm: number, page: number, cpu = 0) => r.call(cpu, P.access, [mm, page, 0]);
  return { ...r, read, swappedOut: (mm: number, page: number, v: number) => swappedOut(r, mm, page, v) };
}

describe("swap-full-80: vm_swap_full's threshold (2.4.10-pre9: more than 80% in use; 2.4.16: more than half)", () => {
  /** `used` of the 31 slots taken, one of them held by mm0[1]'s pte; then mm0[1] is read. */
  function readWhenUsed(flags: number, used: number) {
    const r = rig(flags);
    for (let i = 0; i < used - 1; i++) r.call(0, P.get_swap_page);
    const E = r.swappedOut(0, 1, 555);
    expect(r.s.g(G.TOTAL_SWAP_PAGES)).toBe(31);
    expect(r.s.g(G.TOTAL_SWAP_PAGES) - r.s.g(G.NR_SWAP_PAGES)).toBe(used);
    r.read(0, 1);
    const page = pteFrame(r.s.pte(0, 1));
    return { ...r, E, page, deleted: r.s.stat(S.swapFullDeletes) };
  }

  it("2.4.10-pre9 (on): 24 of 31 in use (77%) is not full: the page stays in the swap cache, the slot kept", () => {
    const { s, E, page, deleted } = readWhenUsed(V2410, 24);
    expect(deleted).toBe(0);
    expect(s.cachedPageOf(E)).toBe(page);
    expect(s.swapCount(E)).toBe(1); // the cache's
  });

  it("2.4.10-pre9 (on): 25 of 31 in use (81%) is full: the exclusive page leaves the cache and frees its slot", () => {
    const { s, E, page, deleted } = readWhenUsed(V2410, 25);
    expect(deleted).toBe(1);
    expect(s.cachedPageOf(E)).toBe(0);
    expect(s.swapCount(E)).toBe(0);
    expect(s.pte(0, 1) & PTE.DIRTY).toBe(PTE.DIRTY);
    expect(s.count(page)).toBe(1);
  });

  it("2.4.10-pre9 --without swap-full-80: 2.4.16's half, so 16 of 31 in use is already full", () => {
    const { s, E, deleted } = readWhenUsed(without("linux-2.4.10-pre", "swap-full-80"), 16);
    expect(deleted).toBe(1);
    expect(s.swapCount(E)).toBe(0);
    const on = readWhenUsed(V2410, 16);
    expect(on.deleted).toBe(0);
    expect(on.s.swapCount(on.E)).toBe(1);
  });

  it("2.4.16 (off): 16 of 31 frees the slot (remove_exclusive_swap_page), 15 does not; --with swap-full-80 keeps it at 20", () => {
    expect(readWhenUsed(V2416, 16).s.swapCount(readWhenUsed(V2416, 16).E)).toBe(0);
    const at15 = readWhenUsed(V2416, 15);
    expect(at15.s.swapCount(at15.E)).toBe(1);
    const w = readWhenUsed(with2416("swap-full-80"), 20);
    expect(w.s.swapCount(w.E)).toBe(1);
    expect(w.s.cachedPageOf(w.E)).toBe(w.page);
    const w25 = readWhenUsed(with2416("swap-full-80"), 25);
    expect(w25.s.swapCount(w25.E)).toBe(0);
  });
});
