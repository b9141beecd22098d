// Who resolved the pte under a fault that then freed its swap entry again (catalogue races
// pte-same and pte-same-swapoff), read from the traced replay of the failing execution.
// mm/memory.c do_swap_page before 2.4.8's pte_same recheck (2.4.0: no recheck at all) reads
// swap pte E, sleeps in the read (BKL dropped), and then does swap_free(E) and set_pte with no
// look at the pte. Meanwhile the pte can be resolved by:
//   "pte-same swapoff"  sys_swapoff's try_to_unuse (mm/swapfile.c unuse_pte: maps the page and
//                       swap_free(E); try_to_unuse's last swap_free takes E to 0). swapoff takes
//                       no mmap_sem, so this is 2.4.0's route, where faults of one mm hold
//                       mmap_sem exclusively and cannot meet on a pte;
//   "pte-same fault"    another thread's fault of the same pte (2.4.3 on, mmap_sem taken for
//                       reading: the catalogue's pte-same on linux-2.4.16 without the recheck).
// The fault's swap_free then finds E free (free-slot@swap_free: 2.4.0 prints "VM: Bad swap
// entry", or "Trying to free swap from unused swap-device" once swapoff has finished).
// The two drops must be of the pte's one reference: when try_to_swap_out set the pte to E
// again between them (get_swap_page handed the freed E back to the same pte), the pte held a
// new reference and the fault's swap_free drops that one. That is the only way a fault of a
// kernel with the pte_same recheck (2.4.8 on, flag pte-same-recheck) frees E after another
// drop of the pte's reference: its recheck passed, so the pte held E again (the catalogue's
// swapin-aba, src/races/aba-route.ts), and no such trace is this route.
import { EV, type TraceRecord, findLast } from "../report/trace.js";
import { fmtEntry, fmtVpageWord } from "../report/events/types.js";
import { pteEntry } from "../wasm/abi.js";

export type PteSameResolver = "swapoff" | "fault";

/** One drop of the pte's reference to E: a fault's do_swap_page swap_free (after its read of
 *  the swap pte), or swapoff's unuse_pte (which reads the pte and frees E in one section). */
export interface PteDrop {
  by: PteSameResolver;
  agent: number;
  /** The step the pte was read (the fault's handle_mm_fault; unuse_pte's own step). */
  read: number;
  /** The step of the drop. */
  step: number;
}

/** The steps of one such route in a trace. */
export interface PteSameRoute {
  /** Who dropped the reference besides the fault `fault`: swapoff, or another fault. */
  resolver: PteSameResolver;
  entry: number;
  /** The virtual page (mm << 16 | page). */
  vpage: number;
  /** The fault that read swap pte E and freed E before setting the pte. */
  fault: PteDrop;
  /** The other drop, between the fault's read and its set_pte. */
  other: PteDrop;
  why: string;
}

interface Drop extends PteDrop {
  at: number;
  /** Index of the pte's read. */
  readAt: number;
  /** Index of the fault's set_pte of the page (its EV_SWAP_MAP), or Infinity. */
  mapAt: number;
  vp: number;
  entry: number;
}

/** The route of a slot freed under a user (a free-slot finding, the violation on `agent`):
 *  a fault read swap pte E, and before it set the pte both it and another (swapoff's
 *  unuse_pte or another fault) dropped the pte's one reference to E, `agent` being one of the
 *  two. Undefined when the trace shows no such pair. */
export function classifyPteSame(records: readonly TraceRecord[], agent: number): PteSameRoute | undefined {
  const drops = pteDrops(records);
  for (const a of drops) {
    if (a.by !== "fault") continue;
    for (const x of drops) {
      if (x === a || x.agent === a.agent || x.vp !== a.vp || x.entry !== a.entry) continue;
      if (agent !== a.agent && agent !== x.agent) continue;
      // x dropped the reference after the fault read the pte and before it set it.
      if (!(x.at > a.readAt && x.at < a.mapAt)) continue;
      // ... the same reference: no try_to_swap_out set the pte to E anew between the drops.
      if (swapPteSetBetween(records, a.vp, a.entry, Math.min(a.at, x.at), Math.max(a.at, x.at))) continue;
      const E = fmtEntry(a.entry);
      const mine = `the fault's do_swap_page freed ${E} (step ${a.step})`;
      const other =
        x.by === "swapoff"
          ? `swapoff's try_to_unuse mapped its page there and freed ${E} (step ${x.step})`
          : `another fault that read it (step ${x.read}) freed ${E} (step ${x.step})`;
      const both = x.at < a.at ? `${other}, then ${mine}` : `${mine}, then ${other}`;
      return {
        resolver: x.by,
        entry: a.entry,
        vpage: a.vp,
        fault: strip(a),
        other: strip(x),
        why:
          `a fault read swap pte ${E} at ${fmtVpageWord(a.vp)} (step ${a.read}); ${both}, ` +
          "before the fault set the pte (no pte recheck): the pte's one reference dropped twice",
      };
    }
  }
  return undefined;
}

const strip = (d: Drop): PteDrop => ({ by: d.by, agent: d.agent, read: d.read, step: d.step });

/** Whether a try_to_swap_out set the pte at virtual page vp to swap entry E (a new reference
 *  to E: EV_TSO_SWAP_PTE, (vpage, page, entry)) between record indices from and to. */
function swapPteSetBetween(records: readonly TraceRecord[], vp: number, E: number, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) {
    const r = records[i];
    if (r.event === EV.TSO_SWAP_PTE && r.a === vp && r.c === E) return true;
  }
  return false;
}

/** Every drop of a pte's swap reference in the trace, in order. */
function pteDrops(records: readonly TraceRecord[]): Drop[] {
  const out: Drop[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.event === EV.UNUSE_PTE) {
      out.push({ by: "swapoff", agent: r.agent, read: r.step, step: r.step, at: i, readAt: i, mapAt: i, vp: r.b, entry: r.c });
      continue;
    }
    if (r.event !== EV.FAULT_SWAP_FREE) continue;
    const E = r.a;
    // The fault's read of the swap pte: its agent's last handle_mm_fault record.
    const f = findLast(records, i, (x) => x.agent === r.agent && x.event === EV.FAULT);
    if (f < 0 || !isSwapPteOf(records[f].c, E)) continue;
    const vp = records[f].a;
    const m = records.findIndex((x, j) => j > i && x.agent === r.agent && x.event === EV.SWAP_MAP && x.b === vp);
    out.push({
      by: "fault",
      agent: r.agent,
      read: records[f].step,
      step: r.step,
      at: i,
      readAt: f,
      mapAt: m < 0 ? Infinity : m,
      vp,
      entry: E,
    });
  }
  return out;
}

/** A non-present, non-empty pte holding swap entry E (assembly/kernel/state.ts swp_entry_to_pte). */
function isSwapPteOf(pte: number, E: number): boolean {
  return pte !== 0 && (pte & 1) === 0 && pteEntry(pte) === E;
}
