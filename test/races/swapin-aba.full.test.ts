// The swapin ABA in linux-2.4.10-pre (vm_swap_full at 2.4.16's half, flag swap-full-80 off):
// do_swap_page finds its page exclusive with pre9's unlocked exclusive_swap_page, another
// thread's lookup has taken a reference before the delete; the page leaves the swap cache and
// E is freed; a COW and a swap-out hand E back to the same pte, and the waiting thread passes
// its pte_same recheck and maps the stale page (data-lost@access: foreign data mapped,
// invariant 9). The later fix (swapin-recheck-key: after lock_page, PageSwapCache and
// page->index == entry) backs out instead. The hunt meets the seed's duplicate first, so it
// keeps going until the data loss; with the catalogue's shape (4 CPUs, 4 slots) seed 2 reaches
// it at execution 18,601.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import type { Finding } from "../../src/index.js";
import { Replayer } from "../../src/explore/execute.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { resolveModel } from "../../src/model/models.js";
import { RACES } from "../../src/races/catalogue.js";
import { EV } from "../../src/wasm/abi.js";

describe("swapin ABA (swapin-recheck-key)", () => {
  it("a keep-going hunt of linux-2.4.10-pre without swap-full-80 (the catalogue's shape) finds the data loss; the fix replays it clean", async () => {
    const stop = new AbortController();
    let found: Finding | undefined;
    const shape = RACES.find((x) => x.name === "swapin-aba")!.hunt;
    expect(shape).toMatchObject({ model: "linux-2.4.10-pre", without: ["swap-full-80"], cpus: 4, slots: 4 });
    const r = await hunt({
      ...shape,
      seed: 2,
      keepGoing: true,
      shrinkMs: 0,
      executions: 1_000_000,
      budgetMs: 600_000,
      signal: stop.signal,
      onFinding: (f) => {
        if (f.signature === "data-lost@access") {
          found = f;
          stop.abort();
        }
      },
    });
    expect(found, r.findings.map((f) => f.signature).join(", ")).toBeDefined();
    expect(found!.execution).toBe(18_601);
    const x = { ops: found!.repro.ops, seed: found!.repro.seed, schedule: decodeSchedule(found!.repro.schedule) };
    const before = await Replayer.create(found!.repro.machine, resolveModel("linux-2.4.10-pre", [], ["swap-full-80"]).flags);
    const out = before.run(x, { trace: true });
    expect(out.verdict?.signature).toBe("data-lost@access");
    // The story: a page deleted from the swap cache by the vm_swap_full delete while another
    // CPU had looked it up (a hit, before the delete) and later maps it.
    const recs = out.records ?? [];
    const del = recs.find((r) => r.event === EV.SWAP_FULL_DELETE);
    expect(del).toBeDefined();
    const hit = recs.find((r) => r.event === EV.SWAP_HIT && r.b === del!.a && r.agent !== del!.agent && r.step < del!.step);
    expect(hit).toBeDefined();
    expect(recs.some((r) => r.event === EV.SWAP_MAP && r.a === del!.a && r.agent === hit!.agent && r.step > del!.step)).toBe(true);
    const fixed = await Replayer.create(
      found!.repro.machine,
      resolveModel("linux-2.4.10-pre", ["swapin-recheck-key"], ["swap-full-80"]).flags,
    );
    const after = fixed.run(x);
    expect(after.verdict?.signature ?? "clean").toBe("clean");
  }, 180_000);
});
