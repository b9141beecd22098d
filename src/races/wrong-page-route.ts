// Whether a try_to_unuse BUG took the catalogue's unuse-wrong-page route, read from the traced
// replay of the failing execution (docs/kernel-notes.md, "Later races in the same code").
// mm/swapfile.c try_to_unuse (2.4.16) gets page P of entry E from read_swap_cache_async and only
// then waits for P and locks it. In between, nothing stops P leaving the swap cache: a zap's
// free_swap_and_cache (or a remove_exclusive_swap_page) takes P's lock with a trylock, deletes
// P and frees E, and swap_out's try_to_swap_out may then put P back in the cache under an entry
// of another area (E's own area takes no new entries during swapoff). Once try_to_unuse holds
// the lock, E's count is 0 while P is PageSwapCache: 2.4.16's `(swcount > 0) !=
// PageSwapCache(page)` BUG. The zap may be try_to_unuse's own: between the read and the lock it
// puts a start_mm that "looks like exiting" (mm_users == 1), and that last mmput runs
// exit_mmap in swapoff's context (kernel/fork.c mmput). Hugh Dickins' 2008 fix (2.6.25; flag unuse-recheck-key) rechecks
// that P is still cached under E. A try_to_unuse BUG reached any other way does not count.
//
// The same race has a second window, after the BUG's check (classifyUnuseLostWrite): when E
// still has a reference the search did not reach (a pte of an mm whose exit has taken it off
// the mmlist and not yet zapped it) and P is dirty, try_to_unuse writes P to E's slot
// ("rw_swap_page(WRITE, page); lock_page(page);"). The end of that write unlocks P, and until
// try_to_unuse has the lock back, the same trylock delete and swap_out's add can move P to an
// entry of another area; 2.4.16 then deletes P from the swap cache without looking at
// page->index ("if (PageSwapCache(page)) delete_from_swap_cache(page);"), under that other
// entry, before P was ever written there: the pte swap_out left holding it reads a slot that
// never had its data. No BUG fires; the data is lost. This is the loss Hugh Dickins' 2008
// commit ("mm: try_to_unuse check removing right swpage") describes; its page->index check
// (flag unuse-recheck-key) closes this window too.
import { EV, type TraceRecord, findLast } from "../report/trace.js";
import { fmtEntry, fmtPage, fmtVpageWord } from "../report/events/types.js";

/** Who deleted try_to_unuse's page from the swap cache. */
export type WrongPageDeleter = "free_swap_and_cache" | "remove_exclusive_swap_page";

/** The steps of one unuse-wrong-page BUG in a trace. */
export interface UnuseWrongPageRoute {
  entry: number;
  page: number;
  /** try_to_unuse (the agent that hit the BUG) reading E, and getting P for it. */
  holder: { agent: number; read: number; got: number };
  /** Another agent deleting P from the swap cache (freeing E), or try_to_unuse's own last
   *  mmput of start_mm (`ownMmput`: its exit_mmap's zap), and the function that did. */
  deleter: { agent: number; step: number; by: WrongPageDeleter; zap: boolean; pageCount?: number; ownMmput?: boolean };
  /** try_to_swap_out adding P to the swap cache again, under another entry, for a pte of it. */
  readded: { agent: number; step: number; entry: number; vpage: number };
  why: string;
}

/** The route of a BUG in try_to_unuse hit by `agent` (the trace ends at the BUG), or undefined
 *  when the trace does not show it: the agent's last try_to_unuse entry E and its page P, P
 *  deleted from the cache under E by another agent after try_to_unuse got it, then added back
 *  under another entry and still there at the end. */
export function classifyUnuseWrongPage(records: readonly TraceRecord[], agent: number): UnuseWrongPageRoute | undefined {
  const read = findLast(records, records.length, (r) => r.agent === agent && r.event === EV.UNUSE_READ);
  if (read < 0) return undefined;
  const E = records[read].a;
  const got = gotPage(records, agent, read);
  if (got < 0) return undefined;
  const P = pageGot(records[got]);
  // try_to_unuse's own exit_mmap (its last mmput of start_mm) after it got P, if any.
  const own = records.findIndex((r, i) => i > got && r.agent === agent && r.event === EV.EXIT_MMAP);
  const del = records.findIndex(
    (r, i) => i > got && (r.agent !== agent || (own >= 0 && i > own)) && r.event === EV.DELETE && r.a === P && r.b === E,
  );
  if (del < 0) return undefined;
  const by = deleterOf(records, del);
  if (by === undefined) return undefined;
  // Its own delete counts only as that exit_mmap's zap.
  if (records[del].agent === agent && !(by.by === "free_swap_and_cache" && by.zap)) return undefined;
  // The last add of P: after the delete, under another entry, and not deleted since.
  const add = findLast(records, records.length, (r) => r.event === EV.ADD && r.a === P);
  if (add <= del || records[add].b === E) return undefined;
  if (records.some((r, i) => i > add && r.event === EV.DELETE && r.a === P)) return undefined;
  // try_to_swap_out's add: its get_swap_page handed it the other entry for P.
  const { agent: S, b: E2 } = records[add];
  const tso = findLast(records, add, (r) => r.agent === S && r.event === EV.TSO_GET_SWAP);
  if (tso < 0 || records[tso].b !== P || records[tso].c !== E2) return undefined;
  const route = {
    entry: E,
    page: P,
    holder: { agent, read: records[read].step, got: records[got].step },
    deleter: { agent: records[del].agent, step: records[del].step, ...by, ...(records[del].agent === agent ? { ownMmput: true } : {}) },
    readded: { agent: S, step: records[add].step, entry: E2, vpage: records[tso].a },
  };
  return { ...route, why: wrongPageWhy(route) };
}

/** Index of read_swap_cache_async's page for try_to_unuse's read at records[read] (a lookup
 *  hit, or the page it added for the entry), or -1. */
function gotPage(records: readonly TraceRecord[], agent: number, read: number): number {
  const E = records[read].a;
  return records.findIndex(
    (r, i) => i > read && r.agent === agent && ((r.event === EV.LOOKUP_HIT && r.a === E) || (r.event === EV.ADD && r.b === E)),
  );
}

/** The page of a gotPage record. */
const pageGot = (r: TraceRecord): number => (r.event === EV.LOOKUP_HIT ? r.b : r.a);

/** The delete's caller, from the deleting agent's records just before it. */
function deleterOf(records: readonly TraceRecord[], del: number): Omit<UnuseWrongPageRoute["deleter"], "agent" | "step"> | undefined {
  const { agent, a: P, b: E } = records[del];
  const i = findLast(
    records,
    del,
    (r) =>
      r.agent === agent &&
      ((r.event === EV.FREE_SWAP_DELETE && r.a === P && r.b === E) ||
        ((r.event === EV.REMOVE_EXCLUSIVE || r.event === EV.FAULT_REMOVE_EXCLUSIVE) && r.a === P && r.b === E && r.c !== 0) ||
        r.event === EV.OP_START),
  );
  if (i < 0 || records[i].event === EV.OP_START) return undefined;
  if (records[i].event !== EV.FREE_SWAP_DELETE) return { by: "remove_exclusive_swap_page", zap: false };
  // free_swap_and_cache called by zap_page_range (an exit, a munmap, a fork into a live mm).
  const zap = findLast(records, i, (r) => r.agent === agent && (r.event === EV.ZAP_SWAP || r.event === EV.OP_START));
  return { by: "free_swap_and_cache", zap: zap >= 0 && records[zap].event === EV.ZAP_SWAP, pageCount: records[i].c };
}

/** The route in one line, with its steps (the replay's `route:` line). */
function wrongPageWhy(r: Omit<UnuseWrongPageRoute, "why">): string {
  const [E, P, E2] = [fmtEntry(r.entry), fmtPage(r.page), fmtEntry(r.readded.entry)];
  return (
    `swapoff's try_to_unuse got ${P} for ${E} (step ${r.holder.got}) and had yet to lock it; ` +
    `${deletedWhy(r.deleter, P, E)}; ` +
    `swap_out's try_to_swap_out of ${fmtVpageWord(r.readded.vpage)} added ${P} to the cache again under ${E2} (step ${r.readded.step}); ` +
    `try_to_unuse, holding the lock, found ${E}'s count 0 but ${P} in the swap cache: BUG`
  );
}

/** The steps of one unuse-wrong-page data loss through try_to_unuse's write of its page. */
export interface UnuseLostWriteRoute {
  entry: number;
  page: number;
  /** try_to_unuse: reading E and getting P for it, queueing P's write to E's slot, the write
   *  done (P unlocked), the lock taken back, and its delete of P under the other entry. */
  holder: { agent: number; read: number; got: number; write: number; written: number; relocked: number; deleted: number };
  /** Another agent deleting P from the swap cache under E (freeing E) after the write ended. */
  deleter: { agent: number; step: number; by: WrongPageDeleter; zap: boolean; pageCount?: number };
  /** try_to_swap_out adding P to the swap cache again under another entry, for a pte of it. */
  readded: { agent: number; step: number; entry: number; vpage: number };
  why: string;
}

/** The route of a data loss through try_to_unuse's write (2.4.16 mm/swapfile.c try_to_unuse,
 *  "rw_swap_page(WRITE, page); lock_page(page);" and the delete after it), or undefined when
 *  the trace does not show it: try_to_unuse gets page P of entry E and writes P to E's slot;
 *  after the write ends (P unlocked) another agent deletes P from the swap cache under E;
 *  try_to_swap_out adds P under another entry E2 and leaves a pte holding E2; try_to_unuse,
 *  with P's lock back, deletes P from the swap cache under E2 before any write of P to E2's
 *  slot. The last such delete of the trace is judged. */
export function classifyUnuseLostWrite(records: readonly TraceRecord[]): UnuseLostWriteRoute | undefined {
  for (let k = records.length - 1; k >= 0; k--) {
    if (records[k].event !== EV.DELETE) continue;
    const route = lostWriteAt(records, k);
    if (route) return route;
  }
  return undefined;
}

/** The route ending in the delete at records[k], if that delete is try_to_unuse's of its page
 *  under another entry than the one it read. */
function lostWriteAt(records: readonly TraceRecord[], k: number): UnuseLostWriteRoute | undefined {
  const { agent: U, a: P, b: E2 } = records[k];
  const read = findLast(records, k, (r) => r.agent === U && r.event === EV.UNUSE_READ);
  if (read < 0) return undefined;
  const E = records[read].a;
  if (E2 === E) return undefined;
  const got = gotPage(records, U, read);
  if (got < 0 || got > k || pageGot(records[got]) !== P) return undefined;
  // try_to_unuse's write of P to E's slot, queued by it after it got P; the disk's end of it.
  const inWindow = (from: number, pred: (r: TraceRecord) => boolean) => records.findIndex((r, i) => i > from && i < k && pred(r));
  const write = inWindow(got, (r) => r.agent === U && r.event === EV.IO_QUEUED && r.a === P && r.b === E && r.c === 1);
  if (write < 0) return undefined;
  const written = inWindow(write, (r) => r.event === EV.IO_DONE && r.a === P && r.b === E && r.c === 1);
  if (written < 0) return undefined;
  // Another agent's delete of P under E after the write ended (P unlocked), by a caller known.
  const del = inWindow(written, (r) => r.agent !== U && r.event === EV.DELETE && r.a === P && r.b === E);
  if (del < 0) return undefined;
  const by = deleterOf(records, del);
  if (by === undefined) return undefined;
  // Between that delete and try_to_unuse's, P comes back once, under E2, and stays: the add
  // of try_to_swap_out, whose get_swap_page handed it E2 for P after P had left the cache.
  const adds = records.flatMap((r, i) => (i > del && i < k && r.event === EV.ADD && r.a === P ? [i] : []));
  if (adds.length !== 1 || records[adds[0]].b !== E2) return undefined;
  const add = adds[0];
  if (records.some((r, i) => i > del && i < k && r.event === EV.DELETE && r.a === P)) return undefined;
  const S = records[add].agent;
  const tso = findLast(records, add, (r) => r.agent === S && r.event === EV.TSO_GET_SWAP);
  if (tso < del || records[tso].b !== P || records[tso].c !== E2) return undefined;
  // try_to_unuse takes P's lock back only after the add ("lock_page(page)" after the write)...
  const relocked = inWindow(add, (r) => r.agent === U && r.event === EV.IO_WAIT_DONE && r.a === P);
  if (relocked < 0) return undefined;
  // ... and P never went to E2's slot before the delete: the slot holds none of its data.
  if (records.some((r, i) => i > add && i < k && r.event === EV.IO_QUEUED && r.a === P && r.b === E2 && r.c === 1)) return undefined;
  const route = {
    entry: E,
    page: P,
    holder: {
      agent: U,
      read: records[read].step,
      got: records[got].step,
      write: records[write].step,
      written: records[written].step,
      relocked: records[relocked].step,
      deleted: records[k].step,
    },
    deleter: { agent: records[del].agent, step: records[del].step, ...by },
    readded: { agent: S, step: records[add].step, entry: E2, vpage: records[tso].a },
  };
  return { ...route, why: lostWriteWhy(route) };
}

/** The lost-write route in one line, with its steps (the replay's `route:` line). */
function lostWriteWhy(r: Omit<UnuseLostWriteRoute, "why">): string {
  const [E, P, E2, V] = [fmtEntry(r.entry), fmtPage(r.page), fmtEntry(r.readded.entry), fmtVpageWord(r.readded.vpage)];
  const h = r.holder;
  return (
    `swapoff's try_to_unuse got ${P} for ${E} (step ${h.got}), found ${E} still in use after its search and wrote ${P} to its slot ` +
    `(steps ${h.write}-${h.written}); before it had ${P}'s lock back, ${deletedWhy(r.deleter, P, E)}; ` +
    `swap_out's try_to_swap_out of ${V} added ${P} to the cache again under ${E2} (step ${r.readded.step}); ` +
    `try_to_unuse, holding the lock again (step ${h.relocked}), deleted ${P} from the swap cache under ${E2} (step ${h.deleted}) ` +
    `before ${P} was ever written there: ${V}'s pte is left on ${E2}, a slot without its data`
  );
}

/** The delete of both routes: "CALLER deleted P from the swap cache and freed E (step S)", with
 *  the page count when free_swap_and_cache deleted a page others still held. */
function deletedWhy(d: UnuseWrongPageRoute["deleter"], P: string, E: string): string {
  const caller = d.ownMmput
    ? "its own last mmput of start_mm (its process had exited) ran exit_mmap, whose zap_page_range's free_swap_and_cache"
    : d.by === "free_swap_and_cache" && d.zap
      ? "zap_page_range's free_swap_and_cache"
      : d.by;
  // free_swap_and_cache deletes a page others still hold (count above the cache's and its own)
  // only when swap is full.
  const full = d.pageCount !== undefined && d.pageCount > 2 ? `; vm_swap_full, page count ${d.pageCount}` : "";
  return `${caller} deleted ${P} from the swap cache and freed ${E} (step ${d.step}${full})`;
}
