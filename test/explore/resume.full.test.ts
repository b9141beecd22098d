// The built `faultsim hunt` killed with SIGKILL at several moments, including while a finding
// is being shrunk, then `hunt --resume` on its stream, again and again until the campaign
// ends (issue 9, part 2): the resumed campaign has the findings, counts and campaign hash of
// one never killed, and every repro file on disk is complete. Both engines: one thread (PCT's
// k refined as it goes) and --workers 2.
import { describe, it, expect } from "vitest";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { loadRepro } from "../../src/report/repro-schema.js";
import { spawnedCli } from "../helpers/spawn.js";

const { dir: tmp, runKilled } = spawnedCli("resume");
/** `faultsim hunt ARGS...`, SIGKILLed when killWhen says so. */
const run = (args: string[], killWhen?: (ms: number) => boolean) => runKilled(["hunt", ...args], killWhen);

/** A small deterministic generator for the kill moments (the test must not vary run to run
 *  in what it asks; only the machine's speed moves where a moment lands). */
function moments(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const campaign = ["--keep-going", "--executions", "400000", "--budget-ms", "600000", "--shrink-ms", "1500", "--sched", "random", "--json"];

describe("a campaign killed with SIGKILL and resumed", () => {
  for (const workers of ["1", "2"]) {
    it(`--workers ${workers}: after kills at random moments and during shrinking, the findings, counts and hash of one never killed`, async () => {
      mkdirSync(path.join(tmp(), "whole"));
      mkdirSync(path.join(tmp(), "killed"));
      const whole = await run([...campaign, "--workers", workers, "--out", "whole", "--jsonl", "whole.jsonl"]);
      expect(whole.code).toBe(1);
      const ref = JSON.parse(whole.stdout);
      const stream = path.join(tmp(), "killed.jsonl");
      const out = path.join(tmp(), "killed");
      const rnd = moments(Number(workers) * 977);
      // Kill plan: first while a shrink is under way (an unshrunk repro on disk, no finding
      // event yet): this campaign's one signature is found within its first second, so a kill
      // planned after a random moment could land past every shrink and leave nothing to
      // catch. Then random moments in the hunt that follows; then run to the end.
      const plan: ((ms: number) => boolean)[] = [];
      let killedShrinking = false;
      plan.push(() => {
        const files = readdirSync(out).filter((f) => f.endsWith(".json"));
        const findings = existsSync(stream) ? readFileSync(stream, "utf8").split('"event":"finding"').length - 1 : 0;
        killedShrinking = files.length > findings; // written before shrinking, reported after
        return killedShrinking;
      });
      for (let i = 0; i < 3; i++) {
        const at = 200 + rnd() * 1500;
        plan.push((ms) => ms >= at && existsSync(stream));
      }
      let last = await run([...campaign, "--workers", workers, "--out", out, "--jsonl", stream], plan[0]);
      let kills = last.killed ? 1 : 0;
      for (const killWhen of [...plan.slice(1), undefined]) {
        if (!last.killed) break; // the campaign ended before the kill came
        last = await run(["--resume", stream, "--json"], killWhen);
        if (last.killed) kills++;
      }
      expect(kills).toBeGreaterThanOrEqual(2);
      expect(killedShrinking).toBe(true);
      expect(last.code).toBe(1);
      const got = JSON.parse(last.stdout);
      expect(got.hash).toBe(ref.hash);
      expect(got.hits).toEqual(ref.hits);
      expect(got.executions).toBe(ref.executions);
      expect([...got.signatures].sort()).toEqual([...ref.signatures].sort());
      // Every repro file is complete (parses, passes the schema) and of a signature found.
      const files = readdirSync(out);
      expect(files.filter((f) => !f.endsWith(".json"))).toEqual([]); // no temporary file left
      for (const f of files) expect(ref.signatures).toContain(loadRepro(path.join(out, f)).signature);
      for (const s of ref.signatures) expect(files.some((f) => loadRepro(path.join(out, f)).signature === s)).toBe(true);
    }, 240_000);
  }
});
