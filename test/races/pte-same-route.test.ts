// The pte-same route classifier (src/races/pte-same-route.ts classifyPteSame) on a swapin ABA:
// two drops of a pte's reference to E between a fault's read of the swap pte and its set_pte
// are the pte-same race only if they drop the same reference. When try_to_swap_out set the pte
// to E again between them (get_swap_page handed the freed E back to the same pte), the pte held
// a new reference and the fault's swap_free drops that one: do_swap_page's pte_same (2.4.8 on,
// flag pte-same-recheck) passes on it, the catalogue's swapin-aba, not pte-same.
//
// The finding: the catalogue's swapin-aba hunt shape on linux-2.4.10-pre (pte-same-recheck on)
// with --keep-going met free-slot@swap_free at execution 6,748, and the replay's route line
// named "pte-same fault ... no pte_same recheck before 2.4.8" (test/fixtures/
// pte-same-aba-pre9.repro.json, its shrunk repro). Its story, in the fixture's replay: CPU1,
// CPU3 and CPU4 fault on mm0[1], swap pte E0:3 (steps 269, 275, 281); CPU1 reads E0:3 into
// page 3, frees E0:3 (step 501), deletes page 3 at vm_swap_full and maps it; its reclaim's
// try_to_swap_out hands E0:3 out again to mm0[0]'s page 1, which CPU3 and CPU4 then find for
// E0:3 (steps 594, 614) and wait to lock; CPU0's fault on mm0[0] deletes page 1 at vm_swap_full
// and frees E0:3 again (step 625); CPU2's try_to_swap_out gives page 1 E0:1 and sets mm0[1]'s
// pte (page 3) to E0:3 a third time (step 685); CPU3 locks page 1 and backs out (pte changed);
// CPU4 locks page 1 (back in the swap cache under E0:1), its pte_same passes (mm0[1] is E0:3
// again), its swap_free takes E0:3 to 0 (step 946: the pte's one reference, rightly), and its
// vm_swap_full delete of page 1 freed E0:3 once more: the free slot. That last free was the
// model's: DSP_FULL_DELETE (assembly/mm/memory.ts) freed the fault's entry, where pre9's
// __delete_from_swap_cache frees page->index (E0:1 here). Since 6 Dec 2026 the model frees the
// page's key, and the same schedule frees E0:1 and maps the stale page 1 at mm0[1] (the swapin
// ABA; CPU4's write there then hides the loss, so the replay runs clean).
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { classifyPteSame } from "../../src/races/pte-same-route.js";
import { replayTraced } from "../../src/explore/replay.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { drawReplay } from "../../src/report/finding.js";
import { EV, type TraceRecord, findLast } from "../../src/report/trace.js";
import { swpEntry, pteEntry } from "../../src/wasm/abi.js";
import { ENTRY_SHIFT_PTE } from "../../src/wasm/abi.generated.js";
import { rec } from "../helpers/trace-record.js";

const E = swpEntry(0, 3);
const VP = 1; // mm0[1]
const PTE = E << ENTRY_SHIFT_PTE; // swap pte E
const A = 4; // the fault that frees E last (the violation's agent)
const B = 1; // the other fault on the same pte

// B and A read swap pte E; B frees E and maps its page 5 there; A frees E with no set_pte
// between (no recheck): the pte's one reference dropped twice.
const pteSame: TraceRecord[] = [
  rec(1, B, EV.FAULT, VP, 0, PTE),
  rec(2, A, EV.FAULT, VP, 1, PTE),
  rec(3, B, EV.FAULT_SWAP_FREE, E, 0),
  rec(4, B, EV.SWAP_FREE, E, 0),
  rec(5, B, EV.SWAP_MAP, 5, VP, 0),
  rec(8, A, EV.SWAP_LOCKED, E, 3),
  rec(9, A, EV.FAULT_SWAP_FREE, E, 0),
  rec(10, A, EV.BAD_ENTRY, E, 0),
];

// The same, but between B's map and A's recheck try_to_swap_out got E again for page 5 and set
// the pte to E (the swapin ABA): A's free drops the new reference; its vm_swap_full delete frees
// E once more.
const aba: TraceRecord[] = [
  ...pteSame.slice(0, 5),
  rec(6, 2, EV.GET_SWAP_PAGE, E, 0),
  rec(7, 2, EV.TSO_SWAP_PTE, VP, 5, E),
  rec(8, A, EV.SWAP_LOCKED, E, 3),
  rec(9, A, EV.FAULT_SWAP_FREE, E, 0),
  rec(9, A, EV.SWAP_FREE, E, 0),
  rec(10, A, EV.SWAP_FULL_DELETE, 3, E),
  rec(11, A, EV.BAD_ENTRY, E, 0),
];

describe("classifyPteSame", () => {
  it("names the pte-same route when the pte kept its one reference to E between the two drops", () => {
    const v = classifyPteSame(pteSame, A);
    expect([v?.resolver, v?.fault.agent, v?.other.agent, v?.other.step]).toEqual(["fault", A, B, 3]);
  });

  it("names none when try_to_swap_out set the pte to E again between the drops (the swapin ABA)", () => {
    expect(classifyPteSame(aba, A)).toBeUndefined();
    expect(classifyPteSame(aba, B)).toBeUndefined();
  });

  it("a swap-out setting another pte, or this pte to another entry, between them changes nothing", () => {
    const otherPte = aba.map((r) => (r.event === EV.TSO_SWAP_PTE ? { ...r, a: VP + 1 } : r));
    expect(classifyPteSame(otherPte, A)?.resolver).toBe("fault");
    const otherEntry = aba.map((r) => (r.event === EV.TSO_SWAP_PTE ? { ...r, c: E + 1 } : r));
    expect(classifyPteSame(otherEntry, A)?.resolver).toBe("fault");
  });

  it("the hunt's free-slot@swap_free on linux-2.4.10-pre (pte-same-recheck on): its trace is not named pte-same, and the delete now frees the page's key", async () => {
    const repro = loadRepro(fileURLToPath(new URL("../fixtures/pte-same-aba-pre9.repro.json", import.meta.url)));
    expect(repro.flagNames).toContain("pte-same-recheck");
    const t = await replayTraced(repro);
    // The model's vm_swap_full delete frees page->index, as pre9's does (see above): CPU4's
    // delete of page 1 frees E0:1, not E0:3 a second time, and no free slot is reported.
    expect(t.verdict?.signature).not.toBe("free-slot@swap_free");
    const deletes = t.records.filter((q) => q.agent === A && q.event === EV.SWAP_FULL_DELETE);
    expect(deletes.map((q) => q.b)).toEqual([swpEntry(0, 1)]);
    // The pte went back to E0:3 (CPU2's try_to_swap_out) after CPU1's free and before CPU4's.
    const r = t.records;
    const frees = r.flatMap((q, i) => (q.event === EV.FAULT_SWAP_FREE && q.a === E ? [i] : []));
    const cpu1 = frees.find((i) => r[i].agent === B)!;
    const cpu4 = frees.find((i) => r[i].agent === A)!;
    expect(cpu1).toBeLessThan(cpu4);
    const reset = r.findIndex((q, i) => i > cpu1 && i < cpu4 && q.event === EV.TSO_SWAP_PTE && q.a === VP && q.c === E);
    expect(reset).toBeGreaterThan(0);
    const read = r[findLast(r, cpu4, (q) => q.agent === A && q.event === EV.FAULT)];
    expect([read.a, pteEntry(read.c)]).toEqual([VP, E]);
    expect(classifyPteSame(r, A)).toBeUndefined();
    expect(t.raceRoute).toBeUndefined();
    expect(drawReplay(repro, t)).not.toMatch(/\nroute: /);
  });
});
