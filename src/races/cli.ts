// `faultsim races [--check]`: prints the race catalogue (catalogue.ts), or checks it (check.ts)
// and prints the table; exit 0 only when every race is found and every fixed hunt is clean.
import type { Command } from "commander";
import { flagOf, intOption } from "../options.js";
import { writeOut } from "../output.js";
import { UsageError } from "../errors.js";
import { stopOnSignals } from "../commands/out-dir.js";
import { RACES, FIXED_MODEL, checkExitCode, huntCommand, raceFixes } from "./catalogue.js";
import type { RaceCheckRow } from "./check.js";
import type { RacesCheckJson, RacesJson } from "../schema/outputs.js";
import { OUTPUT_SCHEMA_VERSIONS } from "../schema/versions.js";

interface RacesCli {
  check?: boolean;
  budgetExecutions: string;
  budgetMs: string;
  fixedExecutions: string;
  otherBudgetMs: string;
  seed: string;
  only?: string;
  json?: boolean;
}

/** The catalogue, one block per race. */
export function catalogueText(): string {
  const lines = ["races (faultsim races --check hunts each, then the fixed model with the same shape):", ""];
  for (const r of RACES) {
    lines.push(`${r.name}`);
    lines.push(`  kernels: ${r.kernels}`);
    const fixes = raceFixes(r).map((f) => (f.on ? f.flag : `${f.flag} off (the flag is the old code)`));
    lines.push(`  fix:     ${fixes.join(", together with ")}`);
    lines.push(`  route:   ${r.route}`);
    lines.push(`  find:    ${huntCommand(r.hunt)}${r.takes ? `  (route: ${r.takes})` : ""}`);
    lines.push(`  test:    ${r.test}`);
    lines.push("");
  }
  lines.push(`fixed model: ${FIXED_MODEL} (every fix on) must find nothing under each race's hunt shape`);
  return lines.join("\n") + "\n";
}

/** `faultsim races --json`: the catalogue (its schema: src/schema/outputs.ts RacesJsonSchema). */
export function catalogueJson(): RacesJson {
  return { schemaVersion: OUTPUT_SCHEMA_VERSIONS.races, command: "races", races: [...RACES], fixedModel: FIXED_MODEL };
}

/** The check's exit code: 0 only when every race asked for was checked, found, and its fixed
 *  hunt clean (a check a signal stopped has not shown that). */
const exitCodeOf = (rows: readonly RaceCheckRow[], interrupted?: string): number => (interrupted ? 1 : checkExitCode(rows));

/** `faultsim races --check --json`: the check's rows and exit code (RacesCheckJsonSchema);
 *  `interrupted`: the signal that stopped it. */
export function checkJson(rows: readonly RaceCheckRow[], interrupted?: string): RacesCheckJson {
  return {
    schemaVersion: OUTPUT_SCHEMA_VERSIONS.racesCheck,
    command: "races",
    check: true,
    rows: [...rows],
    exitCode: exitCodeOf(rows, interrupted),
    ...(interrupted ? { interrupted } : {}),
  };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}`;

/** The check's table, a row per race and a verdict line; `interrupted`: the signal that stopped
 *  it, and of how many races (`asked`) the rows are. */
export function checkTable(rows: readonly RaceCheckRow[], interrupted?: string, asked = rows.length): string {
  const head = ["race", "sched", "found", "executions", "CPU s", "seed", "other sched", "fixed model", "fixed execs", "fixed CPU s"];
  const body = rows.map((r) => [
    r.race,
    r.sched,
    r.found ? "yes" : "NO",
    String(r.executions),
    secs(r.cpuMs),
    r.seed === undefined ? "-" : String(r.seed),
    r.other ? `${r.other.sched}: ${r.other.found ? "yes" : "no"}, ${r.other.executions}, ${secs(r.other.cpuMs)} CPU s` : "-",
    r.fixedFindings.length === 0 ? "clean" : r.fixedFindings.join(" "),
    String(r.fixedExecutions),
    secs(r.fixedCpuMs),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(w[i]))
      .join("  ")
      .trimEnd();
  const out = [line(head), ...body.map(line)];
  for (const r of rows) for (const m of r.misses) out.push(`  ${r.race}: not counted: ${m}`);
  out.push(
    "CPU s: CPU seconds (user + system) to find it (seeds tried one after another, findings not shrunk); other sched: informational",
  );
  const ok = checkExitCode(rows) === 0;
  if (interrupted) {
    out.push(`interrupted by ${interrupted}: ${rows.length} of ${asked} races checked, the one under way dropped`);
  }
  out.push(
    interrupted
      ? "NOT every race checked"
      : ok
        ? rows.length === 1
          ? "the race found, its fixed hunt clean"
          : `all ${rows.length} races found, every fixed hunt clean`
        : "NOT every race found or every fixed hunt clean",
  );
  return out.join("\n") + "\n";
}

/** The options only `--check` reads, as the command line spells them. */
const CHECK_OPTIONS = ["budgetExecutions", "budgetMs", "fixedExecutions", "otherBudgetMs", "seed", "only"] as const;

async function racesCommand(o: RacesCli, cmd: Command): Promise<void> {
  if (!o.check) {
    // Given without --check, they would be ignored (a `--seed x` unread, exit 0): refused.
    const given = CHECK_OPTIONS.find((k) => cmd.getOptionValueSource(k) === "cli");
    if (given !== undefined) {
      throw new UsageError(`races: ${flagOf(given)} needs --check`);
    }
    await writeOut(o.json ? `${JSON.stringify(catalogueJson())}\n` : catalogueText());
    return;
  }
  const only = o.only?.split(",").map((s) => s.trim());
  for (const n of only ?? []) {
    if (!RACES.some((r) => r.name === n)) throw new UsageError(`races: --only: no race '${n}' (see faultsim races)`);
  }
  const opts = {
    budgetExecutions: intOption("budget-executions", o.budgetExecutions, 1, 1_000_000_000),
    budgetMs: intOption("budget-ms", o.budgetMs, 100, 3_600_000),
    fixedExecutions: intOption("fixed-executions", o.fixedExecutions, 1, 100_000_000),
    otherBudgetMs: intOption("other-budget-ms", o.otherBudgetMs, 0, 3_600_000),
    seed: intOption("seed", o.seed, 0, 0x7fffffff),
    only,
  };
  // The check hunts through the API (src/index.ts): loaded only when --check runs (cold start).
  const { checkRaces } = await import("./check.js");
  // SIGINT, SIGTERM and SIGHUP stop the check: the races checked so far are still printed.
  const stop = stopOnSignals();
  let rows: RaceCheckRow[];
  try {
    rows = await checkRaces({ ...opts, signal: stop.signal });
  } finally {
    stop.release();
  }
  const interrupted = stop.received();
  const asked = only?.length ?? RACES.length;
  await writeOut(o.json ? `${JSON.stringify(checkJson(rows, interrupted))}\n` : checkTable(rows, interrupted, asked));
  process.exitCode = exitCodeOf(rows, interrupted);
}

export function registerRacesCommand(program: Command): void {
  program
    .command("races")
    .description("the race catalogue; with --check, hunt each race and check the fixed model stays clean (exit 0 only if all hold)")
    .option("--check", "hunt each race on its model, then the fixed model with the same shape")
    .option("--budget-executions <n>", "executions allowed to find each race (over the seeds tried)", "2000000")
    .option(
      "--budget-ms <ms>",
      "CPU time (ms, user + system) allowed to find each race (a safety net behind --budget-executions)",
      "120000",
    )
    .option("--fixed-executions <n>", "executions of the fixed model per race", "200000")
    .option("--other-budget-ms <ms>", "CPU time (ms) of the same hunt under the other scheduler (informational; 0: skip)", "5000")
    .option("--seed <n>", "first seed of each hunt", "1")
    .option("--only <names>", "only these races (comma-separated)")
    .option("--json", "print one JSON object on stdout")
    .action(racesCommand);
}
