// try_to_swap_out's drop_pte (mm/vmscan.c) in linux-2.4.10-pre9: rss--, then, unless the page
// is PG_referenced, deactivate_page (mm/swap.c), which takes pagemap_lru_lock with the page
// still locked and the pte's reference still counted; only then UnlockPage and
// page_cache_release (flag drop-pte-deactivate-locked). Between the swap pte's set_pte and the
// unlock another CPU can run: it finds the swap pte installed and the page locked. 2.4.16
// unlocks and releases in the step that installs the pte: no CPU can see that state.
import { describe, it, expect } from "vitest";
import { AG, G, MM } from "../helpers/machine.js";
import { LINUX_2_4_10, LINUX_2_4_16 } from "../helpers/rig.js";
import { type DropPteRig, finishClean, swappedPte } from "./drop-pte-rig.js";
import { FLAGS, resolveModel } from "../../src/model/models.js";
import { P, PG, ST } from "../../src/wasm/abi.js";

const LOCKED = FLAGS.find((f) => f.name === "drop-pte-deactivate-locked")!;
const PRE9_W1 = resolveModel("linux-2.4.10-pre").flags2;

/** CPU0 up to the step that installs mm0[3]'s swap pte; rss is dropped by then. */
function swappedPteRss(flags: number, flags2: number, referenced = false): DropPteRig {
  const r = swappedPte(flags, flags2, referenced);
  expect(r.s.mm(0, MM.RSS)).toBe(0);
  return r;
}

/** CPU1 faults on mm1[0] (the swap pte of E) until it can go no further. */
function cpu1Faults(r: DropPteRig) {
  r.start(1, P.handle_mm_fault, [1, 0, 0]);
  r.d.drain(1, 500);
}

describe("try_to_swap_out's drop_pte, 2.4.10-pre9 (flag drop-pte-deactivate-locked)", () => {
  it("is word 1's, set in linux-2.4.10-pre alone", () => {
    expect(LOCKED.word).toBe(1);
    expect(PRE9_W1 & LOCKED.bit).toBe(LOCKED.bit);
    for (const m of ["linux-2.4.0", "linux-2.4.16", "linux-2.4.16-fixed"]) expect(resolveModel(m).flagNames, m).not.toContain(LOCKED.name);
  });

  it("linux-2.4.10-pre: the swap pte is installed, the page still locked and counted; another CPU runs meanwhile and waits for the page", () => {
    const r = swappedPteRss(LINUX_2_4_10, PRE9_W1);
    const { s, d, f } = r;
    // set_pte and rss-- are done; deactivate_page, UnlockPage and page_cache_release are not.
    expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED);
    expect(s.count(f)).toBe(2);
    expect(s.g(G.LRU_LOCK)).toBe(0); // taken first in the next section, not yet
    expect(s.agent(0, AG.SP)).not.toBe(0);
    // CPU1's fault finds the swap cache's page (one reference more) and sleeps on its lock.
    cpu1Faults(r);
    expect(s.agent(1, AG.STATE)).toBe(ST.SLEEP);
    expect(s.count(f)).toBe(3);
    expect(s.flags(f) & PG.LOCKED).toBe(PG.LOCKED);
    // CPU0's next step: pagemap_lru_lock taken and dropped, the page unlocked, the pte's
    // reference released.
    expect(d.step(0)).toBe(true);
    expect(s.g(G.LRU_LOCK)).toBe(0);
    expect(s.count(f)).toBe(2);
    finishClean(r);
  });

  it("linux-2.4.10-pre: a PG_referenced page is not deactivated: unlock and release in the set_pte step", () => {
    const r = swappedPteRss(LINUX_2_4_10, PRE9_W1, true);
    const { s, f } = r;
    expect(s.flags(f) & PG.LOCKED).toBe(0);
    expect(s.count(f)).toBe(1);
    expect(s.flags(f) & PG.REFERENCED).toBe(PG.REFERENCED);
    finishClean(r);
  });

  it.each([
    ["linux-2.4.16", LINUX_2_4_16, 0],
    ["linux-2.4.10-pre --without drop-pte-deactivate-locked", LINUX_2_4_10, PRE9_W1 & ~LOCKED.bit],
  ] as const)(
    "%s: the unlock and the release are in the set_pte step: no CPU sees the swap pte with the page locked",
    (_name, flags, flags2) => {
      const r = swappedPteRss(flags, flags2);
      const { s, f } = r;
      expect(s.flags(f) & PG.LOCKED).toBe(0);
      expect(s.count(f)).toBe(1);
      cpu1Faults(r);
      expect(s.agent(1, AG.STATE)).not.toBe(ST.SLEEP);
      finishClean(r);
    },
  );
});
