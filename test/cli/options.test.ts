// One options module (src/options.ts) serves every command: an option that `run` and `hunt`
// both take is parsed by the same function, so `--with a,b` means the same to both, and a bad
// number is refused with the same line.
import { describe, it, expect } from "vitest";
import type { Command } from "commander";
import { buildProgram, settingsOf, type RunCliOptions } from "../../src/cli.js";
import { huntOptions, type HuntCli } from "../../src/commands/hunt.js";
import { UsageError } from "../../src/errors.js";

/** The options commander hands `command`'s action for these arguments (the action not run). */
async function parsed(command: string, args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === command) as Command;
  let got: Record<string, unknown> | undefined;
  cmd.action((o: Record<string, unknown>) => {
    got = o;
  });
  await program.parseAsync(["node", "faultsim", command, ...args]);
  if (!got) throw new Error(`${command}: action not called`);
  return got;
}

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("not refused");
};

describe("one options module for run and hunt", () => {
  it("an option both commands take has one parser", () => {
    const program = buildProgram();
    const run = program.commands.find((c) => c.name() === "run")!;
    const hunt = program.commands.find((c) => c.name() === "hunt")!;
    const shared = run.options.filter((o) => hunt.options.some((h) => h.long === o.long));
    expect(shared.map((o) => o.long)).toEqual(expect.arrayContaining(["--with", "--without", "--seed", "--cpus", "--budget-ms"]));
    for (const o of shared) {
      if (o.argChoices) continue; // --sched, --backend: each command its own choices, checked by commander
      expect(hunt.options.find((h) => h.long === o.long)!.parseArg, o.long).toBe(o.parseArg);
    }
  });

  it("--with and --without take repeated options and comma lists alike in run and hunt", async () => {
    const args = ["--with", "unique-add,oom-recheck", "--with", "early-dup", "--without", "readahead-sdl,", "--without", "bkl-swapin"];
    const r = await parsed("run", args);
    const h = await parsed("hunt", args);
    expect(r.with).toEqual(["unique-add", "oom-recheck", "early-dup"]);
    expect(r.without).toEqual(["readahead-sdl", "bkl-swapin"]);
    expect(h.with).toEqual(r.with);
    expect(h.without).toEqual(r.without);
    // And the models they resolve to agree.
    const s = settingsOf(r as unknown as RunCliOptions);
    const { opts } = huntOptions({ ...(h as unknown as HuntCli), model: s.model.name });
    expect(opts.model.flags).toBe(s.model.flags);
    expect(s.model.flagNames).toEqual(expect.arrayContaining(["unique-add", "oom-recheck", "early-dup"]));
  });

  it("refuses a bad seed or CPU count with the same line in both", async () => {
    const run = await parsed("run", []);
    const hunt = await parsed("hunt", []);
    for (const [key, raw] of [
      ["seed", "0x10"],
      ["cpus", "9"],
      ["cpus", "1.5"],
      ["cpus", ""],
    ] as const) {
      const r = message(() => settingsOf({ ...(run as unknown as RunCliOptions), [key]: raw }));
      const h = message(() => huntOptions({ ...(hunt as unknown as HuntCli), [key]: raw }));
      expect(h, `${key} ${raw}`).toBe(r);
    }
  });

  it("linux-2.4.0's hunt runs its 3 processes in 2 mms unless told", async () => {
    const hunt = async (...args: string[]) =>
      huntOptions((await parsed("hunt", ["--model", "linux-2.4.0", ...args])) as unknown as HuntCli).opts;
    const random = await hunt("--sched", "random");
    expect([random.machine.cpus, random.machine.mms, random.machine.pagesPerMm, random.shareMm, random.opsPerCpu]).toEqual([
      3,
      2,
      2,
      false,
      6,
    ]);
    expect((await hunt("--sched", "random", "--mms", "3")).machine.mms).toBe(3);
    expect((await hunt("--sched", "random", "--cpus", "1")).machine.mms).toBe(1); // never more mms than CPUs
    expect((await hunt("--sched", "random", "--threads")).machine.mms).toBe(1);
    const pct = await hunt();
    expect([pct.machine.cpus, pct.machine.mms, pct.machine.pagesPerMm, pct.opsPerCpu]).toEqual([3, 2, 4, 4]);
    // Without kswapd: the direct-reclaim machine's one process per CPU.
    expect((await hunt("--no-kswapd")).machine.mms).toBe(4);
  });
});
