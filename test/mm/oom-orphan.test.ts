// oom_kill's choice when the process it should kill has been exited by the model while a thread
// of it is still in an op (assembly/mm/oom_kill.ts orphan_tasks). The model's exit ends every
// thread of a process at once; 2.4.16's ends the exiting thread alone, so the others keep their
// ->mm and their process its place in the task list. The fixture: CPU1 swaps off area 1, its
// try_to_unuse pinning mm0 as start_mm, while CPU0 exits mm0's process (the exit then waits for
// the pin) and swap is full. Before the model knew such threads, select_bad_process skipped
// such an mm (no task) and chose the other slot's process second after second, each kill's
// exit making a new empty one in its slot, while the swapoff's CPU looped in the allocator: a
// livelock 2.4.16 cannot have (found by a PCT hunt of linux-2.4.16-fixed --without oom-pin-mm
// --jiffy-steps 1 --slots 3 --pages 8 --mix all, with change points drawn over longer spans
// than the hunt's k: a variant tried and not kept; that livelock was the fixture until the
// walk below changed). In 2.4.16 the swapoff's thread keeps the mm and its process its place:
// the model, which keeps no credentials, chooses it as the oldest (2.4.16 would divide its
// points by 4 for swapoff's CAP_SYS_ADMIN and kill mm1's process first, but that one would not
// come back); PF_MEMDIE makes the swapoff's allocation fail, and try_to_unuse gives up with
// -ENOMEM.
// The fixture is a clean execution of the model as it is now (it records no violation: its
// signature is "none"): since swap_out and swap_out_mm walk as 2.4.16's do, the livelock's
// schedule no longer reaches the story (its swapoff of area 1 ends), and the story was searched
// for again among that hunt's own executions (seed 1, k as the hunt draws it), each replayed
// with tracing when a swapoff failed with -ENOMEM: execution 508,305 of `hunt --model
// linux-2.4.16-fixed --without oom-pin-mm --jiffy-steps 1 --slots 3 --pages 8 --mix all`
// (campaign hash f696d8a1 over 508,306, no violation; the 610th execution whose swapoff failed
// so, the first that tells the story), its schedule as run, unshrunk. Searched again since
// alloc_page's watermark tests and swap_out's mmput are sections apart (7607506, 6 Dec 2026):
// the old schedule no longer replays the story, and execution 66,475 (campaign hash 0cc22d78
// over 66,476 now) no longer tells it; none of the 77 executions up to it whose swapoff
// failed so does. Before, execution 66,475 (campaign hash b9ea0b04 over 66,476, the 79th such
// execution), its schedule re-run since swap_out_mm's walk that meets its count at vm_end
// leaves swap_address there (5 Dec 2026). Since __alloc_pages' free-back, test and rmqueue
// after direct reclaim, try_to_unuse's second count read at init_mm, out_of_memory's test and
// swap_out's counter read became steps of their own (6 Dec 2026 audit), execution 508,305's
// schedule no longer tells the story (CPU0's next op after the swapoff begins is not the exit):
// the fixture's schedule is that one edited by a directed search (random insertions, deletions
// and overwrites of runs of one agent, kept while the replay met as many of this test's checks
// in order; 11 edits), recorded as the current build ran it (build 5b8dd249d3b9).
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { loadRepro } from "../../src/report/repro-schema.js";
import { replayTraced } from "../../src/explore/replay.js";
import { EV } from "../../src/report/trace.js";
import { oomKillEvents } from "../../src/report/events/oom_kill.js";
import { OP, opKind, opMm } from "../../src/wasm/abi.js";

const fixture = fileURLToPath(new URL("../fixtures/oom-orphan-swapoff.repro.json", import.meta.url));

describe("oom_kill chooses an exited process's thread still in swapoff", () => {
  it("the swapoff's CPU is killed (PF_MEMDIE), its try_to_unuse fails with -ENOMEM, and the execution ends", async () => {
    const repro = loadRepro(fixture);
    expect(repro.signature).toBe("none"); // a clean execution, kept for its trace
    const t = await replayTraced(repro);
    expect(t.verdict).toBeUndefined();
    const r = t.records;
    const swapoff = r.find((q) => q.event === EV.SWAPOFF && q.a === 1)!;
    expect(swapoff.agent).toBe(1);
    // mm0's process exited by CPU0 after the swapoff began: its exit waits for the swapoff's pin.
    const exitStart = r.find((q) => q.event === EV.OP_START && q.agent === 0 && q.step > swapoff.step)!;
    expect([opKind(exitStart.a), opMm(exitStart.a)]).toEqual([OP.EXIT, 0]);
    const pinned = r.find((q) => q.event === EV.MMPUT_PINNED && q.agent === 0 && q.a === 0)!;
    expect(pinned.step).toBeGreaterThan(exitStart.step);
    const kills: number[] = [EV.OOM_KILL, EV.OOM_KILL_TASK, EV.OOM_SELECT, EV.OOM_KILL_ORPHAN, EV.OOM_AGAIN];
    const firstKill = r.find((q) => kills.includes(q.event))!;
    expect(firstKill.step).toBeGreaterThan(pinned.step);
    // mm0's process, exited by the model, chosen for CPU1 still in its swapoff.
    expect([firstKill.event, firstKill.a, firstKill.b]).toEqual([EV.OOM_KILL_ORPHAN, 0, 1 << 1]);
    expect(oomKillEvents[EV.OOM_KILL_ORPHAN](firstKill.a, firstKill.b, 0)).toContain(
      "oom_kill chooses mm0's process, the oldest, which the model has exited while CPU 1 still runs its ops",
    );
    const failed = r.find((q) => q.event === EV.SWAPOFF_FAILED)!;
    expect([failed.agent, failed.a, failed.b]).toEqual([1, 1, -12]);
    expect(failed.step).toBeGreaterThan(firstKill.step);
    // The exit ended once the swapoff's try_to_unuse, killed, dropped its pin.
    const exitEnd = r.find((q) => q.event === EV.OP_END && q.agent === 0 && q.step > exitStart.step)!;
    expect(exitEnd.step).toBeGreaterThan(firstKill.step);
    // No process of the other slot was chosen: 2.4.16's choice is the older process.
    expect(r.filter((q) => q.event === EV.OOM_KILL)).toEqual([]);
  });
});
