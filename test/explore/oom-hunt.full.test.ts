// The fixed kernel stays clean with the OOM killer acting inside a hunt's executions (`hunt
// --jiffy-steps`), on hunts that met false livelocks before the killer learnt what the model's
// mm slots keep from a victim (assembly/mm/oom_kill.ts deliverable, slot_stuck,
// oom_kill_task_only): each shape below ran to the step bound at the execution named (hunt
// seed as given) with one CPU looping in the allocator and the kill never delivered. Full
// tier: 200,000 to 600,000 executions each, 2-9 s.
import { describe, expect, it } from "vitest";
import { hunt } from "../../src/index.js";

describe("linux-2.4.16-fixed with the OOM killer in the executions", () => {
  it.each([
    // A fork waiting for its child's slot, pinned by a swapoff looping in the allocator
    // (execution 471,354; on linux-2.4.16, 156,670).
    ["the swarm", { seed: 1 }, 500_000],
    // A killed process's exit behind the mmap_sem a fork holds for its child's slot; the
    // process the kernel would kill unreachable, the calling task killed instead (435,207).
    ["--mix all, processes, jiffy 2", { seed: 9, mix: "all", threads: false, swarm: false, jiffySteps: 2 }, 600_000],
    // An exit waiting on its mm's mmap_sem (the model's exit of every thread at once) held by
    // a fault looping in the allocator (500,983).
    ["--mix all, random", { seed: 5, mix: "all", swarm: false, sched: "random" as const }, 600_000],
    // The victim chosen again with its tasks asleep behind the asking fault's mmap_sem (a
    // thread's fork of the other process): the asking task killed instead (97,707).
    ["--mix all, random, seed 15", { seed: 15, mix: "all", swarm: false, sched: "random" as const }, 200_000],
  ])("%s: nothing found", async (_what, o, executions) => {
    const r = await hunt({ model: "linux-2.4.16-fixed", jiffySteps: 1, executions, budgetMs: 600_000, keepGoing: true, ...o });
    expect(r.executions).toBe(executions);
    expect(r.findings.map((f) => f.signature)).toEqual([]);
  });
});
