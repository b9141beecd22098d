// The Kubernetes Indexed Job's pod script (docs/examples/hunt-indexed-job.yaml) run as a pod
// runs it: `/bin/sh -c SCRIPT` with JOB_COMPLETION_INDEX set, `faultsim` on the PATH (the
// built command line). Its exit status is what Kubernetes judges the pod by: a part that ran
// to its end is done (0) whether or not it found something (the hunt's exit 1), also when the
// pod is restarted after that; a part stopped by SIGTERM (preemption) is not done (non-zero,
// so the replacing pod resumes it), and the hunt itself got the SIGTERM (its stream ends).
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { builtCli } from "../helpers/spawn.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const job = parse(readFileSync(path.join(root, "docs/examples/hunt-indexed-job.yaml"), "utf8"));
const script: string = job.spec.template.spec.containers[0].args.join(" ");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "faultsim-pod-"));
  // `faultsim` on the PATH: the built command line, a new part cut short by SHIM_EXTRA (a later
  // option wins; a resume takes no options).
  const bin = path.join(dir, "bin");
  spawnSync("mkdir", [bin]);
  const shim = path.join(bin, "faultsim");
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$2" = "--shard" ]; then exec "${process.execPath}" "${builtCli}" "$@" $SHIM_EXTRA; fi\nexec "${process.execPath}" "${builtCli}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const env = (index: number, extra: string) => ({
  ...process.env,
  PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
  JOB_COMPLETION_INDEX: String(index),
  SHIM_EXTRA: extra,
});
const events = (index: number) =>
  existsSync(path.join(dir, `shard-${index}.jsonl`))
    ? readFileSync(path.join(dir, `shard-${index}.jsonl`), "utf8")
        .split("\n")
        .filter((l) => l.endsWith("}"))
        .map((l) => JSON.parse(l) as { event: string })
    : [];

describe("hunt-indexed-job.yaml's pod script", () => {
  it("a part that found something and ended: the pod succeeds, and again when restarted", () => {
    expect(existsSync(builtCli)).toBe(true);
    // Part 0 of 8 of 200,000 executions: 25,000, where the campaign first fails at 4,783 (a
    // sharded campaign's PCT uses the model's k from the table, 261 now; measured after pre9's
    // add-before-pcl, pcl-lru, walk past init_mm ending its section and swap_out counter read
    // before mmlist_lock, 6 Dec 2026: `faultsim hunt --shard 0/8 --seed 1 --keep-going
    // --executions 200000 --shrink-ms 0`, three hits; 3,304 with k 253, four hits, after the
    // 6 Dec 2026 audit's splits; 12,617 with k 237 on the faithful pre9 before its walk
    // that stops on its count at vm_end kept swap_address, 5 Dec 2026; it failed first at
    // 11,657, in part 0 of 100,000, before swap_out became pre9's (flag swap-amount, 5 Dec
    // 2026), at 4,934, in part 0 of 40,000, until swap_out walked as 2.4.16's does, and at
    // 1,383, in part 0 of 16,000, before del-lru).
    const pod = () =>
      spawnSync("/bin/sh", ["-c", script], { cwd: dir, env: env(0, "--executions 200000 --shrink-ms 0"), encoding: "utf8" });
    const first = pod();
    expect(events(0).map((e) => e.event)).toContain("finding"); // the hunt exited 1
    expect(first.status, first.stderr).toBe(0);
    const restarted = pod(); // its stream is there: a resume of a campaign that ended by itself
    expect(restarted.stderr).toMatch(/the campaign ended by itself/);
    expect(restarted.status).toBe(0);
  }, 120_000);

  it("SIGTERM: passed on to the hunt (its stream ends), and the pod is not done (exit 143)", async () => {
    const pod = spawn("/bin/sh", ["-c", script], { cwd: dir, env: env(1, "--executions 800000000"), stdio: "ignore" });
    const exit = new Promise<number | null>((resolve) => pod.on("close", (code) => resolve(code)));
    const until = Date.now() + 60_000;
    while (!events(1).some((e) => e.event === "progress") && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    pod.kill("SIGTERM");
    expect(await exit).toBe(143);
    expect(events(1).at(-1)?.event).toBe("end"); // the hunt stopped on the signal and wrote its end
  }, 120_000);
});
