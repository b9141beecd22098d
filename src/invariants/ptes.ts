// Ptes (inv 5, 7, 9): the references each pte holds (to a frame or a swap slot) and the data
// a fault through it would read, against the last value written.
import { PG, PTE, SWAP_MAP_BAD, FRAME_SHIFT_PTE, ENTRY_SHIFT_PTE, SWP_OFFSET_MASK } from "../wasm/abi.js";
import { fmtEntry, fmtPage, fmtVpage } from "../report/events/types.js";
import { EMPTY_SLOT, slotOf, ptesBusy, type Layout, type Collector } from "./layout.js";
import { beyondTop } from "./touched.js";
import { zeroRunEnd } from "../wasm/fnv.js";
import { badEntryReport } from "./slots.js";

// ---- ptes: references and data (inv 5, 7, 9) ----------------------------------------------

export function scanPtes(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  L.frameMapsFor();
  for (let mm = 0; mm < L.nMm && !L.beyond; mm++) {
    // Under page_table_lock a path may have cleared a pte it is about to set again (swap_out)
    // or freed a slot its pte still names (do_swap_page): judge that mm when the lock is free.
    // Skipping its ptes only lowers the reference counts, so the ">=" checks stay sound.
    if (!quiescent && ptesBusy(L, I, mm)) {
      if (L.touched) lockedPtesPastTop(L, I, mm);
      continue;
    }
    const row = mm << L.pagesShift;
    for (let p = 0; p < L.nPages; p++) {
      const pte = I[L.PTES + row + p];
      const shadow = I[L.SHADOW + row + p];
      if (pte === 0) {
        if (shadow !== 0) lost(v, "none", mm, p, `pte is none (reads zero) but ${shadow} was written`, shadow, 0);
        else p = noneRunEnd(L, I, row, p + 1) - 1;
      } else if ((pte & PTE.PRESENT) !== 0) {
        presentPte(L, I, v, mm, p, pte >>> FRAME_SHIFT_PTE, shadow);
      } else {
        swapPte(L, I, U16, v, mm, p, pte >>> ENTRY_SHIFT_PTE, shadow);
      }
    }
  }
}

/** The first page from p on whose pte or shadow is not zero (or nPages): a run of pages never
 *  written (a large mm's) passed a block at a time. */
function noneRunEnd(L: Layout, I: Int32Array, row: number, p: number): number {
  const ptes = L.PTES + row,
    shadows = L.SHADOW + row;
  const end = zeroRunEnd(I, ptes + p, ptes + L.nPages) - ptes;
  return zeroRunEnd(I, shadows + p, shadows + end) - shadows;
}

/** Touched mode: a present pte of a locked mm that maps a frame past the bound (beyondTop).
 *  The whole passes do not judge that mm's ptes either, but they read every frame's words. */
function lockedPtesPastTop(L: Layout, I: Int32Array, mm: number): void {
  const row = L.PTES + (mm << L.pagesShift);
  for (let p = 0; p < L.nPages; p++) {
    const pte = I[row + p];
    if ((pte & PTE.PRESENT) !== 0 && beyondTop(L, pte >>> FRAME_SHIFT_PTE)) return;
  }
}

function lost(v: Collector, what: string, mm: number, p: number, why: string, shadow: number, got: number): void {
  v.add("data-lost", what, `${fmtVpage(mm, p)}: ${why}`, { mm, page: p, expected: shadow, got });
}

function presentPte(L: Layout, I: Int32Array, v: Collector, mm: number, p: number, f: number, shadow: number): void {
  if (f >= L.nFrames) {
    lost(v, "bad-frame", mm, p, `pte maps frame ${f}, beyond the machine's ${L.nFrames} frames`, shadow, -1);
    return;
  }
  if (beyondTop(L, f)) return;
  L.frameMaps[f]++;
  const content = I[L.PG_CONTENT + f];
  if (f === 0) {
    if (shadow !== 0 || content !== 0) {
      lost(v, "zero-page", mm, p, `maps the zero page (content ${content}) but ${shadow} was written`, shadow, content);
    }
    return;
  }
  if ((I[L.PG_FLAGS + f] & PG.INUSE) === 0) {
    lost(v, "free-frame", mm, p, `pte maps free ${fmtPage(f)}`, shadow, content);
  } else if (content !== shadow) {
    lost(v, "present", mm, p, `maps ${fmtPage(f)} holding ${content}, but the last write was ${shadow}`, shadow, content);
  }
}

function swapPte(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, mm: number, p: number, entry: number, shadow: number): void {
  const s = slotOf(L, I, entry);
  if (s < 0) {
    badEntryReport(L, v, entry, `the swap pte of ${fmtVpage(mm, p)}`, { mm, page: p, entry });
    return;
  }
  L.slotPtes[s]++;
  const count = U16[L.SWAP_MAP16 + s];
  if ((entry & SWP_OFFSET_MASK) === 0 || count === SWAP_MAP_BAD) {
    v.add("bad-slot", "pte", `the swap pte of ${fmtVpage(mm, p)} holds ${fmtEntry(entry)}, a bad or header slot`, {
      mm,
      page: p,
      entry,
      count,
    });
    return;
  }
  if (count === 0) {
    v.add("free-slot", "pte", `the swap pte of ${fmtVpage(mm, p)} holds ${fmtEntry(entry)}, whose slot is free`, { mm, page: p, entry });
  }
  // A fault reads the page a cache lookup returns once it is uptodate, else the slot.
  const f = L.slotCache[s];
  if (f !== EMPTY_SLOT && (I[L.PG_FLAGS + f] & PG.UPTODATE) !== 0) {
    const content = I[L.PG_CONTENT + f];
    // The page is right but clean and idle while its slot holds something else: nothing will
    // write it, and reclaim frees it, after which this pte's fault reads the slot.
    const slotContent = I[L.SLOT_CONTENT + s];
    if (content === shadow && slotContent !== content && (I[L.PG_FLAGS + f] & (PG.DIRTY | PG.LOCKED)) === 0) {
      lost(
        v,
        "clean-cache",
        mm,
        p,
        `swap pte ${fmtEntry(entry)} finds clean swap-cache ${fmtPage(f)} holding ${content} but its slot holds ${slotContent}: reclaim will free the page unwritten`,
        shadow,
        slotContent,
      );
    }
    if (content !== shadow) {
      lost(
        v,
        "swap-cache",
        mm,
        p,
        `swap pte ${fmtEntry(entry)} finds swap-cache ${fmtPage(f)} holding ${content}, but the last write was ${shadow}`,
        shadow,
        content,
      );
    }
  } else {
    const content = I[L.SLOT_CONTENT + s];
    if (content !== shadow) {
      const where = f !== EMPTY_SLOT ? ` (cache ${fmtPage(f)} not yet uptodate)` : "";
      lost(
        v,
        "swap-slot",
        mm,
        p,
        `swap slot ${fmtEntry(entry)} holds ${content}${where}, but the last write was ${shadow}`,
        shadow,
        content,
      );
    }
  }
}
