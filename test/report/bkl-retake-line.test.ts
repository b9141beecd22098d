// "wakes: BKL retaken" belongs to the agent that retakes the BKL, in the step it does so (the
// run loop's reacquire_kernel_lock, before the agent's section): its trace record carries that
// agent and step, so the diagram draws it on that agent's line. Until 6 Dec 2026 the record
// carried the context the step before left: another agent's column (the disk's or kswapd's,
// neither of which ever takes the BKL), a step early. Found by a helper checking the README's
// diagrams against the kernel.
import { describe, it, expect } from "vitest";
import { hunt } from "../../src/index.js";
import { replayTraced } from "../../src/explore/replay.js";
import { EV } from "../../src/report/trace.js";

describe("the BKL's retake in a trace", () => {
  it("is the retaking agent's record, in the step of that agent's section", async () => {
    // linux-2.4.0's default hunt: do_swap_page holds the BKL around its read, which sleeps.
    const r = await hunt({ model: "linux-2.4.0", seed: 1, executions: 50_000, shrinkMs: 0 });
    expect(r.findings.length).toBe(1);
    const { records } = await replayTraced(r.findings[0].repro);
    const retakes = records.map((t, i) => [t, i] as const).filter(([t]) => t.event === EV.BKL_RETAKEN);
    expect(retakes.length).toBeGreaterThan(0);
    const cpus = r.findings[0].repro.machine.cpus;
    for (const [t, i] of retakes) {
      expect(t.agent).toBeLessThan(cpus); // a CPU's task: neither the disk nor kswapd
      // The agent's section follows in the same step, under the same context.
      const next = records[i + 1];
      expect([next?.step, next?.agent]).toEqual([t.step, t.agent]);
    }
  }, 60_000);
});
