// oom_kill's choice is a process no CPU of the model runs: CPU1 forked mm0's process into
// slot mm1 and ran out of ops, so no op of any CPU names mm1. In 2.4.16 that child is a task
// like any other (asleep, or in user space), and SIGKILL wakes it to exit. Until 6 Dec 2026 the
// model passed it over as undeliverable; with the caller kswapd (no task of its own to kill
// alone) and CPU0's process exiting, nobody was left and the model reported 2.4.16's "Out of
// memory and no killable processes" panic, which 2.4.16 cannot reach here (found by `races
// --check`'s linux-2.4.16-fixed hunt of oom-kthreads: `hunt --model linux-2.4.16-fixed --swarm
// --sched random --mix all --slots 3 --pages 8 --jiffy-steps 1 --seed 1`, execution 115,825,
// shrunk; the fixture was that repro until the 6 Dec 2026 audit's splits). Now an idle CPU
// runs the child's exit (assembly/mm/oom_kill.ts wake_idle_task, EV_OOM_EXIT_ADOPTED).
// Since __alloc_pages' free-back, test and rmqueue after direct reclaim, out_of_memory's test
// and swap_out's counter read became steps of their own (6 Dec 2026 audit), that repro's
// schedule reaches no oom kill at all; the fixture is the same ops and seed with the schedule
// edited by a directed search (random insertions, deletions and overwrites of runs of one
// agent, kept while the replay met as many of this test's checks in order; 686 tries), a clean
// execution recorded as the current build ran it (build 5b8dd249d3b9, signature "none"): CPU1
// forks mm0 into mm1 and runs out of ops, CPU0's write fails with OOM and its process exits,
// and kswapd's oom_kill chooses mm1's process. The panic itself can no longer be shown: the
// model before wake_idle_task is gone.
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { loadRepro } from "../../src/report/repro-schema.js";
import { replayTraced } from "../../src/explore/replay.js";
import { EV } from "../../src/report/trace.js";
import { OP, opKind, opMm } from "../../src/wasm/abi.js";

const fixture = fileURLToPath(new URL("../fixtures/oom-exit-adopted.repro.json", import.meta.url));

describe("oom_kill chooses a fork's child that no CPU runs", () => {
  it("kswapd kills it and an idle CPU runs its exit: no false panic", async () => {
    const repro = loadRepro(fixture);
    expect(repro.signature).toBe("none"); // a clean execution, kept for its trace (see above)
    const t = await replayTraced(repro);
    expect(t.verdict).toBeUndefined(); // runs clean now
    const r = t.records;
    const kswapd = repro.machine.cpus + 1; // after the CPUs and the disk
    const kill = r.find((q) => q.event === EV.OOM_KILL)!;
    expect([kill.agent, kill.a, kill.c]).toEqual([kswapd, 1, 0]); // mm1's process, no task CPU
    const adopted = r.find((q) => q.event === EV.OOM_EXIT_ADOPTED)!;
    expect([adopted.a, adopted.b]).toEqual([1, 1]); // idle CPU1 runs mm1's exit
    const exitStart = r.find((q) => q.event === EV.OP_START && q.agent === 1 && q.step > adopted.step)!;
    expect([opKind(exitStart.a), opMm(exitStart.a)]).toEqual([OP.EXIT, 1]);
    expect(r.some((q) => q.event === EV.OP_END && q.agent === 1 && q.step > exitStart.step)).toBe(true);
  });
});
