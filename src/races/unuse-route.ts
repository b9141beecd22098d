// Whether a data loss took the "swapoff reads a fresh entry" route, read from the traced
// replay of the failing execution (docs/kernel-notes.md, "The seed's races", item 6). It is
// Marcelo Tosatti's 14 Sep 2001 race with swapoff as the reader: mm/vmscan.c try_to_swap_out
// (2.4.0, 2.4.10-pre9) takes entry E from get_swap_page (count 1, no page in the swap cache
// yet) and only then add_to_swap_cache; in between, sys_swapoff's try_to_unuse (mm/swapfile.c)
// finds E in use and read_swap_cache_async reads the slot, which holds nothing yet, into a
// page of its own. pre9 deletes that page from the swap cache before it searches the mms
// (delete first), so try_to_swap_out's unchecked add meets no second page: it adds its own,
// installs swap pte E, and try_to_unuse's search then maps the stale page into that pte.
// 2.4.16 closes it with the two changes together: add_to_swap_cache's -EEXIST (the swap-out
// add fails while try_to_unuse's page is cached) and try_to_unuse searching the mms before it
// deletes (so the page stays cached across the search).
import { EV, type TraceRecord, findLast } from "../report/trace.js";

/** The steps of one "swapoff reads a fresh entry" data loss in a trace. */
export interface UnuseFreshRoute {
  entry: number;
  /** try_to_swap_out's get_swap_page → E, and its add of its own page for E afterwards. */
  swapper: { agent: number; handedOut: number; added: number; page: number };
  /** try_to_unuse reading E (after the hand-out, before that add) into page `page`. */
  reader: { agent: number; read: number; added: number; page: number };
  /** try_to_unuse putting its page into a pte of E, after the swap-out's add. */
  mapped: { step: number; vpage: number };
  /** When the loss was read elsewhere: a fork's copy_page_range (then another's, from the child
   *  on) shared the stale page with `vpage`, the page the loss names. */
  forked?: { step: number; vpage: number };
}

/** The first such route in a trace (records in step order), or undefined; given `lost` (a
 *  virtual page, mm << 16 | page), only a stale page mapped at that page counts, by
 *  try_to_unuse itself or through forks after it (copiedTo). */
export function classifyUnuseFresh(records: readonly TraceRecord[], lost?: number): UnuseFreshRoute | undefined {
  for (let m = 0; m < records.length; m++) {
    const map = records[m];
    if (map.event !== EV.UNUSE_PTE) continue;
    const [stale, vpage, E] = [map.a, map.b, map.c];
    // A loss named elsewhere than where try_to_unuse mapped the page: reached through forks.
    let forked: { step: number; vpage: number } | undefined;
    if (lost !== undefined && lost !== vpage) {
      forked = copiedTo(records, m, stale, vpage, lost);
      if (forked === undefined) continue;
    }
    const U = map.agent;
    // The reader's add of the stale page for E, after its try_to_unuse read of E.
    const ua = findLast(records, m, (r) => r.agent === U && r.event === EV.ADD && r.a === stale && r.b === E);
    if (ua < 0) continue;
    const ur = findLast(records, ua, (r) => r.agent === U && r.event === EV.UNUSE_READ && r.a === E);
    if (ur < 0) continue;
    // A swap-out on another CPU added its own page for E after the reader's add, before the
    // mapping; its get_swap_page handed E out before the reader read E, and E was not freed
    // to 0 in between (else E came back: another route). The moment E left the free pool is
    // get_swap_page's own record, not try_to_swap_out's note of it, which comes a scheduling
    // point later (src/explore/route.ts does the same).
    for (let sa = ua + 1; sa < m; sa++) {
      const add = records[sa];
      if (add.event !== EV.ADD || add.b !== E || add.agent === U || add.a === stale) continue;
      const S = add.agent;
      const tso = findLast(records, sa, (r) => r.agent === S && r.event === EV.TSO_GET_SWAP && r.c === E);
      const got = tso < 0 ? -1 : findLast(records, tso, (r) => r.agent === S && r.event === EV.GET_SWAP_PAGE && r.a === E);
      if (got < 0 || got > ur) continue;
      const between = (i: number) => i > got && i < sa;
      if (records.some((r, i) => between(i) && r.agent === S && r.event === EV.ADD && r.b === E)) continue;
      if (records.some((r, i) => between(i) && r.event === EV.SWAP_FREE && r.a === E && r.b === 0)) continue;
      return {
        entry: E,
        swapper: { agent: S, handedOut: records[got].step, added: add.step, page: add.a },
        reader: { agent: U, read: records[ur].step, added: records[ua].step, page: stale },
        mapped: { step: map.step, vpage },
        ...(forked ? { forked } : {}),
      };
    }
  }
  return undefined;
}

/** How page, mapped at vpage by record `from`, reached target through forks: each
 *  copy_page_range record (EV_COPY_PAGE) that shares page from a virtual page already holding
 *  it adds the child's; the copy that reached target, or undefined. The copy record names the
 *  page the parent's pte held at the copy, so a pte that lost the page before a fork passes
 *  nothing on. */
function copiedTo(
  records: readonly TraceRecord[],
  from: number,
  page: number,
  vpage: number,
  target: number,
): { step: number; vpage: number } | undefined {
  const holders = new Set([vpage]);
  for (let i = from + 1; i < records.length; i++) {
    const r = records[i];
    if (r.event !== EV.COPY_PAGE || r.a !== page || !holders.has(r.c)) continue;
    if (r.b === target) return { step: r.step, vpage: r.b };
    holders.add(r.b);
  }
  return undefined;
}

/** The virtual page a data-lost message names first ("mm2[1]: ..." or "mm3[1] read 0, ..."),
 *  as mm << 16 | page (src/report/events/types.ts fmtVpage writes it so); undefined if none. */
export function lostVpage(message: string): number | undefined {
  const m = /mm(\d+)\[(\d+)\]/.exec(message);
  return m ? (Number(m[1]) << 16) | Number(m[2]) : undefined;
}
