// Whether an nr_swap_pages drift took the unlocked swap_duplicate route (catalogue race
// dup-revival; docs/kernel-notes.md, "The seed's races", item 7), read from the traced replay
// of the failing execution. mm/swapfile.c swap_duplicate of 2.4.0 and 2.4.10-pre9 tests
// `!p->swap_map[offset]` with no lock and only then takes swap_device_lock to increment,
// without looking again: a reader's duplicate that passed the test while E was in use, racing
// E's last swap_free on another CPU (count 0, nr_swap_pages++), revives the free slot (0 -> 1);
// E's next free to 0 counts it free a second time. Hugh Dickins' 15 Sep 2001 patch moved the
// test under the lock (2.4.16 swap_duplicate; flag unlocked-dup-check off).
import { EV, type TraceRecord } from "../report/trace.js";
import { fmtEntry } from "../report/events/types.js";

/** The steps of one revival in a trace. */
export interface RevivalRoute {
  entry: number;
  /** The duplicate: its unlocked test (E's count seen), and its increment 0 -> 1. */
  reader: { agent: number; checked: number; seen: number; revived: number };
  /** E's count reaching 0 on another agent between the test and the increment. */
  freer: { agent: number; step: number };
  /** E freed to 0 again after the revival (the second nr_swap_pages++), if it was. */
  freedAgain?: { agent: number; step: number };
  why: string;
}

/** The first revival in a trace (records in step order), or undefined. */
export function classifyRevival(records: readonly TraceRecord[]): RevivalRoute | undefined {
  for (let c = 0; c < records.length; c++) {
    const checked = records[c];
    if (checked.event !== EV.SWAP_DUP_CHECKED || checked.b < 1) continue;
    const E = checked.a;
    const inc = records.findIndex((r, i) => i > c && r.agent === checked.agent && r.event === EV.SWAP_DUP && r.a === E);
    if (inc < 0 || records[inc].b !== 1) continue;
    const free = records.findIndex((r, i) => i > c && i < inc && r.event === EV.SWAP_FREE && r.a === E && r.b === 0);
    if (free < 0 || records[free].agent === checked.agent) continue;
    const again = records.findIndex((r, i) => i > inc && r.event === EV.SWAP_FREE && r.a === E && r.b === 0);
    const e = fmtEntry(E);
    return {
      entry: E,
      reader: { agent: checked.agent, checked: checked.step, seen: checked.b, revived: records[inc].step },
      freer: { agent: records[free].agent, step: records[free].step },
      ...(again >= 0 ? { freedAgain: { agent: records[again].agent, step: records[again].step } } : {}),
      why:
        `swap_duplicate's unlocked test saw ${e} in use (count ${checked.b}, step ${checked.step}); ${e} was freed ` +
        `on another CPU (step ${records[free].step}); the increment revived the free slot (0 → 1, step ${records[inc].step})` +
        (again >= 0 ? `, and ${e} was freed again (step ${records[again].step}): nr_swap_pages counted it twice` : ""),
    };
  }
  return undefined;
}
