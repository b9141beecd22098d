// swap_free's reports of a bad entry in each release's own words (mm/swapfile.c). 2.4.0's
// __swap_free prints "VM: Bad swap entry %08lx" for a free slot, "swap_free: Trying to free
// swap from unused swap-device" for an area not in use, "swap_free: offset exceeds max" and
// "swap_free: Trying to free nonexistent swap-page"; 2.4.16's swap_info_get prints "Unused swap
// offset entry", "Unused swap file entry", "Bad swap offset entry", "Bad swap file entry". The
// model runs the same checks in both; the violation message and the trace's wording follow the
// release the model's flags are (src/model/models.ts printkReleaseOf; linux-2.4.10-pre keeps
// 2.4.16's: its strings are in neither 2001 patch).
import { describe, it, expect } from "vitest";
import { runProc, G, A } from "../helpers/machine.js";
import { rtcRig } from "../helpers/rig.js";
import { P, EV, BAD } from "../../src/wasm/abi.js";
import { resolveModel, nearestModel, printkReleaseOf } from "../../src/model/models.js";
import { modelViolation } from "../../src/invariants/check.js";
import { describeEvent } from "../../src/report/events/index.js";
import { hunt } from "../../src/index.js";

/** The violation message of swap_free on a freed slot, and on a slot of an area not in use. */
function messages(model: string): { free: string; unusedArea: string } {
  const flags = resolveModel(model).flags;
  const out: string[] = [];
  for (const unusedArea of [false, true]) {
    const { e, run, s } = rtcRig({ cpus: 2, frames: 32, slotsPerArea: 8, flags, freeMin: 0, freeLow: 0 });
    const entry = run(P.get_swap_page);
    run(P.swap_free, [entry]);
    if (unusedArea) s.setArea(0, A.FLAGS, 0);
    const r = runProc(e, 0, P.swap_free, [entry]);
    expect(r.violation).toBe("free-slot");
    expect(e.global(G.VIOL_A)).toBe(entry);
    out.push(modelViolation(e)!.message);
  }
  return { free: out[0], unusedArea: out[1] };
}

describe("swap_free's bad-entry reports, per release", () => {
  it("linux-2.4.0: __swap_free's own strings", () => {
    expect(messages("linux-2.4.0")).toEqual({
      free: "CPU0 in swap_free: VM: Bad swap entry (the slot is free): E0:1, count 0",
      unusedArea: "CPU0 in swap_free: Trying to free swap from unused swap-device: E0:1, count 0",
    });
  });

  it("linux-2.4.10-pre and linux-2.4.16: swap_info_get's", () => {
    for (const model of ["linux-2.4.10-pre", "linux-2.4.16"]) {
      expect(messages(model), model).toEqual({
        free: "CPU0 in swap_free: Unused swap offset entry (the slot is free): E0:1, count 0",
        unusedArea: "CPU0 in swap_free: Unused swap file entry: E0:1, count 0",
      });
    }
  });

  it("the trace's wording: 2.4.0's printk for swap_free's records only, 2.4.16's elsewhere", () => {
    const e1 = 1; // E0:1
    const at = (release: "2.4.0" | "2.4.16", why: number, proc: number = P.swap_free) =>
      describeEvent(EV.BAD_ENTRY, e1, why, 0, undefined, { release, proc });
    expect(at("2.4.0", BAD.UNUSED_OFFSET)).toBe("VM: Bad swap entry E0:1");
    expect(at("2.4.0", BAD.UNUSED_FILE)).toBe("Trying to free swap from unused swap-device (E0:1)");
    expect(at("2.4.0", BAD.OFFSET)).toBe("offset exceeds max (E0:1)");
    expect(at("2.4.0", BAD.FILE)).toBe("Trying to free nonexistent swap-page (E0:1)");
    expect(at("2.4.0", BAD.FREED_UNDER_US)).toBe("VM: Bad count 1 current count 0 (E0:1)");
    expect(at("2.4.16", BAD.UNUSED_OFFSET)).toBe("Unused swap offset entry E0:1");
    expect(at("2.4.16", BAD.UNUSED_FILE)).toBe("Unused swap file entry E0:1");
    // 2.4.0's swap_duplicate says "Bad swap file entry" as 2.4.16 does: not swap_free's string.
    expect(at("2.4.0", BAD.FILE, P.swap_duplicate)).toBe("Bad swap file entry E0:1");
    expect(describeEvent(EV.BAD_ENTRY, e1, BAD.UNUSED_OFFSET, 0)).toBe("Unused swap offset entry E0:1");
  });

  it("a flag word is the release it is nearest: a model with a flag or two changed keeps its release's wording", () => {
    const f = (m: string, w: string[] = [], wo: string[] = []) => resolveModel(m, w, wo);
    expect(nearestModel(f("linux-2.4.0"))).toBe("linux-2.4.0");
    expect(printkReleaseOf(f("linux-2.4.0", ["unique-add"], ["early-dup"]))).toBe("2.4.0");
    expect(printkReleaseOf(f("linux-2.4.10-pre", ["unique-add"]))).toBe("2.4.16");
    expect(printkReleaseOf(f("linux-2.4.16", [], ["pte-same-recheck"]))).toBe("2.4.16");
    expect(nearestModel(f("linux-2.4.16-fixed"))).toBe("linux-2.4.16-fixed");
  });

  it("a linux-2.4.0 hunt's finding says it in 2.4.0's words, in the message and the diagram", async () => {
    // `faultsim hunt --model linux-2.4.0 --no-kswapd --mix write=4,read=2,swapoff=1 --seed 7`:
    // free-slot@swap_free at execution 285. Of seeds 1-40 (600 executions each), 7, 10, 15, 17,
    // 27 and 33 find it in swap_free with this message first (34 with "Trying to free swap from
    // unused swap-device"; since alloc_page's watermark tests and swap_out's mmput are sections
    // apart, 6 Dec 2026: seed 1 at 85 before, 1, 13, 29 and 33 of 1-40; seed 23 before swap_out
    // walked as 2.4.16's does).
    const r = await hunt({
      model: "linux-2.4.0",
      kswapd: false,
      mix: "write=4,read=2,swapoff=1",
      seed: 7,
      executions: 600,
      shrinkMs: 0,
      budgetMs: 60_000,
    });
    const f = r.findings[0];
    expect(f.signature).toBe("free-slot@swap_free");
    expect(f.verdict.message).toMatch(/^CPU\d in swap_free: VM: Bad swap entry \(the slot is free\): E\d:\d+, count 0$/);
    const drawn = f.diagram;
    expect(drawn).toMatch(/swap_free: VM: Bad swap entry E\d:\d+/);
    expect(drawn).not.toMatch(/Unused swap/);
  });
});
