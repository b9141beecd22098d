// try_to_swap_out's drop_pte (mm/vmscan.c). linux-2.4.0 unlocks the page and drops rss, then
// calls deactivate_page, which takes pagemap_lru_lock (mm/swap.c), and only then releases the
// pte's page reference: another CPU can lock the page in between and count that reference
// (flag drop-pte-deactivate). 2.4.16 unlocks and releases in one step: nobody can.
import { describe, it, expect } from "vitest";
import { LINUX_2_4_0, LINUX_2_4_16 } from "../helpers/rig.js";
import { type DropPteRig, finishClean, swappedPte } from "./drop-pte-rig.js";
import { FLAGS } from "../../src/model/models.js";
import { P, PG } from "../../src/wasm/abi.js";
import { AG, G, MM } from "../helpers/machine.js";

const DEACTIVATE = FLAGS.find((f) => f.name === "drop-pte-deactivate")!.bit;

/** CPU1 faults on mm1[0] (the swap pte of E) until it holds f's page lock; returns f's count then. */
function cpu1LocksPage(r: DropPteRig): number {
  const { s, d, start, f } = r;
  start(1, P.handle_mm_fault, [1, 0, 0]);
  for (let n = 0; n < 200 && (s.flags(f) & PG.LOCKED) === 0; n++) expect(d.step(1)).toBe(true);
  expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED);
  return s.count(f);
}

describe("try_to_swap_out's drop_pte", () => {
  it("linux-2.4.0: the page is unlocked while the pte's reference is still counted; deactivate_page takes pagemap_lru_lock first", () => {
    const r = swappedPte(LINUX_2_4_0);
    const { s, d, f } = r;
    // UnlockPage and rss-- are done; page_cache_release is not: the pte's reference is held.
    expect(s.flags(f) & PG.LOCKED).toBe(0);
    expect(s.count(f)).toBe(2);
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(s.agent(0, AG.SP)).not.toBe(0);
    // Another CPU locks the page meanwhile (2.4.0's lookup_swap_cache is find_lock_page) and
    // counts the cache's reference, its own and the pte's that CPU0 still holds.
    expect(cpu1LocksPage(r)).toBe(3);
    // CPU0 goes on: deactivate_page (pagemap_lru_lock taken and dropped in its own step),
    // then page_cache_release in the step after it.
    expect(d.step(0)).toBe(true);
    expect(s.count(f)).toBe(3);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    expect(d.step(0)).toBe(true);
    expect(s.count(f)).toBe(2);
    finishClean(r);
  });

  it("linux-2.4.0: deactivate_page clears PG_referenced and moves an active page only the cache and the pte hold", () => {
    const r = swappedPte(LINUX_2_4_0);
    const { s, d, f } = r;
    // As if another CPU's activate_page had moved f to the active list meanwhile.
    const nrActive = s.g(G.NR_ACTIVE);
    r.e.m.start_proc(1, P.mark_page_accessed, f, 0, 0, 0);
    s.setFlags(f, s.flags(f) | PG.REFERENCED);
    d.drain(1);
    expect(s.flags(f) & PG.ACTIVE).toBe(PG.ACTIVE);
    expect(s.g(G.NR_ACTIVE)).toBe(nrActive + 1);
    s.setFlags(f, s.flags(f) | PG.REFERENCED);
    expect(s.count(f)).toBe(2);
    d.drain(0);
    expect(s.flags(f) & (PG.ACTIVE | PG.REFERENCED)).toBe(0);
    expect(s.flags(f) & PG.LRU).toBe(PG.LRU);
    expect(s.g(G.NR_ACTIVE)).toBe(nrActive);
    expect(s.count(f)).toBe(1);
  });

  it.each([
    ["linux-2.4.16", LINUX_2_4_16],
    ["linux-2.4.0 --without drop-pte-deactivate", LINUX_2_4_0 & ~DEACTIVATE],
  ] as const)("%s: the unlock and the release are one step, so no CPU can lock the page in between", (_name, flags) => {
    const r = swappedPte(flags);
    const { s, f } = r;
    expect(s.flags(f) & PG.LOCKED).toBe(0);
    expect(s.count(f)).toBe(1); // the pte's reference went in the unlock's own step
    expect(s.mm(0, MM.RSS)).toBe(0);
    expect(cpu1LocksPage(r)).toBe(2); // the cache's and CPU1's own
    finishClean(r);
  });
});
