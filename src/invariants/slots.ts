// Swap areas and swap_map counts (inv 1, 6, 7): used areas, the header slot, the free
// counter and bracket, and each slot's count against the ptes and cache pages holding it.
import {
  G,
  A,
  AREA_WORDS,
  MAX_AREAS,
  SWP_USED,
  SWP_WRITEOK,
  SWAP_MAP_MAX,
  SWAP_MAP_BAD,
  SWP_TYPE_SHIFT,
  SWP_OFFSET_MASK,
  swpEntry,
} from "../wasm/abi.js";
import { fmtEntry } from "../report/events/types.js";
import { EMPTY_SLOT, zeroRunEnd16, swapMapBusy, swapCounterBusy, type Layout, type Collector } from "./layout.js";

// ---- swap areas: used areas, header slot, free counter and bracket (inv 6, 7) ----------

export function collectAreas(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  L.nUsed = 0;
  const ns = L.nSlots;
  let freeUsable = 0;
  // A running path holding swaplock or an sdev_lock may be between the two updates.
  let locked = !quiescent && swapCounterBusy(L, I);
  let sdlHeld = 0; // for checkLocksFree: one pass over the areas instead of two
  const areas = L.AREAS;
  for (let a = 0; a < MAX_AREAS; a++) {
    const ab = areas + a * AREA_WORDS;
    const flags = I[ab + A.FLAGS];
    if (I[ab + A.SDL] !== 0) sdlHeld |= 1 << a;
    if ((flags & SWP_USED) === 0) continue;
    L.usedAreas[L.nUsed++] = a;
    const base = a << L.slotsShift;
    // An area's scratch as the arrays were made is zero already (EMPTY_SLOT is 0).
    if ((L.slotsDirty & (1 << a)) !== 0) clearSlots(L, base, ns);
    L.slotsDirty |= 1 << a;
    const sm = L.SWAP_MAP16 + base;
    if (U16[sm] !== SWAP_MAP_BAD) {
      v.add("bad-slot", "header", `swap area ${a}: header slot 0 has count ${U16[sm]}, not SWAP_MAP_BAD`, { area: a, count: U16[sm] });
    }
    if ((flags & SWP_WRITEOK) !== SWP_WRITEOK) continue;
    if (!quiescent && swapMapBusy(L, I, a)) {
      locked = true;
      continue;
    }
    const lowest = I[ab + A.LOWEST],
      highest = I[ab + A.HIGHEST];
    for (let s = 1; s < ns; s++) {
      if (U16[sm + s] !== 0) continue;
      // A run of free slots [s, end) (a large area's unused ones), counted at once.
      const end = zeroRunEnd16(U16, I, sm + s + 1, sm + ns) - sm;
      freeUsable += end - s;
      // Those below the bracket, then those above it (each once: a full area's is empty,
      // lowest past highest).
      const below = Math.min(end, lowest);
      for (let t = s; t < below; t++) outsideBracket(v, a, t, lowest, highest);
      for (let t = Math.max(s, below, highest + 1); t < end; t++) outsideBracket(v, a, t, lowest, highest);
      s = end; // in use, or the end
    }
  }
  L.sdlHeld = sdlHeld;
  // sys_swapoff subtracts the area's pages up front; the counter only matches again after.
  if (I[L.G + G.SWAPOFF_AREA] >= 0 || locked) return;
  const nr = I[L.G + G.NR_SWAP_PAGES];
  if (nr !== freeUsable) {
    v.add("nr-swap-pages", "counter", `nr_swap_pages is ${nr} but ${freeUsable} usable swap slots are free`, {
      nrSwapPages: nr,
      freeSlots: freeUsable,
    });
  }
}

/** Zeroes an area's slot scratch: plain loops on a hunt machine's few slots, where a ranged
 *  fill() costs more, fill() on a large area's. */
function clearSlots(L: Layout, base: number, ns: number): void {
  if (ns > 256) {
    L.slotPtes.fill(0, base, base + ns);
    L.slotCacheN.fill(0, base, base + ns);
    L.slotCache.fill(EMPTY_SLOT, base, base + ns);
    return;
  }
  for (let s = base; s < base + ns; s++) {
    L.slotPtes[s] = 0;
    L.slotCacheN[s] = 0;
    L.slotCache[s] = EMPTY_SLOT;
  }
}

function outsideBracket(v: Collector, a: number, s: number, lowest: number, highest: number): void {
  v.add(
    "nr-swap-pages",
    "bracket",
    `free slot ${fmtEntry(swpEntry(a, s))} lies outside swap area ${a}'s free bracket [${lowest}, ${highest}]: get_swap_page will never hand it out`,
    { area: a, offset: s, lowest, highest },
  );
}

/** Why an entry has no slot: "invalid" (out of range) or "unused-area". */
export function badEntryReport(L: Layout, v: Collector, entry: number, holder: string, details: Record<string, number | string>): void {
  const a = entry >>> SWP_TYPE_SHIFT,
    off = entry & SWP_OFFSET_MASK;
  if (a >= MAX_AREAS || off >= L.nSlots) {
    v.add("bad-slot", "invalid-entry", `${holder} holds ${fmtEntry(entry)}, which is no valid swap entry`, details);
  } else {
    v.add("free-slot", "unused-area", `${holder} holds ${fmtEntry(entry)} of swap area ${a}, which is not in use (swapped off)`, details);
  }
}

// ---- swap_map counts (inv 1) -----------------------------------------------------------

export function checkSlots(L: Layout, I: Int32Array, U16: Uint16Array, v: Collector, quiescent: boolean): void {
  const ns = L.nSlots;
  for (let i = 0; i < L.nUsed; i++) {
    const a = L.usedAreas[i];
    if (!quiescent && swapMapBusy(L, I, a)) continue; // mid swap_duplicate/swap_free
    const base = a << L.slotsShift;
    const sm = L.SWAP_MAP16 + base;
    for (let off = 1; off < ns; off++) {
      const s = base + off;
      const count = U16[sm + off];
      // Free, bad and pinned-at-MAX slots are judged elsewhere or not at all (MAX is sticky);
      // a run of free ones is passed at once.
      if (count === 0) off = zeroRunEnd16(U16, I, sm + off + 1, sm + ns) - sm - 1;
      if (count === 0 || count >= SWAP_MAP_MAX) continue;
      const nCache = L.slotCacheN[s];
      const users = L.slotPtes[s] + (nCache > 0 ? 1 : 0);
      if (count < users) {
        swapCountReport(
          v,
          "short",
          a,
          off,
          count,
          L.slotPtes[s],
          nCache,
          "a swap_free ran while it is still referenced: the slot will be freed and reused under them",
        );
      } else if (quiescent && count > users && nCache < 2) {
        swapCountReport(v, "leak", a, off, count, L.slotPtes[s], nCache, "a reference leaked: the slot can never be freed");
      }
    }
  }
}

function swapCountReport(
  v: Collector,
  what: string,
  a: number,
  off: number,
  count: number,
  ptes: number,
  nCache: number,
  why: string,
): void {
  const entry = swpEntry(a, off);
  const holders = `${ptes} pte${ptes === 1 ? "" : "s"}${nCache > 0 ? " + the swap cache" : ""}`;
  v.add("swap-count", what, `swap_map[${fmtEntry(entry)}] = ${count} but ${holders} hold it: ${why}`, {
    entry: fmtEntry(entry),
    count,
    ptes,
    cached: nCache > 0 ? 1 : 0,
  });
}
