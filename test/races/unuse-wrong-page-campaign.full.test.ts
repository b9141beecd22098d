// The long default campaign on linux-2.4.16 reaches the catalogue's unuse-wrong-page, a real
// 2.4.16 BUG (fixed in 2.6.25), with kswapd as 2.4.16 has it (asleep for a second after a short
// pass, flag kswapd-timeout): `hunt --model linux-2.4.16 --executions 64000000 --shard 1/16`,
// a shard of the README's campaign, run as users run it. Since the 6 Dec 2026 audit's splits
// (__alloc_pages' free-back, test and rmqueue after direct reclaim; try_to_unuse's second count
// read at init_mm; out_of_memory's test; swap_out's counter read), its 16 shards find it in
// five, each by the route: 1/16, 3/16 and 10/16 through swapoff's own exit_mmap, 2/16 and 5/16
// through another CPU's zap (test/races/wrong-page-route.test.ts); 1/16 is the quickest to
// reach from its shard's start (execution 5,581,445, as before the audit: 1,581,446
// executions, ~20 CPU s; 3/16 next, 2,171,318), now under campaign hash d1b1071e (since the
// fork child's swap_address is reset before its list_add, 6 Dec 2026; 6826ae59 from the audit's
// splits, the same day; 368c6eae
// before the audit, when three shards found it: 1/16, 3/16 and 10/16, each through swapoff's
// own exit_mmap). From plain-add-flags until swap_out's mmput and __alloc_pages' watermark
// tests took sections of their own (the same day) it was seven, 0/16, 2/16,
// 3/16, 4/16, 5/16, 10/16 and 15/16, and the full tier ran 15/16 (execution 60,144,770,
// campaign hash c7124dba over 144,771), which finds nothing now; before swap_out and
// swap_out_mm walked as 2.4.16's it ran 13/16 (889,277 executions).
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Replayer } from "../../src/explore/execute.js";
import { replayTraced } from "../../src/explore/replay.js";
import { decodeSchedule } from "../../src/report/repro.js";
import { loadRepro } from "../../src/report/repro-schema.js";
import { reproFlagWords } from "../../src/model/models.js";
import { F, F2 } from "../../src/wasm/abi.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/src/cli.js");

describe("hunt --model linux-2.4.16 --executions 64000000 --shard 1/16 (the default campaign, kswapd-timeout on)", () => {
  it("finds bug-on@try_to_unuse at execution 5,581,445 by the unuse-wrong-page route; unuse-recheck-key replays it clean", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "faultsim-wrong-page-"));
    try {
      const args = ["hunt", "--model", "linux-2.4.16", "--executions", "64000000", "--shard", "1/16"];
      const r = spawnSync(process.execPath, [cli, ...args, "--budget-ms", "120000", "--out", out], {
        cwd: root,
        encoding: "utf8",
        timeout: 150_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^hunt linux-2\.4\.16 \([^)]*\bkswapd-timeout\b[^)]*\)/);
      expect(r.stdout).toContain("found by execution 5,581,445;");
      expect(r.stdout).toMatch(/\nroute: the catalogue's unuse-wrong-page, a real bug of 2\.4\.16 /);
      expect(r.stdout).toContain("campaign hash d1b1071e over 1,581,446 executions");
      const files = readdirSync(out).filter((f) => f.startsWith("repro-bug-on@try_to_unuse-"));
      expect(files).toHaveLength(1);
      const repro = loadRepro(path.join(out, files[0]));
      expect(reproFlagWords(repro).flags2 & F2.KSWAPD_TIMEOUT).not.toBe(0);
      const traced = await replayTraced(repro);
      expect(traced.verdict?.signature).toBe("bug-on@try_to_unuse");
      expect(traced.raceRoute?.route).toBe("unuse wrong page");
      // The 2008 fix (try_to_unuse rechecks the page's swap-cache key) on the same schedule.
      const own = reproFlagWords(repro);
      const fixed = await Replayer.create(repro.machine, { flags: own.flags | F.UNUSE_RECHECK_KEY, flags2: own.flags2 });
      const x = { ops: repro.ops, seed: repro.seed, schedule: decodeSchedule(repro.schedule) };
      expect(fixed.run(x).verdict).toBeUndefined();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
