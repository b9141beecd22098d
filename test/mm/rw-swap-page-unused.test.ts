// rw_swap_page on an entry get_swaphandle_info refuses (mm/page_io.c rw_swap_page_base and
// mm/swapfile.c get_swaphandle_info, the same code in 2.4.0 and 2.4.16): a slot whose count is
// 0, an area not in use, an offset past the area's end. The kernel printks, does no I/O and
// unlocks the page (a read has cleared PG_uptodate first). The model reports the printk as it
// reports swap_free's (free-slot / bad-slot) in the release's words, queues nothing and unlocks.
import { describe, it, expect } from "vitest";
import { runProc, G, A } from "../helpers/machine.js";
import { rtcRig, addCachePage } from "../helpers/rig.js";
import { P, PG, BAD } from "../../src/wasm/abi.js";
import { resolveModel } from "../../src/model/models.js";
import { modelViolation } from "../../src/invariants/check.js";

const READ = 0;
const WRITE = 1;

/** A locked swap-cache page for a slot taken by get_swap_page (content 0x42, the page's 0x17),
 *  then `spoil` applied to the slot or its area; rw_swap_page_sync(page, rw) is then run. */
function ioOn(model: string, rw: number, spoil: (s: ReturnType<typeof rtcRig>["s"], entry: number) => void) {
  const r = rtcRig({ cpus: 2, frames: 32, slotsPerArea: 8, flags: resolveModel(model).flags, freeMin: 0, freeLow: 0 });
  const { e, s, run } = r;
  const entry = run(P.get_swap_page);
  const page = addCachePage(r, entry);
  s.setSlotContent(entry, 0x42);
  s.setContent(page, 0x17);
  spoil(s, entry);
  const tail = s.g(G.IOQ_TAIL);
  const out = runProc(e, 0, P.rw_swap_page_sync, [page, rw]);
  return { e, s, entry, page, tail, out };
}

const freeSlot = (s: ReturnType<typeof rtcRig>["s"], entry: number) => s.setSwapCount(entry, 0);
const unusedArea = (s: ReturnType<typeof rtcRig>["s"]) => s.setArea(0, A.FLAGS, 0);
const pastEnd = (s: ReturnType<typeof rtcRig>["s"], entry: number) => s.setArea(0, A.MAX, entry & 0xffffff);

describe("rw_swap_page: no I/O on an entry get_swaphandle_info refuses", () => {
  it.each(["linux-2.4.0", "linux-2.4.16"])("%s: a slot in use is read and written as before", (model) => {
    for (const rw of [READ, WRITE]) {
      const { s, entry, page, tail, out } = ioOn(model, rw, () => {});
      expect(out.violation).toBe("none");
      expect(s.g(G.IOQ_TAIL)).toBe(tail + 1);
      if (rw === READ) {
        expect(s.content(page)).toBe(0x42);
        expect(s.flags(page) & PG.UPTODATE).toBe(PG.UPTODATE);
      } else expect(s.slotContent(entry)).toBe(0x17);
    }
  });

  it.each([
    ["linux-2.4.0", "VM: Bad swap entry (rw_swap_page: the slot is free; no I/O)"],
    ["linux-2.4.16", "rw_swap_page: Unused swap offset entry (the slot is free; no I/O)"],
  ])("%s: a free slot: free-slot, in the release's words; nothing queued, the page unlocked", (model, words) => {
    for (const rw of [READ, WRITE]) {
      const { e, s, entry, page, tail, out } = ioOn(model, rw, freeSlot);
      expect(out.violation).toBe("free-slot");
      expect(e.global(G.VIOL_A)).toBe(entry);
      expect(e.global(G.VIOL_C)).toBe(BAD.RW_UNUSED_OFFSET);
      expect(modelViolation(e)!.message).toBe(`CPU0 in rw_swap_page_sync: ${words}: E0:1, count 0`);
      expect(s.g(G.IOQ_TAIL)).toBe(tail);
      expect(s.flags(page) & PG.LOCKED).toBe(0);
      expect(s.slotContent(entry)).toBe(0x42); // a write is dropped
      expect(s.content(page)).toBe(0x17); // a read leaves what was there ...
      if (rw === READ) expect(s.flags(page) & PG.UPTODATE).toBe(0); // ... not uptodate
    }
  });

  it.each([
    ["linux-2.4.0", "rw_swap_page: Trying to swap to unused swap-device (no I/O)"],
    ["linux-2.4.16", "rw_swap_page: Unused swap file entry (no I/O)"],
  ])("%s: an area not in use (its map freed: not read): free-slot", (model, words) => {
    const { e, s, tail, out } = ioOn(model, READ, (st) => unusedArea(st));
    expect(out.violation).toBe("free-slot");
    expect(e.global(G.VIOL_C)).toBe(BAD.RW_UNUSED_FILE);
    expect(modelViolation(e)!.message).toContain(words);
    expect(s.g(G.IOQ_TAIL)).toBe(tail);
  });

  it.each([
    ["linux-2.4.0", "rw_swap_page: weirdness (offset past the end; no I/O)"],
    ["linux-2.4.16", "rw_swap_page: Bad swap offset entry (no I/O)"],
  ])("%s: an offset past the area's max: bad-slot", (model, words) => {
    const { e, s, tail, out } = ioOn(model, WRITE, pastEnd);
    expect(out.violation).toBe("bad-slot");
    expect(e.global(G.VIOL_C)).toBe(BAD.RW_OFFSET);
    expect(modelViolation(e)!.message).toContain(words);
    expect(s.g(G.IOQ_TAIL)).toBe(tail);
  });
});
