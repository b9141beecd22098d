// The JSON that `--json` prints (hunt, run, replay, models, merge, races, mutants), as zod schemas. The code's output
// types are z.infer of these, so a field added to an output without its schema, or the other
// way round, does not compile; src/schema/json-schema.ts turns them (and the repro file's
// schema, src/report/repro-schema.ts) into the JSON Schema files shipped in dist/schema/
// (docs/json-schema.md). Each document carries its `schemaVersion`: raised when a field's
// meaning changes or a field goes; an added field leaves it as it is.
import { z } from "zod";
import { STAT_NAMES } from "../wasm/abi.js";
import { ReproMachineSchema, ReproSchema } from "../report/repro-schema.js";
import { ROUTE_NAMES } from "../explore/route.js";
import { PATTERNS } from "../workload/generator.js";

import { OUTPUT_SCHEMA_VERSIONS } from "./versions.js";

// Also here, beside the schemas that carry them.
export { OUTPUT_SCHEMA_VERSIONS };

const int = z.number().int();
const count = int.min(0);
const backend = z.enum(["wasm", "js"]).describe("model build: the Wasm model, or the same source built to JavaScript");
const modelIdField = z.string().nullable().describe("this model build's id (a hash of assembly/'s sources), null when the build has none");
const model = z
  .object({
    name: z.string().describe("the kernel model (`faultsim models`)"),
    flags: z.array(z.string()).describe("its flags after --with / --without"),
    flagWord: count.describe("the same flags as the model's bit word (CFG_FLAGS)"),
    flagWord2: count.optional().describe("the model's second flag word (CFG_FLAGS2), when a flag of it is set"),
  })
  .describe("the model run");

/** How big one execution is (src/explore/hunt-options.ts ExecutionSize). */
const executionSize = z.object({ ops: count, steps: count, switches: count, preemptions: count });

/** PCT's guarantee for the hunt (src/explore/pct.ts PctBound). */
const pctBound = z
  .object({
    depth: int.min(1),
    n: count.describe("agents that ran in some execution"),
    k: count.describe("the decisions change points were drawn over"),
    orders: z.number().min(1).describe("priority orders one execution draws from"),
    perExecution: z.number().min(0).max(1).describe("lower bound on the probability one execution hits a given depth-d bug"),
    executionsFor63: z.number().min(0).describe("executions after which such a bug is found with probability at least 1 - 1/e"),
    maxDecisions: count.describe("the most decisions one execution made"),
  })
  .describe("PCT's guarantee (pct scheduler only)");

/** `faultsim hunt --json`. */
export const HuntJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.hunt),
    command: z.literal("hunt"),
    version: z.string().describe("faultsim's version"),
    modelId: modelIdField,
    model,
    machine: ReproMachineSchema.describe("the hunt machine, as repro files record it"),
    sched: z.enum(["pct", "random"]),
    depth: int.min(1).optional().describe("PCT bug depth (pct only)"),
    seed: int,
    opsPerCpu: count,
    executions: count.describe("executions run"),
    steps: count.describe("atomic sections run"),
    elapsedMs: z.number().min(0),
    huntingMs: z.number().describe("of elapsedMs, the time spent hunting (not replaying and shrinking findings)"),
    setupMs: z.number().min(0).optional().describe("with workers: starting them and the PCT probe"),
    interrupted: z.boolean().describe("stopped by a signal before its budget"),
    executionsPerSec: z.number().min(0),
    stepsPerSec: z.number().min(0),
    signatures: z.array(z.string()).describe("the distinct signatures found, in the order found"),
    findings: z.array(
      z.object({
        signature: z.string(),
        id: z.string().describe("the invariant broken"),
        message: z.string(),
        file: z.string().describe("the repro file written, empty when none was"),
        execution: count.describe("the execution that found it"),
        original: executionSize.describe("the execution as found"),
        shrunk: executionSize.describe("the execution shrunk"),
        diagram: z.string().describe("the diagram `faultsim hunt` prints"),
      }),
    ),
    deferred: z
      .array(
        z.object({
          signature: z.string(),
          id: z.string().describe("the invariant broken"),
          message: z.string(),
          file: z.string().describe("the unshrunk repro file written, empty when none was"),
          execution: count.describe("the execution that found it"),
        }),
      )
      .optional()
      .describe("--defer-shrink: findings recorded unshrunk, for `faultsim merge` to replay and shrink"),
    hits: z.record(z.string(), count).describe("failing executions per signature (repeats of a signature counted too)"),
    hash: z
      .string()
      .describe(
        "the campaign hash: every execution's choice log folded in execution order (equal for a resumed or sharded campaign and an unbroken one)",
      ),
    mix: z.string().optional().describe("the op mix (--mix), when the hunt had one"),
    swarm: z
      .boolean()
      .optional()
      .describe(
        "--swarm: each execution drew its machine and mix from its seed (machine and mix are then the base; each repro holds its shape)",
      ),
    swapReachable: z
      .boolean()
      .optional()
      .describe("false: the machine's pages fit in its frames above pages_low, nothing is ever swapped, so no swap race is reachable"),
    earlier: z
      .array(z.object({ signature: z.string(), execution: count, file: z.string().nullable() }))
      .describe("with --resume: findings of the legs before this one (their repro files are on disk already)"),
    shard: z
      .object({ index: count, count: int.min(1), total: count, first: count, executions: count })
      .optional()
      .describe("with --shard: this process's part of the campaign's executions"),
    pct: pctBound.optional(),
    workers: int.min(1),
  })
  .describe("faultsim hunt --json");
export type HuntJson = z.infer<typeof HuntJsonSchema>;

/** One bound of an exhaustive search (src/explore/exhaustive.ts BoundStats). */
const exhaustiveBound = z.object({
  preemptions: count.describe("the bound: schedules with at most this many preemptions"),
  schedules: count.describe("executions run to their end"),
  states: count.describe("distinct model states met"),
  pruned: count.describe("paths cut at a state already explored with no fewer preemptions spent"),
  steps: count.describe("atomic sections run"),
  elapsedMs: z.number().min(0),
  cpuMs: z.number().min(0).describe("CPU time of this bound (user + system)"),
  complete: z.boolean().describe("every schedule of this bound explored"),
});

/** `faultsim hunt --sched exhaustive --json` (src/explore/exhaustive-cli.ts). */
export const HuntExhaustiveJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.huntExhaustive),
    command: z.literal("hunt"),
    sched: z.literal("exhaustive"),
    version: z.string().describe("faultsim's version"),
    modelId: modelIdField,
    model,
    machine: ReproMachineSchema.describe("the machine, as repro files record it"),
    preemptions: count.describe("the bound K asked for (--preemptions)"),
    opLists: count.describe("op lists to explore (1, or the sweep's with --exhaustive-ops)"),
    explored: z
      .array(
        z.object({
          ops: z.array(z.array(int)).describe("each CPU's op words"),
          reached: int.min(-1).describe("the highest bound explored completely, -1 none"),
          bounds: z.array(exhaustiveBound).describe("bounds 0, 1, ... as iterative preemption bounding ran them"),
        }),
      )
      .describe("the op lists explored, in order"),
    schedules: count,
    states: count.describe("distinct model states, summed over bounds and op lists"),
    steps: count,
    elapsedMs: z.number().min(0),
    cpuMs: z.number().min(0).describe("CPU time of the search (user + system)"),
    complete: z.boolean().describe("every op list explored to the bound without a violation"),
    verdict: z.string().describe("the last line of the text output"),
    violation: z
      .object({
        preemptions: count.describe("the fewest preemptions a violating schedule of these ops needs"),
        signature: z.string(),
        id: z.string(),
        message: z.string(),
        file: z.string().nullable().describe("the repro file written, null when none could be"),
        diagram: z.string(),
      })
      .nullable(),
  })
  .describe("faultsim hunt --sched exhaustive --json");
export type HuntExhaustiveJson = z.infer<typeof HuntExhaustiveJsonSchema>;

/** One violation of a bulk run (src/bulk/run.ts BulkViolation). */
const bulkViolation = z.object({
  source: z.enum(["model", "checker", "watchdog"]).describe("an in-model BUG_ON, the deep checker, or the livelock watchdog"),
  invariant: z.string(),
  signature: z.string().describe("invariant + what broke: stable across runs"),
  message: z.string(),
  step: count.describe("the step at which it was seen"),
});

/** src/bulk/run.ts ReclaimStall. */
const reclaimStall = z.object({
  cause: z
    .enum(["swapoff", "swap-full"])
    .describe("swapoff: a swapoff's area was subtracted from nr_swap_pages; swap-full: no swapoff ran, swap was full"),
  area: count.optional().describe("the area being swapped off (cause swapoff)"),
  from: count.describe("the first step at which nr_swap_pages was seen at or below 0 (seen between chunks of at most 65,536 steps)"),
  to: count.describe("the last such step"),
  nrSwapPages: int.describe("the lowest nr_swap_pages seen"),
  ops: count.describe("ops completed during the stall"),
  swapOuts: count.describe("pages written to swap during the stall"),
  pagesFreed: count.describe("pages reclaim freed during the stall"),
  oomKills: count.describe("processes the OOM killer chose during the stall (flag oom-kill)"),
  ended: z
    .enum(["swapoff-enomem", "swapoff-done", "oom-kill", "slots-freed", "run-end"])
    .describe(
      "the swapoff gave up (-ENOMEM) or completed, the OOM killer's kills freed slots (oom-kill), slots were freed otherwise, or the run ended during it",
    ),
});

const rate = z.number().min(0);

/** `faultsim run --json`, and what the API's run() resolves with. */
export const RunJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.run),
    command: z.literal("run"),
    version: z.string().describe("faultsim's version"),
    model,
    machine: z.object({
      cpus: count,
      mms: count,
      pagesPerMm: count,
      frames: count,
      areas: count,
      slotsPerArea: count,
      kswapd: z.boolean(),
      jiffySteps: count.optional().describe("the model's clock run fast (--jiffy-steps): steps a jiffy; absent, its own 16,384"),
      sched: z.enum(["random", "rtc"]),
    }),
    workload: z
      .object({
        pattern: z.enum(PATTERNS as [string, ...string[]]),
        writeRatio: z.number(),
        hotFraction: z.number().optional(),
        hotProbability: z.number().optional(),
        threads: z.boolean(),
        forkRate: z.number(),
        exitRate: z.number(),
        munmapRate: z.number(),
        swapoffRate: z.number(),
        swaponRate: z.number(),
        steady: z
          .boolean()
          .optional()
          .describe("the steady workload (the default): pages written first, swapoff/swapon and fork/exit in pairs"),
      })
      .describe("the workload generator's settings (its sizes are the machine's)"),
    seed: int,
    backend,
    modelId: modelIdField,
    ops: count,
    steps: count,
    accesses: count,
    faults: count.describe("minor + major faults"),
    minorFaults: count,
    majorFaults: count,
    swapIns: count,
    swapOuts: count,
    readahead: count.describe(
      "pages read_swap_cache_async gave swapin_readahead for its windows' slots: read from swap or found in the swap cache",
    ),
    readaheadHits: count,
    reclaimScans: count,
    seconds: z.number().min(0),
    rates: z.object({ stepsPerSec: rate, opsPerSec: rate, faultsPerSec: rate, accessesPerSec: rate }),
    pressure: z
      .object({ pages: count, frames: count, ratio: z.number().min(0) })
      .describe("virtual pages the accesses can reach against physical frames"),
    checks: count.describe("deep invariant checks run"),
    checkMode: z
      .enum(["touched", "whole"])
      .optional()
      .describe(
        "what each deep check read: the frames and swap-cache buckets the run can have touched (the default), or every one (--full-check); absent from a textbook-policy run, which has no deep checks",
      ),
    stats: z.object(Object.fromEntries(STAT_NAMES.map((n) => [n, count])) as Record<(typeof STAT_NAMES)[number], typeof count>),
    violations: z.array(bulkViolation),
    stalls: z
      .array(reclaimStall)
      .optional()
      .describe(
        "stretches of at least 16M steps in which get_swap_page refused every page (nr_swap_pages <= 0); left out when there were none",
      ),
    stateHash: z.string().describe("a hash of the final machine state: the determinism fingerprint"),
    trace: z
      .object({
        file: z.string(),
        format: z.string(),
        records: count.describe("records read"),
        ops: count.describe("ops made (a lackey access straddling two pages is two)"),
        pages: count.describe("distinct pages touched"),
        mms: count.describe("processes (mms) the pages are in"),
      })
      .optional()
      .describe("with --trace: the trace replayed"),
    partial: z.literal(true).optional().describe("stopped before its ops (a signal or --budget-ms): no check at rest"),
    stopped: z.enum(["signal", "budget"]).optional().describe("what stopped a partial run"),
    series: z
      .object({ file: z.string(), format: z.enum(["csv", "jsonl"]), interval: int.min(1), rows: count })
      .optional()
      .describe("with --series: the time series written"),
  })
  .describe("faultsim run --json");
export type RunJson = z.infer<typeof RunJsonSchema>;

/** `faultsim run --reclaim lru|fifo|clock|opt --json`: the accesses under a textbook policy
 *  (src/policy/run.ts) instead of 2.4's reclaim. */
export const PolicyRunJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.run),
    command: z.literal("run"),
    version: z.string().describe("faultsim's version"),
    reclaim: z.enum(["lru", "fifo", "clock", "opt"]).describe("the replacement policy in place of the kernel's reclaim"),
    machine: z.object({ cpus: count, mms: count, pagesPerMm: count, frames: count }),
    seed: int,
    source: z.enum(["generator", "trace"]),
    trace: z.object({ file: z.string(), format: z.string() }).optional(),
    frames: count.describe("frames that hold pages (the machine's frames less the zero page)"),
    requests: count,
    hits: count,
    misses: count,
    missRatio: z.number().min(0).max(1),
    minorFaults: count.describe("misses on pages with no swap copy (never written: zero-filled)"),
    swapIns: count.describe("misses read back from swap"),
    swapOuts: count.describe("dirty victims written to swap"),
    pages: count.describe("distinct pages requested"),
    dataLost: count.describe("reads that did not get the last value written (0 unless faultsim is wrong)"),
    seconds: z.number().min(0),
    requestsPerSec: rate,
  })
  .describe("faultsim run --reclaim POLICY --json");
export type PolicyRunJson = z.infer<typeof PolicyRunJsonSchema>;

/** `faultsim replay --json`. */
export const ReplayJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.replay),
    command: z.literal("replay"),
    file: z.string(),
    signature: z.string().describe("the repro's signature"),
    reproduced: z.boolean().describe("the replay ran into the same violation"),
    diverged: z.boolean().describe("the recorded schedule no longer fit the model and was repaired"),
    filled: z
      .object({
        from: z.number().int().nonnegative().describe("the step the recorded schedule ended at"),
        steps: z.number().int().positive().describe("steps run past it, each picked the run-to-completion way"),
      })
      .nullable()
      .describe(
        "the recorded schedule ended before the execution did and the rest was filled running to completion (the agent that ran last while it can run, else the lowest runnable); null when the execution ended within it",
      ),
    found: z
      .object({ signature: z.string(), id: z.string(), message: z.string() })
      .nullable()
      .describe("the violation the replay ran into"),
    route: z
      .enum(ROUTE_NAMES)
      .nullable()
      .describe(
        "for a swap-cache duplicate, the seed mail's route it took; for a data loss, 14 Sep swapoff when it took that route; for a free slot freed again by do_swap_page, who resolved its pte (pte-same swapoff or pte-same fault); for an nr_swap_pages drift, dup revival when an unlocked swap_duplicate revived a freed slot; for a data loss by neither, swapin aba when a fault mapped a page that had left the swap cache while its entry was handed out again, else unuse wrong page write when swapoff's try_to_unuse, after writing its page, deleted it from the swap cache under another entry it had come back under, unwritten; for bug-on@try_to_unuse, unuse wrong page when try_to_unuse's page left the swap cache and came back under another entry before it locked it",
      ),
    diagram: z.string(),
    modelId: modelIdField,
    recordedModelId: z.string().nullable().describe("the model build that recorded the repro, null when the file does not say"),
    sameModel: z.boolean(),
  })
  .describe("faultsim replay --json");
export type ReplayJson = z.infer<typeof ReplayJsonSchema>;

/** `faultsim models --json`, and what the API's models() returns. */
export const ModelsJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.models),
    command: z.literal("models"),
    models: z.array(
      z.object({
        name: z.string(),
        flags: z.array(z.string()).describe("the flags it is built with"),
        what: z.string(),
        default: z.boolean().describe("the default model of `faultsim run`"),
      }),
    ),
    flags: z.array(
      z.object({
        name: z.string(),
        word: z.union([z.literal(0), z.literal(1)]).describe("the config word holding it: 0 CFG_FLAGS, 1 CFG_FLAGS2"),
        bit: count.describe("its bit (mask) in that word"),
        what: z.string(),
        shipped: z.string().describe("the releases that shipped it"),
        patch: z.string().describe("the kernel change it models"),
      }),
    ),
    modelId: modelIdField,
  })
  .describe("faultsim models --json");
export type ModelsJson = z.infer<typeof ModelsJsonSchema>;

/** One row of `npm run mutants --json` (src/mutants/run.ts MutantResult). */
const mutantRow = z.object({
  id: z.string().describe('the mutant (src/mutants/table.ts), or "none" for the unmutated tree'),
  class: z.string().optional().describe("the kind of bug"),
  kernel: z.string().optional().describe("the kernel function it breaks"),
  files: z.array(z.string()).optional().describe("the model files it edits"),
  equivalent: z.string().optional().describe("why it is argued equivalent (then not scored)"),
  outcome: z.enum(["caught", "crashed", "survived", "build-failed"]),
  signature: z.string().optional().describe("the first violation the hunt found"),
  execution: count.optional().describe("the execution that found it"),
  executions: count.optional().describe("executions the hunt ran"),
  cpuMs: z.number().min(0).optional().describe("CPU the hunt used"),
  wallMs: z.number().min(0).optional(),
  error: z.string().optional().describe("why it did not build, or the hunt's error line"),
});

/** `npm run mutants -- --json FILE` (src/mutants/cli.ts): the hunt's mutation score. */
export const MutantsJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.mutants),
    command: z.literal("mutants"),
    hunt: z.string().describe("the hunt each mutant got"),
    budgetCpuMs: count.describe("each hunt's CPU budget"),
    seed: int,
    jobs: int.min(1),
    baseline: mutantRow.optional().describe("the unmutated tree under the same hunt (must survive)"),
    mutants: z.array(mutantRow),
    score: z.object({
      total: count,
      equivalent: count,
      scored: count,
      caught: count,
      score: z.number().min(0).max(1).describe("caught / scored"),
      survivors: z.array(z.string()),
    }),
  })
  .describe("npm run mutants --json");
export type MutantsJson = z.infer<typeof MutantsJsonSchema>;

// ---- `faultsim hunt --jsonl`: the campaign's event stream, one event a line ----

/** A campaign's state after whole executions (src/explore/checkpoint.ts HuntCheckpoint); the
 *  API's `hunt({ resumeFrom })` checks one with it. */
export const HuntCheckpointSchema = z
  .object({
    first: count.describe("the campaign's (a shard's) first execution"),
    next: count.describe("the next execution: [first, next) are done, every finding among them in the stream"),
    steps: count,
    hits: z.record(z.string(), count).describe("failing executions so far, by signature"),
    hash: z
      .object({ h: count.max(2 ** 32 - 1), n: count.describe("next - first") })
      .describe("the campaign hash of executions [first, next) as a sequence hash"),
    signatures: z.array(z.string()).describe("signatures investigated so far, in the order found"),
    elapsedMs: z.number().min(0).describe("wall time over every leg so far"),
    maxDecisions: count,
    agentMask: count.describe("agents seen in a choice log (bit per agent)"),
    pctK: int.min(1).describe("PCT's k: fixed by the probe (campaign engine) or as refined so far (one thread)"),
    decisionSum: count.describe("PCT decisions summed over the executions"),
  })
  .describe("the campaign's state: what `hunt --resume` continues from and `faultsim merge` folds");
const checkpoint = HuntCheckpointSchema;

/** Every event's first fields: which stream format it is, and what happened. */
const eventOf = <E extends string>(event: E) => ({
  schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.huntEvents),
  event: z.literal(event),
});

/** The start event's options (src/explore/campaign-stream.ts reads them back). */
export const StreamOptionsSchema = z
  .object({
    machine: ReproMachineSchema,
    sched: z.enum(["pct", "random"]),
    depth: int.min(1).optional().describe("PCT bug depth (pct only)"),
    seed: int,
    budgetMs: z.number().min(0),
    executions: count.nullable().describe("this campaign's (a shard's: its part's) executions; null: only the budget"),
    opsPerCpu: count,
    shareMm: z.boolean(),
    writeRatio: z.number().min(0).max(1),
    mix: z.string().optional().describe("--mix, when the hunt had one"),
    swarm: z
      .object({
        cpus: count.optional(),
        frames: count.optional(),
        pages: count.optional(),
        slots: count.optional(),
        areas: count.optional(),
        mms: count.optional(),
        pageCluster: count.optional(),
        kswapd: z.boolean().optional(),
        mix: z.string().optional(),
        jiffySteps: count.optional().describe("--jiffy-steps: every drawn machine's clock"),
      })
      .optional()
      .describe("--swarm: the dimensions the hunt pinned (the others drawn per execution)"),
    keepGoing: z.boolean(),
    backend,
    shrinkMs: z.number().min(0),
    workers: int.min(1),
    out: z.string().describe("the repro directory"),
    engine: z
      .enum(["adaptive", "campaign"])
      .describe("one thread (PCT's k refined as it goes) or the campaign engine (--workers, --shard: k fixed by a probe)"),
    first: count.describe("the first execution index (a shard's part starts here)"),
    shard: z
      .object({ index: count, count: int.min(1), total: count })
      .optional()
      .describe("--shard: part index of count, of a campaign of total executions"),
    deferShrink: z
      .boolean()
      .optional()
      .describe("--defer-shrink: findings recorded unshrunk, for `faultsim merge` to investigate (absent: false)"),
  })
  .describe("the campaign's options: enough to resume it");
export type StreamOptions = z.infer<typeof StreamOptionsSchema>;

const time = z.string().describe("wall-clock time (ISO 8601) the leg started");

export const StartEventSchema = z
  .object({
    ...eventOf("start"),
    time,
    pid: count,
    version: z.string().describe("faultsim's version"),
    modelId: modelIdField,
    model,
    options: StreamOptionsSchema,
  })
  .describe("the first line: the campaign's options");

export const ResumeEventSchema = z
  .object({ ...eventOf("resume"), time, pid: count, from: count.describe("the execution this leg continues from") })
  .describe("a `hunt --resume` leg starts");

export const ProgressEventSchema = z
  .object({
    ...eventOf("progress"),
    executions: count.describe("executions run so far (of this campaign or shard)"),
    elapsedMs: count,
    executionsPerSec: count,
    signatures: z.array(z.string()),
    checkpoint,
  })
  .describe("every ~2 s");

export const FindingEventSchema = z
  .object({
    ...eventOf("finding"),
    signature: z.string(),
    execution: count.describe("the execution that found it"),
    elapsedMs: count,
    file: z.string().nullable().describe("its repro file, null when none was written"),
    fileError: z.string().optional().describe("why the repro file could not be written"),
    shrinkInterrupted: z.boolean().describe("a signal stopped its shrink: the repro is unshrunk"),
    shrinkDeferred: z
      .boolean()
      .optional()
      .describe("--defer-shrink: recorded as found, neither replayed nor shrunk: `faultsim merge` investigates it (absent: false)"),
    repro: ReproSchema,
    checkpoint: checkpoint
      .optional()
      .describe("the state right after its execution, this finding counted: resuming from here never finds it again"),
  })
  .describe("a finding investigated (its repro file written)");

export const RetryEventSchema = z
  .object({
    ...eventOf("retry"),
    worker: count,
    reason: z.string(),
    chunk: z.object({ first: count, count: count }).optional().describe("the executions it was running, run again on its replacement"),
    retriesLeft: count,
  })
  .describe("a worker died and was replaced");

export const EndEventSchema = z
  .object({
    ...eventOf("end"),
    executions: count,
    elapsedMs: count.describe("this leg's wall time (over every leg: checkpoint.elapsedMs, as a progress event's elapsedMs)"),
    huntingMs: int,
    findings: count.describe("distinct signatures over every leg"),
    signatures: z.array(z.string()),
    hits: z.record(z.string(), count),
    hash: z.string().describe("the campaign hash"),
    interrupted: z.boolean().describe("stopped by a signal"),
    exitCode: int.min(0).max(1),
    checkpoint,
  })
  .describe("the campaign (or this leg) ended");

/** One line of `faultsim hunt --jsonl`. */
export const HuntEventSchema = z
  .discriminatedUnion("event", [
    StartEventSchema,
    ResumeEventSchema,
    ProgressEventSchema,
    FindingEventSchema,
    RetryEventSchema,
    EndEventSchema,
  ])
  .describe("faultsim hunt --jsonl: one event a line");
export type HuntEvent = z.infer<typeof HuntEventSchema>;
export type StartEvent = z.infer<typeof StartEventSchema>;
export type FindingEvent = z.infer<typeof FindingEventSchema>;

// ---- `faultsim merge --json`: a campaign's streams folded into one summary ----

/** What must be equal for streams to be parts of one campaign (src/explore/merge.ts
 *  campaignKey): the start event's model and options that decide which executions run. */
const mergeCampaign = z
  .object({
    modelId: modelIdField,
    model: z.string().describe("the kernel model (`faultsim models`)"),
    flagWord: count.describe("its flags as the model's bit word"),
    flagWord2: count.optional().describe("its second flag word (CFG_FLAGS2), when a flag of it is set"),
    machine: ReproMachineSchema.describe("the hunt machine, as repro files record it"),
    sched: z.enum(["pct", "random"]),
    depth: int.min(1).optional().describe("PCT bug depth (pct only)"),
    seed: int,
    opsPerCpu: count,
    shareMm: z.boolean(),
    writeRatio: z.number().min(0).max(1),
    keepGoing: z.boolean(),
    engine: z.enum(["adaptive", "campaign"]),
    pctK: int.min(1).optional().describe("PCT's k fixed by the probe (campaign engine, pct only)"),
  })
  .describe("what must be equal for streams to be parts of one campaign");

/** One distinct signature over the streams (src/explore/merge.ts MergedSignature). */
const mergedSignature = z.object({
  signature: z.string(),
  count: count.describe("failing executions with this signature, over all streams"),
  execution: count.nullable().describe("the first execution (lowest index) whose finding was recorded, null when none was"),
  file: z.string().nullable().describe("its repro file (once merge shrank a deferred finding: the shrunk repro's), null when none"),
  shrunkBy: z
    .enum(["hunt", "merge"])
    .nullable()
    .describe("who shrank that repro: the hunt, merge (a finding recorded unshrunk, --defer-shrink), or nobody (null)"),
  fileError: z.string().optional().describe("why merge's shrunk repro could not be written"),
  repro: ReproSchema.optional().describe("that shrunk repro, when no file could take it"),
});
export type MergedSignature = z.infer<typeof mergedSignature>;

/** The merge of a campaign's streams (src/explore/merge.ts mergeStreams). */
const mergeSummary = {
  campaign: mergeCampaign,
  streams: count.describe("stream files given"),
  executions: count.describe("executions run, over all streams"),
  ranges: z
    .array(z.object({ first: count, next: count, file: z.string() }))
    .describe("the execution ranges run, in order: [first, next) per stream with a checkpoint"),
  gaps: z
    .array(z.object({ first: count, next: count }))
    .describe("executions between the first range's start and the last's end that no stream ran"),
  hash: z.string().describe("the campaign hash over every execution run, in execution order"),
  signatures: z.array(mergedSignature).describe("the distinct signatures, sorted by name"),
  finished: z.boolean().describe("every stream ended by itself (none killed or interrupted)"),
  missingParts: z
    .array(z.object({ index: count, count: int.min(1), first: count, next: count }))
    .optional()
    .describe(
      "streams of one --shard split: the parts [first, next) of which no stream given ran an execution (absent: none missing, or not all one split)",
    ),
};
export type MergeSummary = z.infer<z.ZodObject<typeof mergeSummary>>;

/** `faultsim merge --json`. */
export const MergeJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.merge),
    command: z.literal("merge"),
    ...mergeSummary,
  })
  .describe("faultsim merge --json");
export type MergeJson = z.infer<typeof MergeJsonSchema>;

// ---- `faultsim races --json`: the race catalogue, and `races --check --json`: its check ----

/** The hunt that finds a race (src/races/catalogue.ts RaceHunt): options of the public hunt(). */
const raceHunt = z
  .object({
    model: z.string().describe("the kernel model (`faultsim models`)"),
    with: z.array(z.string()).optional().describe("flags added to the model"),
    without: z.array(z.string()).optional().describe("flags removed from the model"),
    sched: z.enum(["pct", "random"]).optional().describe("the scheduler (absent: pct)"),
    depth: int.min(1).optional().describe("PCT bug depth"),
    mix: z.string().optional().describe("the op mix, as --mix"),
    ops: count.optional().describe("ops per CPU"),
    cpus: count.optional(),
    frames: count.optional(),
    pages: count.optional(),
    slots: count.optional(),
    pageCluster: count.optional(),
    mms: count.optional(),
    areas: count.optional(),
    kswapd: z.boolean().optional(),
    threads: z.boolean().optional(),
    jiffySteps: count.optional().describe("the model's clock run fast, as --jiffy-steps (a race around 2.4.16's OOM killer)"),
    keepGoing: z.boolean().optional().describe("collect signatures past the first (a race whose hunt meets another race first)"),
  })
  .describe("the hunt that finds it: options of the API's hunt() (the command line is `find` of `faultsim races`)");

/** One race of the catalogue (src/races/catalogue.ts RACES). */
export const RaceSchema = z.object({
  name: z.string().describe("short stable name"),
  kernels: z.string().describe("the kernels (models and releases) it lives in"),
  fix: z
    .string()
    .regex(/^-?[a-z0-9]+(-[a-z0-9]+)*(,-?[a-z0-9]+(-[a-z0-9]+)*)*$/)
    .describe(
      'the flags (`faultsim models`) whose fix closes it, comma-separated when only changes together close it: a name when the fix is the flag turned on, "-" and its name when the fix is the flag turned off (the flag is the old code, as unlocked-dup-check); the fixed model has each so, the race\'s model the other way',
    ),
  route: z.string().describe("the route, in one line"),
  hunt: raceHunt,
  signatures: z.array(z.string()).describe('signatures that count as finding it; one ending in "*" matches every signature it begins'),
  takes: z
    .enum(ROUTE_NAMES)
    .optional()
    .describe(
      "the route a finding must take to count: the one its traced replay names (the `route:` line of `faultsim hunt` and `faultsim replay`, `route` of `faultsim replay --json`); absent, any finding with one of the signatures counts",
    ),
  smallMachine: z
    .string()
    .optional()
    .describe("why the hunt's machine is smaller than its CPUs need never to livelock: the fixed check then ignores `livelock` alone"),
  test: z.string().describe("the directed test: file, and the describe block that drives it"),
});
export type RaceJson = z.infer<typeof RaceSchema>;

/** `faultsim races --json` (src/races/cli.ts). */
export const RacesJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.races),
    command: z.literal("races"),
    races: z.array(RaceSchema).describe("the catalogue, in order"),
    fixedModel: z.string().describe("the model every fix is on: each race's hunt shape must find nothing in it"),
  })
  .describe("faultsim races --json");
export type RacesJson = z.infer<typeof RacesJsonSchema>;

/** One race's check (src/races/check.ts checkRace). Times are CPU time of the process (user +
 *  system, process.cpuUsage), in ms. */
export const RaceCheckRowSchema = z.object({
  race: z.string(),
  sched: z.enum(["pct", "random"]),
  found: z.boolean().describe("a finding with the race's signature (and route) within the budget"),
  signature: z.string().optional().describe("the signature that found it"),
  seed: int.optional().describe("the seed that found it"),
  executions: count.describe("hunt executions until found (or the budget), over the seeds tried"),
  cpuMs: z.number().min(0).describe("CPU time until found (or the budget)"),
  misses: z.array(z.string()).describe("why a finding did not count (another signature or route)"),
  other: z
    .object({ sched: z.enum(["pct", "random"]), found: z.boolean(), executions: count, cpuMs: z.number().min(0) })
    .optional()
    .describe("the same hunt under the other scheduler (informational; absent when not run)"),
  fixedExecutions: count.describe("executions of the fixed model under the race's shape"),
  fixedCpuMs: z.number().min(0).describe("CPU time of the fixed model's hunt"),
  fixedFindings: z.array(z.string()).describe("signatures the fixed model showed: must be none"),
  command: z.string().describe("the hunt command line (with the seed that found it, else the first)"),
});
export type RaceCheckRowJson = z.infer<typeof RaceCheckRowSchema>;

/** `faultsim races --check --json` (src/races/cli.ts). */
export const RacesCheckJsonSchema = z
  .object({
    schemaVersion: z.literal(OUTPUT_SCHEMA_VERSIONS.racesCheck),
    command: z.literal("races"),
    check: z.literal(true),
    rows: z.array(RaceCheckRowSchema).describe("a row per race checked, in catalogue order"),
    exitCode: int.min(0).max(1).describe("0: every race found and every fixed hunt clean, else 1 (also when interrupted)"),
    interrupted: z
      .string()
      .optional()
      .describe("the signal that stopped the check (SIGINT, SIGTERM, SIGHUP): rows holds the races checked before it; absent: not stopped"),
  })
  .describe("faultsim races --check --json");
export type RacesCheckJson = z.infer<typeof RacesCheckJsonSchema>;
