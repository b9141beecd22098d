// oom_kill's choice when the process it should kill has been exited by the model while a thread
// of it is still in an op (assembly/mm/oom_kill.ts orphan_tasks). The model's exit ends every
// thread of a process at once; 2.4.16's ends the exiting thread alone, so the others keep their
// ->mm and their process its place in the task list. The fixture: CPU2 swaps off area 1, its
// try_to_unuse pinning mm0 as start_mm, while CPU1 exits mm0's process (the exit then waits for
// the pin) and swap is full. Before the model knew such threads, select_bad_process skipped mm0
// (no task) and chose mm1's process second after second, each kill's exit making a new empty
// one in its slot, while CPU2 looped in the allocator: a livelock 2.4.16 cannot have (found by a
// PCT hunt of linux-2.4.16-fixed --without oom-pin-mm --jiffy-steps 1 --slots 3 --pages 8
// --mix all, with change points drawn over longer spans than the hunt's k: a variant tried and
// not kept, so the shipped hunt need not meet it). In 2.4.16 CPU2 keeps the mm and its process
// its place: the model, which keeps no credentials, chooses it as the oldest (2.4.16 would
// divide its points by 4 for swapoff's CAP_SYS_ADMIN and kill mm1's process first, but that
// one would not come back); PF_MEMDIE makes CPU2's allocation fail, and try_to_unuse gives up
// with -ENOMEM.
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { loadRepro } from "../../src/report/repro-schema.js";
import { replayTraced } from "../../src/explore/replay.js";
import { EV } from "../../src/report/trace.js";
import { oomKillEvents } from "../../src/report/events/oom_kill.js";

const fixture = fileURLToPath(new URL("../fixtures/oom-orphan-swapoff.repro.json", import.meta.url));

describe("oom_kill chooses an exited process's thread still in swapoff", () => {
  it("the swapoff's CPU is killed (PF_MEMDIE), its try_to_unuse fails with -ENOMEM, and the execution ends", async () => {
    const repro = loadRepro(fixture);
    expect(repro.signature).toBe("livelock"); // what the model found before
    const t = await replayTraced(repro);
    expect(t.verdict).toBeUndefined();
    const r = t.records;
    const swapoff = r.find((q) => q.event === EV.SWAPOFF && q.a === 1)!;
    expect(swapoff.agent).toBe(2);
    // mm0's process exited by CPU1 before the kill: its exit waits for the swapoff's pin.
    const exitStart = r.find((q) => q.event === EV.OP_START && q.agent === 1 && q.step > swapoff.step);
    expect(exitStart).toBeDefined();
    const kills: number[] = [EV.OOM_KILL, EV.OOM_KILL_TASK, EV.OOM_SELECT, EV.OOM_KILL_ORPHAN, EV.OOM_AGAIN];
    const firstKill = r.find((q) => kills.includes(q.event))!;
    expect(firstKill.step).toBeGreaterThan(exitStart!.step);
    // mm0's process, exited by the model, chosen for CPU2 still in its swapoff.
    expect([firstKill.event, firstKill.a, firstKill.b]).toEqual([EV.OOM_KILL_ORPHAN, 0, 1 << 2]);
    expect(oomKillEvents[EV.OOM_KILL_ORPHAN](firstKill.a, firstKill.b, 0)).toContain(
      "oom_kill chooses mm0's process, the oldest, which the model has exited while CPU 2 still runs its ops",
    );
    const failed = r.find((q) => q.event === EV.SWAPOFF_FAILED)!;
    expect([failed.agent, failed.a, failed.b]).toEqual([2, 1, -12]);
    expect(failed.step).toBeGreaterThan(firstKill.step);
    // No process of the other slot was chosen: 2.4.16's choice is the older process.
    expect(r.filter((q) => q.event === EV.OOM_KILL)).toEqual([]);
  });
});
