// The swapin ABA at 2.4.10-pre9's own vm_swap_full (swapin-aba-pre9.test.ts tells the route):
// the hunt that meets it at execution 117,980 meets no data loss in the same executions once
// do_swap_page rechecks the page's swap-cache key after lock_page (flag swapin-recheck-key).
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { shape } from "./swapin-aba-pre9.shape.js";

describe("hunt --with unique-add --sched random --seed 1 (linux-2.4.10-pre): the swapin ABA's fix", () => {
  it("with swapin-recheck-key: no data loss in the same executions", async () => {
    const r = await hunt({ ...shape, with: ["unique-add", "swapin-recheck-key"] });
    expect(r.executions).toBe(117_986);
    expect(r.findings.map((f) => f.signature).filter((s) => s.startsWith("data-lost"))).toEqual([]);
  }, 120_000);
});
