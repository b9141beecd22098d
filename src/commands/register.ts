// `faultsim hunt`, `merge` and `replay` as the command line states them (options, defaults,
// help). Each action loads its command only when it runs (hunt.ts: the hunt, which loads its
// engine; merge.ts: the stream fold; replay.ts: a repro file, its schema and its replay):
// `faultsim --version`, `--help` and `run` do not pay for them (cold start, issue 12), nor
// does a merge pay for the hunt (issue 9).
import { Option, type Command } from "commander";
import {
  HUNT_DEFAULT_MODEL,
  HUNT_DEFAULTS,
  HUNT_MODEL_DEFAULTS,
  HUNT_NO_KSWAPD,
  HUNT_OPS_PER_CPU,
  type HuntModelDefaults,
} from "../explore/defaults.js";

/** The models whose hunt changes one default (HUNT_MODEL_DEFAULTS), in words for --help. */
function modelDefaults(key: keyof HuntModelDefaults): string {
  const words = Object.entries(HUNT_MODEL_DEFAULTS)
    .filter(([, d]) => d[key] !== undefined)
    .map(([m, d]) => {
      const v = d[key];
      if (key === "threads") return `processes on ${m}`;
      // The same value for every scheduler: stated once.
      if (typeof v === "object" && Object.keys(v).length === 2 && new Set(Object.values(v)).size === 1)
        return `${Object.values(v)[0]} on ${m}`;
      if (typeof v === "object")
        return `${Object.entries(v)
          .map(([s, n]) => `${n} with ${s}`)
          .join(", ")} on ${m}`;
      return `${v} on ${m}`;
    });
  return words.join("; ");
}
import { HUNT_MACHINE, HUNT_OPCAP } from "../explore/machine.js";
import type { HuntCli } from "./hunt.js";
import { withOption, withoutOption } from "../options.js";
import type { Backend } from "../wasm/engine.js";

/** `faultsim replay`'s options as commander hands them over. */
type ReplayCli = { json?: boolean; full?: boolean; format?: "diagram" | "kcsan"; backend: Backend };

/** The hunt's module, loaded when it runs (merge has its own, merge.ts: no hunt to load). */
const commands = () => import("./hunt.js");

/** --format of hunt and replay: how a finding is printed. */
const formatOption = () =>
  new Option("--format <kind>", "how a finding is printed: CPU-column diagram, or KCSAN's report (BUG: KCSAN: data-race in A / B)")
    .choices(["diagram", "kcsan"])
    .default("diagram");

export function registerExploreCommands(program: Command): void {
  const d = HUNT_MACHINE;
  program
    .command("hunt")
    .description(
      "many short executions of a small machine until a violation or the budget; prints the shrunk diagram and writes a repro file",
    )
    .addOption(new Option("--model <name>", "kernel model (see `faultsim models`)").default(HUNT_DEFAULT_MODEL))
    .option("--with <flag>", "add a flag to the model (repeatable, or comma-separated)", withOption, [] as string[])
    .option("--without <flag>", "remove a flag from the model (repeatable, or comma-separated)", withoutOption, [] as string[])
    .addOption(
      new Option("--sched <kind>", "scheduler (exhaustive: every schedule of one op list with at most --preemptions preemptions)")
        .choices(["pct", "random", "exhaustive"])
        .default(HUNT_DEFAULTS.sched),
    )
    .option("--preemptions <k>", "exhaustive: the preemption bound K (0..16; bounds 0, 1, ... K in turn)", "2")
    .option(
      "--op-list <ops>",
      "exhaustive: the op list, CPUs separated by / and ops by spaces, r<page> a read and w<page> a write (default: execution 0's ops of --seed)",
    )
    .option("--exhaustive-ops <n>", "exhaustive: every op list of n reads/writes per CPU (1..4, up to CPU renaming), each to --preemptions")
    .option("--depth <d>", "PCT bug depth (1..9)", String(HUNT_DEFAULTS.depth))
    .option("--seed <n>", "seed of the hunt (ops and schedules)", String(HUNT_DEFAULTS.seed))
    .option("--budget-ms <ms>", "stop after this long", String(HUNT_DEFAULTS.budgetMs))
    .option("--executions <n>", "stop after this many executions (default: only the budget)")
    .option(
      "--ops <n>",
      `ops per CPU in each execution (1..${HUNT_OPCAP}; default ${HUNT_OPS_PER_CPU.pct} with pct, ${HUNT_OPS_PER_CPU.random} with random, 2 with exhaustive, ${modelDefaults("ops")})`,
    )
    .option("--cpus <n>", `simulated CPUs (1..8); ${HUNT_NO_KSWAPD.cpus} with --no-kswapd`, String(d.cpus))
    .option("--frames <n>", "page frames, frame 0 is the zero page (4..4096)", String(d.frames))
    .option(
      "--pages <n>",
      `virtual pages the ops touch per mm (1..4096); default ${d.pagesPerMm}, ${modelDefaults("pages")}; with --no-kswapd as many as --frames for one mm, half as many for each of several`,
    )
    .option("--slots <n>", `swap slots, slot 0 is the header (2..65536); default ${d.slotsPerArea}, ${modelDefaults("slots")}`)
    .option("--page-cluster <n>", "readahead window is 2^n slots", String(d.pageCluster))
    .option(
      "--jiffy-steps <n>",
      "run the model's clock fast: a jiffy lasts n steps (a power of two, 1..16384; HZ is 100), so that 2.4.16's OOM killer, which waits a second of failures, can act within an execution; given (even as 16384), an allocation short of pages loops for the killer as 2.4.16's does (default: the model's clock, 16384 steps a jiffy, which no execution reaches a second of, and the allocator's stand-in fails such an allocation)",
    )
    .option("--kswapd", "run kswapd beside direct reclaim (default)")
    .option(
      "--no-kswapd",
      "no kswapd: only the CPUs' direct reclaim (the options not given then default to processes, 4 CPUs and 6 ops with pct)",
    )
    .option("--threads", `CPUs are threads of one mm (the default, except ${modelDefaults("threads")} and with --no-kswapd)`)
    .option("--no-threads", "each CPU its own process")
    .option("--write-ratio <p>", "fraction of ops that write (without --mix)", String(HUNT_DEFAULTS.writeRatio))
    .option(
      "--mix <rates>",
      "op mix: kind=rate,... of read, write, fork, exit, munmap, wprotect, swapoff, swapon, or `all` (default: reads and writes by --write-ratio)",
    )
    .option(
      "--mms <n>",
      `address spaces (1..8; default 1 with threads, 2 when the mix forks, one per CPU with --no-threads, except ${modelDefaults("mms")})`,
    )
    .option("--areas <n>", "swap areas (1..2; default 2 when the mix swaps off or on, else 1)")
    .option(
      "--swarm",
      "each execution draws its machine (2-4 CPUs, frames with pages following them, slots, areas, page_cluster, kswapd) and op mix from its seed; shape options given pin theirs (default for linux-2.4.16 and linux-2.4.16-fixed given no --with/--without or shape option)",
    )
    .option("--no-swarm", "the one machine of the shape options, also for the fixed kernels")
    .option("--shrink-ms <ms>", "time allowed to shrink each finding", String(HUNT_DEFAULTS.shrinkMs))
    .option("--keep-going", "collect distinct signatures until the budget instead of stopping at the first")
    .option("--full", "draw every line of the diagram (default: the lines naming the violation's entries and pages)")
    .addOption(formatOption())
    .option("--out <dir>", "directory for repro files (created if missing), each written as soon as it is found (never overwritten)", ".")
    .option("--json", "print one JSON object on stdout")
    .option(
      "--jsonl <file>",
      "write one JSON line per event (start, progress, finding, end) to a new file, or - for stdout (the summary then goes to stderr)",
    )
    .addOption(new Option("--backend <kind>", "model build").choices(["wasm", "js"]).default("wasm"))
    .option(
      "--workers <n>",
      "worker threads to hunt on (1..64; more than 1: a campaign whose PCT k is fixed by a probe first, so it runs other schedules than one thread from the same seed, the same for any number of workers)",
      "1",
    )
    .option(
      "--shard <i/n>",
      "run part i (0-based) of n disjoint parts of the campaign's executions (of --executions, or of all 2^32); n alone: the part from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). Runs the engine of --workers",
    )
    .option(
      "--defer-shrink",
      "record each finding unshrunk (its repro file and stream line at once) and leave replaying and shrinking it to `faultsim merge`, which does it once per signature over all shards; needs --jsonl (default: on with --shard of 2 or more parts and --jsonl)",
    )
    .option("--no-defer-shrink", "shrink each finding in this process, also in a shard")
    .option(
      "--resume <file>",
      "continue the killed campaign whose --jsonl stream is FILE from its last checkpoint, appending to it (its options are FILE's; --budget-ms gives this leg a budget of its own)",
    )
    .action(async (o: HuntCli, cmd: Command) => (await commands()).huntCommand(o, cmd));

  program
    .command("merge")
    .description(
      "merge hunt event streams (--jsonl) of one campaign's shards: distinct signatures, how often each was found, the campaign hash; replays and shrinks once each signature the shards recorded unshrunk (--defer-shrink)",
    )
    .argument("<files...>", "event streams written by hunt --jsonl")
    .option("--json", "print one JSON object on stdout")
    .option(
      "--out <dir>",
      "where the repros merge shrinks (findings a shard recorded unshrunk, --defer-shrink) go (default: in place of the shard's unshrunk file, the other shards' unshrunk files of the signature removed)",
    )
    .action(async (files: string[], o: { json?: boolean; out?: string }) => (await import("./merge.js")).mergeCommand(files, o));

  program
    .command("replay")
    .description("re-run a repro file and print its diagram; exit 1 when the violation reproduces")
    .argument("<file>", "repro file written by hunt")
    .option("--full", "draw every line of the diagram (default: the lines naming the violation's entries and pages)")
    .addOption(formatOption())
    .option("--json", "print one JSON object on stdout")
    .addOption(new Option("--backend <kind>", "model build").choices(["wasm", "js"]).default("wasm"))
    .action(async (file: string, o: ReplayCli) => (await import("./replay.js")).replayCommand(file, o));
}
