// Whether a data loss took the swapin ABA route (catalogue race swapin-aba), read from the
// traced replay of the failing execution. mm/memory.c do_swap_page of 2.4.10-pre9 (and 2.4.8
// on): a fault (A) gets page P of entry E from the swap cache (lookup_swap_cache, or
// read_swap_cache_async finding it) and goes on to lock_page and the pte_same recheck;
// meanwhile P leaves the swap cache and E is freed: another fault (B) on the same pte finds P
// exclusive and, swap being full, deletes it (pre9's delete_from_swap_cache_nolock then
// swap_free; 2.4.16's remove_exclusive_swap_page), or swapoff's try_to_unuse, having mapped P
// in every pte of E, deletes it (delete_from_swap_cache). E is then handed out again
// (get_swap_page) and the pte comes back to E (a COW's new page swapped out there), so A's
// pte_same passes and A maps the stale P. A data loss by any other route (a double swap_free,
// a duplicate cache page) does not count for this race.
import { EV, type TraceRecord } from "../report/trace.js";
import { fmtEntry, fmtVpageWord } from "../report/events/types.js";

/** The steps of one swapin ABA in a trace. */
export interface AbaRoute {
  /** The fault that held P and mapped it at the end (A), and the step it got P. */
  holder: { agent: number; step: number };
  /** The agent whose delete took P out of the swap cache and freed E, the step, and which
   *  delete: an exclusive page's (pre9's vm_swap_full delete in do_swap_page, 2.4.16's
   *  remove_exclusive_swap_page from any caller) or delete_from_swap_cache (try_to_unuse's). */
  deleter: { agent: number; step: number; how: "exclusive" | "delete" };
  /** get_swap_page handing E out again, after the delete. */
  handedOut: { agent: number; step: number };
  /** A mapping P, after E came back. */
  mapped: { step: number; vpage: number };
  page: number;
  entry: number;
}

/** Whether r takes a page out of the swap cache (a: the page, b: its entry), and by which delete. */
function deleteOf(r: TraceRecord): AbaRoute["deleter"]["how"] | undefined {
  if (r.event === EV.SWAP_FULL_DELETE) return "exclusive";
  if (r.event === EV.REMOVE_EXCLUSIVE && r.c !== 0) return "exclusive";
  if (r.event === EV.DELETE) return "delete";
  return undefined;
}

/** Index of the record where the fault whose get of (entry, page) is at records[g] took its
 *  reference: its last cache lookup hit of that page for that entry in the same fault (no
 *  fault record of its agent in between), else the get itself (a read into a new page). */
function tookRef(records: readonly TraceRecord[], g: number): number {
  const got = records[g];
  for (let i = g - 1; i >= 0; i--) {
    const r = records[i];
    if (r.agent !== got.agent) continue;
    if (r.event === EV.FAULT) break;
    if (r.event === EV.LOOKUP_HIT && r.a === got.a && r.b === got.b) return i;
  }
  return g;
}

/** The first swapin ABA of the trace (records in step order), or undefined. */
export function classifyAba(records: readonly TraceRecord[]): AbaRoute | undefined {
  for (let d = 0; d < records.length; d++) {
    const del = records[d];
    const how = deleteOf(del);
    if (how === undefined) continue;
    const page = del.a;
    const entry = del.b;
    const handed = records.find((r, i) => i > d && r.event === EV.GET_SWAP_PAGE && r.a === entry);
    if (handed === undefined) continue;
    // A got P for E before the delete, on another CPU (any of the CPUs that did), and maps
    // P after E was handed out again. A's reference dates from the cache lookup that took it
    // (find_get_page's hit): do_swap_page's note of the page it got may come later, after the
    // delete, when read_swap_cache_async found P (its hit) and returned in a later section.
    for (let g = 0; g < records.length; g++) {
      const got = records[g];
      const gets = got.event === EV.SWAP_HIT || got.event === EV.SWAP_READ;
      if (!gets || got.agent === del.agent || got.a !== entry || got.b !== page) continue;
      const took = tookRef(records, g);
      if (took >= d) continue;
      const map = records.find((r) => r.step > handed.step && r.agent === got.agent && r.event === EV.SWAP_MAP && r.a === page);
      if (map === undefined) continue;
      return {
        holder: { agent: got.agent, step: records[took].step },
        deleter: { agent: del.agent, step: del.step, how },
        handedOut: { agent: handed.agent, step: handed.step },
        mapped: { step: map.step, vpage: map.b },
        page,
        entry,
      };
    }
  }
  return undefined;
}

/** The route in one line, with its steps (the replay's `route:` line). */
export function abaWhy(a: AbaRoute): string {
  const E = fmtEntry(a.entry);
  return (
    `a fault got page ${a.page} of ${E} (step ${a.holder.step}); ` +
    (a.deleter.how === "exclusive"
      ? `another agent found it exclusive (vm_swap_full, remove_exclusive_swap_page), deleted it from the swap cache and freed ${E}`
      : `another agent's delete_from_swap_cache took it out of the swap cache and freed ${E}`) +
    ` (step ${a.deleter.step}); get_swap_page handed ${E} out again ` +
    `(step ${a.handedOut.step}); the first fault passed pte_same and mapped page ${a.page} at ${fmtVpageWord(a.mapped.vpage)} ` +
    `(step ${a.mapped.step}): a page that left the swap cache is not ${E}'s`
  );
}
