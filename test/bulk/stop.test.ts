// `faultsim run` stopped early (issue 9, part 6): runBulk ends at its budget, or at its
// signal (the CLI's SIGINT, SIGTERM, SIGHUP), between two chunks, with the partial result
// marked. The CLI's partial summary and --json on the built command: stop.full.test.ts.
import { describe, it, expect } from "vitest";
import { runBulk } from "../../src/bulk/run.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { resolveModel } from "../../src/model/models.js";
import { SCHED } from "../../src/wasm/abi.js";

const sizes = { cpus: 3, mms: 4, pagesPerMm: 256, frames: 160, areas: 2, slotsPerArea: 512 };
const options = () => ({
  backend: "wasm" as const,
  machine: bulkMachineConfig(sizes, { ...resolveModel("linux-2.4.16"), kswapd: true, seed: 3, sched: SCHED.RANDOM }),
  workload: {
    cpus: 3,
    mms: 4,
    pagesPerMm: 256,
    areas: 2,
    pattern: "hotcold" as const,
    writeRatio: 0.4,
    threads: true,
    forkRate: 0,
    exitRate: 0,
    munmapRate: 0,
    swapoffRate: 0,
    swaponRate: 0,
  },
  seed: 3,
  ops: 1_000_000_000,
  checkInterval: 0,
});

describe("runBulk stopped early", () => {
  it("at its budget: a partial result, marked, about on time", async () => {
    const t0 = performance.now();
    const r = await runBulk({ ...options(), budgetMs: 300 });
    expect(r.stopped).toBe("budget");
    expect(r.ops).toBeGreaterThan(0);
    expect(r.ops).toBeLessThan(1_000_000_000);
    expect(performance.now() - t0).toBeLessThan(3_000);
  }, 30_000);

  it("at its signal, aborted from the event loop while it runs", async () => {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 200);
    const r = await runBulk({ ...options(), signal: stop.signal });
    clearTimeout(timer);
    expect(r.stopped).toBe("signal");
    expect(r.ops).toBeLessThan(1_000_000_000);
  }, 30_000);

  it("neither: runs to its ops, not marked", async () => {
    const r = await runBulk({ ...options(), ops: 5000, budgetMs: 60_000 });
    expect(r.stopped).toBeUndefined();
    expect(r.ops).toBeGreaterThanOrEqual(5000);
  });
});
