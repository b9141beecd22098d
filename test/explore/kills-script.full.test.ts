// bench/campaign.sh's kills, the re-runnable figure of issue 9's target "a killed campaign
// loses no finding (0 lost across 20 random kills)": SIGKILL a `hunt --keep-going` campaign,
// `hunt --resume` it, and compare what its stream says it ran and found with a campaign never
// killed. The script must give its figure whatever moment a kill lands on, also past the
// campaign's end (a loaded machine runs it slower or faster than the uninterrupted one).
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { builtCli } from "../helpers/spawn.js";
import { existsSync } from "node:fs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `bench/campaign.sh KILLS kills` with env; its exit status and output. */
function kills(n: number, env: Record<string, string>) {
  expect(existsSync(builtCli)).toBe(true); // the script runs the built command line
  const r = spawnSync("sh", [path.join(root, "bench/campaign.sh"), String(n), "kills"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const total = r.stdout.split("\n").find((l) => l.startsWith(`kills ${n} `));
  return { status: r.status, out: r.stdout + r.stderr, total };
}

describe("bench/campaign.sh kills", () => {
  it("a kill that comes after the campaign ended: counted as such, nothing lost, the same campaign", () => {
    // 3,000 executions end within a second or two; the kill comes at 15 s.
    const r = kills(1, { E: "3000", AT: "15", SEED: "1" });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/^kill 1 at 15 s: ended before the kill, resumed; lost 0, twice in the stream 0, differs 0, incomplete files 0/m);
    expect(r.total).toBe(
      "kills 1 (1 came after the campaign had ended): findings lost 0, findings twice in a stream 0, campaigns that differ from the uninterrupted one 0, incomplete repro files 0",
    );
  }, 120_000);

  for (const engine of ["--workers 1", "--workers 2"]) {
    it(`${engine}: random kills, each resumed, lose nothing and give the uninterrupted campaign`, () => {
      const r = kills(3, { E: "150000", SEED: "7", KILL_ARGS: engine });
      expect(r.status, r.out).toBe(0);
      expect(r.total, r.out).toMatch(
        /: findings lost 0, findings twice in a stream 0, campaigns that differ from the uninterrupted one 0, incomplete repro files 0$/,
      );
    }, 300_000);
  }
});
