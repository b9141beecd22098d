// The swapin ABA at 2.4.10-pre9's own vm_swap_full (swapin-aba-pre9.test.ts tells the route):
// the hunt that meets it at execution 25,420 meets no data loss in the same executions once
// do_swap_page rechecks the page's swap-cache key after lock_page (flag swapin-recheck-key).
// (Seed 1's hunt, which met it at 117,980, ran 117,986 executions here until pre9's
// add-before-pcl, pcl-lru, walk past init_mm ending its section and swap_out counter read
// before mmlist_lock, 6 Dec 2026: the shape was seed 18's then, and is seed 16's since
// launder-skips-locked, the same day: swapin-aba-pre9.shape.ts.)
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { shape } from "./swapin-aba-pre9.shape.js";

describe("hunt --with unique-add --sched random --seed 16 (linux-2.4.10-pre): the swapin ABA's fix", () => {
  it("with swapin-recheck-key: no data loss in the same executions", async () => {
    const r = await hunt({ ...shape, with: ["unique-add", "swapin-recheck-key"] });
    expect(r.executions).toBe(25_421);
    expect(r.findings.map((f) => f.signature).filter((s) => s.startsWith("data-lost"))).toEqual([]);
  }, 120_000);
});
