// `faultsim hunt --workers 2` when a worker thread dies mid-round (issue 9, part 3: "a worker
// made to die mid-round is retried, and the campaign completes with the same findings"): the
// pool's own test (pool.test.ts) kills a worker under a bare campaign; this one under the
// command, whose hunt investigates its findings and writes its stream: the retry is in the
// stream and on stderr, and the campaign ends with the findings, counts and hash of one whose
// workers all lived.
import { describe, it, expect, vi, afterEach } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import { WorkerPool, defaultWorkerFile } from "../../src/workers/pool.js";
import { cliCapture } from "../helpers/cli.js";

const { io, faultsim } = cliCapture();
let dir = "";
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every pool started from now on has worker 1 killed right after its first round is handed
 *  out (as a crash or an OOM kill would), while it holds a chunk. */
function killWorkerOneMidRound(): void {
  const start = WorkerPool.start.bind(WorkerPool);
  vi.spyOn(WorkerPool, "start").mockImplementation(async (o) => {
    const pool = await start(o);
    const run = pool.run.bind(pool);
    let rounds = 0;
    vi.spyOn(pool, "run").mockImplementation((...args: Parameters<WorkerPool["run"]>) => {
      const p = run(...args);
      if (rounds++ === 0) void (pool as unknown as { slots: { worker: Worker }[] }).slots[1].worker.terminate();
      return p;
    });
    return pool;
  });
}

describe("hunt --workers 2, a worker killed mid-round", () => {
  it("is replaced, its chunk run again, the retry in the stream; the campaign one whose workers lived", async () => {
    expect(existsSync(defaultWorkerFile())).toBe(true); // the workers run the built code
    dir = mkdtempSync(path.join(tmpdir(), "faultsim-retry-"));
    // The default campaign (seed 1 on two workers): `faultsim hunt --workers 2 --keep-going
    // --executions 30000` finds the swap-cache duplicate at execution 3,304 (four hits, hash
    // 6c36073b, measured after the 6 Dec 2026 audit's splits) since swap_out's mmput,
    // __alloc_pages' watermark tests and try_to_unuse's init_mm have sections of their own; at
    // 23,883 (two hits, hash d97d755b) since pre9's walk that stops on its count at vm_end keeps
    // swap_address (5 Dec 2026); 20,000 found it before that, and found nothing then.
    const args = ["--workers", "2", "--keep-going", "--executions", "30000", "--shrink-ms", "600000", "--budget-ms", "120000", "--json"];
    const summary = async (name: string) => {
      io.out = "";
      io.err = "";
      const code = await faultsim("hunt", ...args, "--out", dir, "--jsonl", path.join(dir, `${name}.jsonl`));
      const events = readFileSync(path.join(dir, `${name}.jsonl`), "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
      return { code, r: JSON.parse(io.out), err: io.err, events };
    };
    const lived = await summary("lived");
    killWorkerOneMidRound();
    const died = await summary("died");
    expect(lived.code).toBe(1);
    expect(died.code).toBe(1);
    const retries = died.events.filter((e) => e.event === "retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ worker: 1, retriesLeft: expect.any(Number) });
    expect(retries[0].chunk.count).toBeGreaterThan(0);
    expect(died.err).toMatch(/^faultsim: note: worker 1 died \(.*\); executions \d+\.\.\d+ run again on a new worker$/m);
    expect(lived.events.some((e) => e.event === "retry")).toBe(false);
    for (const k of ["hash", "hits", "signatures", "executions"] as const) expect(died.r[k], k).toEqual(lived.r[k]);
    const found = (ev: { event: string; signature?: string; execution?: number }[]) =>
      ev.filter((e) => e.event === "finding").map((e) => [e.signature, e.execution]);
    expect(found(died.events)).toEqual(found(lived.events));
  }, 120_000);
});
