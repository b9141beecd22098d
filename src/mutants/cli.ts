// `npm run mutants` (node dist/src/mutants/cli.js): the mutation score of the hunt. Builds the
// model with each planted bug of table.ts and hunts it with `faultsim hunt --model
// linux-2.4.16-fixed --mix all` for a CPU budget each (after the unmutated tree, which must
// survive it); prints a line per mutant, the score and the survivors. A developer tool, not
// part of the faultsim command (needs the checkout: assembly/, asc, dist/).
//
//   npm run mutants -- [--only ID,...] [--budget-ms 10000] [--seed 1] [--jobs 1] [--json FILE]
//                      [--min-score 0.95] [--no-baseline] [--keep] [--list]
//
// Exit: 0 the score reached --min-score; 1 it did not; 2 bad usage; 3 the unmutated tree did
// not survive, or a mutant did not build (a bug of the table or of the tree).
import { existsSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { UsageError } from "../errors.js";
import { exitCodeWith, guardOutput } from "../output.js";
import { fractionOption, intOption, seedOption, MS_MAX, listOption } from "../options.js";
import { MutantsJsonSchema, type MutantsJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";
import { MUTANT_HUNT_ARGS } from "./hunt.js";
import { runMutants, scoreOf, type MutantResult } from "./run.js";
import { MUTANTS, type Mutant } from "./table.js";

interface MutantsCli {
  only: string[];
  budgetMs: string;
  seed: string;
  jobs: string;
  json?: string;
  minScore: string;
  baseline: boolean;
  keep?: boolean;
  list?: boolean;
}

const secs = (ms: number | undefined): string => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

/** One line per result, as it comes in. */
export function resultLine(r: MutantResult, m: Mutant | undefined): string {
  const h = r.hunt;
  const what =
    r.outcome === "caught"
      ? `${h?.signature ?? "?"} (execution ${h?.execution ?? "?"})`
      : r.outcome === "survived"
        ? `nothing in ${h?.executions ?? "?"} executions`
        : (r.error ?? "");
  const eq = m?.equivalent ? " [argued equivalent]" : "";
  return `${r.outcome.padEnd(12)} ${r.id.padEnd(32)} ${secs(h?.cpuMs).padStart(7)} CPU  ${what}${eq}`;
}

function mutantsJson(
  o: { budgetMs: number; seed: number; jobs: number },
  res: Awaited<ReturnType<typeof runMutants>>,
  mutants: readonly Mutant[],
): MutantsJson {
  const byId = new Map(mutants.map((m) => [m.id, m]));
  const row = (r: MutantResult) => {
    const m = byId.get(r.id);
    return {
      id: r.id,
      ...(m ? { class: m.class, kernel: m.kernel, files: [...new Set(m.edits.map((e) => e.file))] } : {}),
      ...(m?.equivalent ? { equivalent: m.equivalent } : {}),
      outcome: r.outcome,
      ...(r.hunt?.signature !== undefined ? { signature: r.hunt.signature } : {}),
      ...(r.hunt?.execution !== undefined ? { execution: r.hunt.execution } : {}),
      ...(r.hunt?.executions !== undefined ? { executions: r.hunt.executions } : {}),
      ...(r.hunt ? { cpuMs: r.hunt.cpuMs, wallMs: r.hunt.wallMs } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
  };
  const s = scoreOf(res.results, mutants);
  return MutantsJsonSchema.parse({
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.mutants,
    command: "mutants",
    hunt: `faultsim hunt ${MUTANT_HUNT_ARGS.join(" ")}`,
    budgetCpuMs: o.budgetMs,
    seed: o.seed,
    jobs: o.jobs,
    ...(res.baseline ? { baseline: row(res.baseline) } : {}),
    mutants: res.results.map(row),
    score: s,
  });
}

/** Writes text to a new file (never replacing one) through a temp file and a rename. */
function writeNew(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { flag: "wx" });
  renameSync(tmp, file);
}

async function mutantsCommand(o: MutantsCli): Promise<number> {
  if (o.list) {
    for (const m of MUTANTS) {
      process.stdout.write(`${m.id.padEnd(32)} ${m.class.padEnd(22)} ${m.kernel}${m.equivalent ? " [argued equivalent]" : ""}\n`);
    }
    return 0;
  }
  const budgetMs = intOption("budget-ms", o.budgetMs, 100, MS_MAX);
  const seed = seedOption(o.seed);
  const jobs = intOption("jobs", o.jobs, 1, 64);
  const minScore = fractionOption("min-score", o.minScore);
  for (const id of o.only) if (!MUTANTS.some((m) => m.id === id)) throw new UsageError(`--only: no mutant '${id}' (see --list)`);
  const mutants = o.only.length > 0 ? MUTANTS.filter((m) => o.only.includes(m.id)) : MUTANTS;
  if (o.json !== undefined) {
    const dir = path.dirname(path.resolve(o.json));
    if (existsSync(o.json)) throw new UsageError(`--json: ${o.json} exists (a new file is written, never an existing one)`);
    if (!existsSync(dir)) throw new UsageError(`--json: no directory ${dir}`);
  }
  process.stdout.write(
    `mutants: ${mutants.length} planted bugs, each hunted with \`faultsim hunt ${MUTANT_HUNT_ARGS.join(" ")} --seed ${seed}\` for ${secs(budgetMs)} of CPU` +
      `${o.baseline ? " (the unmutated tree first)" : ""}, ${jobs} at a time\n`,
  );
  const res = await runMutants({
    mutants,
    budgetMs,
    seed,
    jobs,
    baseline: o.baseline,
    keep: o.keep,
    onResult: (r, m) => process.stdout.write(`${resultLine(r, m)}\n`),
  });
  if (o.keep) process.stdout.write(`builds kept in ${res.workDir}\n`);
  const s = scoreOf(res.results, mutants);
  const pct = (s.score * 100).toFixed(1);
  process.stdout.write(
    `\nmutation score: ${s.caught} of ${s.scored} caught (${pct}%)` +
      (s.equivalent ? `; ${s.equivalent} argued equivalent, not scored` : "") +
      "\n",
  );
  process.stdout.write(s.survivors.length ? `survivors: ${s.survivors.join(", ")}\n` : "survivors: none\n");
  if (o.json !== undefined) writeNew(o.json, JSON.stringify(mutantsJson({ budgetMs, seed, jobs }, res, mutants)) + "\n");
  const broken = res.results.filter((r) => r.outcome === "build-failed");
  if (res.baseline && res.baseline.outcome !== "survived") {
    process.stderr.write(
      `mutants: the unmutated tree did not survive the budget (${res.baseline.outcome}: ${res.baseline.hunt?.signature ?? res.baseline.error ?? ""}): no score means anything\n`,
    );
    return 3;
  }
  if (broken.length > 0) {
    process.stderr.write(`mutants: ${broken.map((r) => r.id).join(", ")} did not build\n`);
    return 3;
  }
  return s.score >= minScore ? 0 : 1;
}

export function buildMutantsProgram(run: (o: MutantsCli) => Promise<void>): Command {
  return new Command("mutants")
    .description("the mutation score of `faultsim hunt --mix all`: planted bugs built and hunted one by one")
    .option("--only <ids>", "only these mutants (comma-separated, repeatable)", listOption("--only"), [] as string[])
    .option("--budget-ms <ms>", "CPU budget of each hunt", "10000")
    .option("--seed <n>", "the hunts' seed", "1")
    .option("--jobs <n>", "mutants built and hunted at the same time (one process each)", "1")
    .option("--json <file>", "also write the results as JSON to FILE (a new file)")
    .option("--min-score <p>", "exit 1 below this score", "0.95")
    .option("--no-baseline", "do not hunt the unmutated tree first")
    .option("--keep", "keep each mutant's sources, build and repro files")
    .option("--list", "list the mutants and exit")
    .exitOverride()
    .action(run);
}

async function main(): Promise<number> {
  let code = 0;
  try {
    await buildMutantsProgram(async (o) => {
      code = await mutantsCommand(o);
    }).parseAsync(process.argv);
    return code;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    if (e.code?.startsWith("commander.")) return 2; // commander printed the line
    if (err instanceof UsageError) {
      process.stderr.write(`mutants: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`mutants: internal error: ${e.message}\n`);
    return 3;
  }
}

// A closed stdout (`npm run mutants -- --list | head`) ends quietly, a full one is one line and
// exit 2, as for the faultsim commands (src/output.ts): unguarded, EPIPE was a stack trace.
let done: number | undefined;
guardOutput(() => {
  if (done !== undefined) process.exitCode = exitCodeWith(done);
});
done = await main();
process.exitCode = exitCodeWith(done);
