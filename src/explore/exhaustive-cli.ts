// `faultsim hunt --sched exhaustive`: the bounded proof of exhaustive.ts on one op list (given
// with --op-list, or execution 0's of --seed as the hunt generates them), or with
// --exhaustive-ops N on every op list of N reads and writes per CPU. Ends in "no violation
// with ≤ K preemptions for these ops" (exit 0) or the first violation with the fewest
// preemptions, drawn and written as a repro that `faultsim replay` replays (exit 1).
import { UsageError, InternalError } from "../errors.js";
import { intOption } from "../options.js";
import { OP, makeOp } from "../wasm/abi.js";
import { fmtCount as num } from "../report/text.js";
import { faultsimVersion, modelId } from "../report/version.js";
import { modelOutput } from "../model/models.js";
import {
  REPRO_FORMAT,
  REPRO_FORMAT_VERSION,
  reproSchemaVersion,
  reproFlags,
  encodeSchedule,
  writeRepro,
  type Repro,
  type ReproMachine,
} from "../report/repro.js";
import { drawReplay, type DrawOptions } from "../report/finding.js";
import { OUTPUT_SCHEMA_VERSIONS, type HuntExhaustiveJson } from "../schema/outputs.js";
import type { HuntOptions } from "./hunt-options.js";
import { Replayer } from "./execute.js";
import { replayTraced } from "./replay.js";
import { executionSeed, huntOps } from "./workload.js";
import { HUNT_OPCAP } from "./machine.js";
import { exhaustive, ExhaustiveSearch, forEachOpWords, opsOfWord, type ExhaustiveResult } from "./exhaustive.js";
import { fmtOp } from "../report/diagram.js";

/** Highest --preemptions (beyond it nothing finishes on any machine a hunt can have). */
export const MAX_PREEMPTIONS = 16;
/** Highest --exhaustive-ops. */
export const MAX_SWEEP_OPS = 4;

/** --op-list: CPUs separated by `/`, ops by spaces or commas, `r<page>` a read and `w<page>` a
 *  write of that page (of mm 0 with threads, else of the CPU's mm). */
export function parseOpList(spec: string, machine: ReproMachine, threads: boolean): number[][] {
  const cpus = spec.split("/").map((s) => s.trim());
  if (cpus.length !== machine.cpus) {
    throw new UsageError(`--op-list ${spec}: ${cpus.length} op lists for ${machine.cpus} CPUs (one per CPU, separated by /)`);
  }
  const lists = cpus.map((text, cpu) => {
    const words = text.split(/[\s,]+/).filter((w) => w !== "");
    if (words.length > HUNT_OPCAP) throw new UsageError(`--op-list: CPU${cpu} has ${words.length} ops (at most ${HUNT_OPCAP})`);
    return words.map((w) => {
      const m = /^([rw])(\d+)$/.exec(w);
      const page = m ? Number(m[2]) : -1;
      if (!m || page >= machine.pagesPerMm) {
        throw new UsageError(`--op-list: '${w}' is not r<page> or w<page> with a page below ${machine.pagesPerMm}`);
      }
      return makeOp(m[1] === "w" ? OP.WRITE : OP.READ, threads ? 0 : cpu % machine.mms, page);
    });
  });
  // Every CPU idle leaves nothing to search: "no violation" would say nothing.
  if (lists.every((l) => l.length === 0)) throw new UsageError(`--op-list ${spec}: no CPU has an op`);
  return lists;
}

export interface ExhaustiveCli {
  preemptions: string;
  opList?: string;
  exhaustiveOps?: string;
}

const opsText = (ops: readonly (readonly number[])[]): string =>
  ops.map((o, cpu) => `CPU${cpu}: ${o.length ? o.map(fmtOp).join(", ") : "(nothing)"}`).join("; ");

/** Runs `hunt --sched exhaustive` with the hunt's resolved options (machine, model, budget). */
export async function exhaustiveCommand(
  o: HuntOptions,
  cli: ExhaustiveCli,
  out: string,
  view: { json?: boolean } & DrawOptions,
  signal: AbortSignal,
): Promise<number> {
  const K = intOption("preemptions", cli.preemptions, 0, MAX_PREEMPTIONS);
  const sweepN = cli.exhaustiveOps === undefined ? undefined : intOption("exhaustive-ops", cli.exhaustiveOps, 1, MAX_SWEEP_OPS);
  if (sweepN !== undefined && cli.opList !== undefined) throw new UsageError("--exhaustive-ops and --op-list cannot be given together");
  if (o.mix) throw new UsageError("--sched exhaustive explores reads and writes only: --mix cannot be given with it");
  const seed = executionSeed(o.seed, 0);
  const lists: number[][][] = [];
  if (sweepN !== undefined) {
    const p = o.machine.pagesPerMm;
    forEachOpWords(o.machine.cpus, sweepN, 2 * p, (w) => {
      lists.push(
        w.map((x, cpu) =>
          opsOfWord(x, sweepN, p, o.shareMm ? 0 : cpu % o.machine.mms, (wr, mm, pg) => makeOp(wr ? OP.WRITE : OP.READ, mm, pg)),
        ),
      );
      return lists.length <= 1_000_000;
    });
  } else if (cli.opList !== undefined) lists.push(parseOpList(cli.opList, o.machine, o.shareMm));
  else
    lists.push(
      huntOps(
        {
          cpus: o.machine.cpus,
          opsPerCpu: o.opsPerCpu,
          pagesPerMm: o.machine.pagesPerMm,
          mms: o.machine.mms,
          shareMm: o.shareMm,
          writeRatio: o.writeRatio,
        },
        seed,
      ),
    );

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const engine = await ExhaustiveSearch.engine(o.machine, o.model, o.backend);
  const results: { ops: number[][]; r: ExhaustiveResult }[] = [];
  let found: { ops: number[][]; r: ExhaustiveResult } | undefined;
  for (const ops of lists) {
    const left = o.budgetMs - (performance.now() - t0);
    if (left <= 0 || signal.aborted) break;
    const r = await exhaustive({
      flags: o.model.flags,
      flags2: o.model.flags2,
      machine: o.machine,
      ops,
      preemptions: K,
      seed,
      backend: o.backend,
      budgetMs: left,
      signal,
      engine,
    });
    results.push({ ops, r });
    if (r.violation) {
      found = { ops, r };
      break;
    }
    if (r.interrupted) break;
    await new Promise((resolve) => setImmediate(resolve)); // a Ctrl-C between op lists
  }
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const complete = results.length === lists.length && results.every((x) => x.r.reached === K);

  let repro: Repro | undefined;
  let file: string | undefined;
  let diagram: string | undefined;
  if (found?.r.violation) {
    const v = found.r.violation;
    const rep = await Replayer.create(o.machine, o.model, o.backend);
    const again = rep.run({ ops: found.ops, seed, schedule: v.schedule }, { repair: false });
    if (again.verdict?.signature !== v.verdict.signature) {
      throw new InternalError(
        `the exhaustive search found ${v.verdict.signature} but its replay ${again.verdict ? `found ${again.verdict.signature}` : "found nothing"}`,
      );
    }
    const id = modelId(o.backend);
    repro = {
      format: REPRO_FORMAT,
      formatVersion: REPRO_FORMAT_VERSION,
      schemaVersion: reproSchemaVersion(o.model, o.machine),
      faultsim: faultsimVersion(),
      ...(id ? { modelId: id } : {}),
      model: o.model.name,
      ...reproFlags(o.model),
      machine: o.machine,
      sched: { kind: "exhaustive", preemptions: v.preemptions },
      seed,
      ops: found.ops,
      schedule: encodeSchedule(v.schedule),
      signature: v.verdict.signature,
      violation: { id: v.verdict.id, message: v.verdict.message },
    };
    const r = repro;
    try {
      file = writeRepro(out, r);
    } catch (err) {
      process.stderr.write(
        `faultsim: --out ${out}: cannot write the repro file (${(err as { code?: string }).code ?? (err as Error).message}); the repro follows\n${JSON.stringify(r)}\n`,
      );
    }
    diagram = drawReplay(r, await replayTraced(r, rep), view);
  }

  const sum = (f: (r: ExhaustiveResult) => number) => results.reduce((n, x) => n + f(x.r), 0);
  const schedules = sum((r) => r.schedules);
  const states = sum((r) => r.states);
  const steps = sum((r) => r.steps);
  const verdictLine = found?.r.violation
    ? `violation with ${found.r.violation.preemptions} preemption${found.r.violation.preemptions === 1 ? "" : "s"} (none with fewer for these ops): ${found.r.violation.verdict.signature}`
    : complete
      ? `no violation with ≤ ${K} preemptions for ${lists.length === 1 ? "these ops" : `these ${num(lists.length)} op lists`}`
      : `incomplete: the budget or a signal stopped the search (${results.length} of ${num(lists.length)} op lists; the last reached ${results.at(-1)?.r.reached ?? -1} preemptions)`;
  if (view.json) {
    const json: HuntExhaustiveJson = {
      schemaVersion: OUTPUT_SCHEMA_VERSIONS.huntExhaustive,
      command: "hunt",
      sched: "exhaustive",
      version: faultsimVersion(),
      modelId: modelId(o.backend) ?? null,
      model: modelOutput(o.model),
      machine: o.machine,
      preemptions: K,
      opLists: lists.length,
      explored: results.map((x) => ({ ops: x.ops, reached: x.r.reached, bounds: x.r.bounds })),
      schedules,
      states,
      steps,
      elapsedMs: performance.now() - t0,
      cpuMs,
      complete,
      verdict: verdictLine,
      violation: found?.r.violation
        ? {
            preemptions: found.r.violation.preemptions,
            signature: found.r.violation.verdict.signature,
            id: found.r.violation.verdict.id,
            message: found.r.violation.verdict.message,
            file: file ?? null,
            diagram: diagram ?? "",
          }
        : null,
    };
    process.stdout.write(JSON.stringify(json) + "\n");
  } else {
    const m = o.machine;
    const lines = [
      `exhaustive ${o.model.name} (${o.model.flagNames.join(", ") || "no flags"}): ${m.cpus} CPUs${m.kswapd ? " + kswapd" : ""}, ${m.frames} frames, ${m.slotsPerArea} slots; ` +
        `every schedule with ≤ ${K} preemptions (iterative preemption bounding, states cached, no partial-order reduction)`,
      sweepN !== undefined
        ? `op lists: every ${sweepN} reads/writes per CPU over ${m.pagesPerMm} pages, up to CPU renaming: ${num(lists.length)}`
        : `ops: ${opsText(lists[0])}`,
      "",
    ];
    if (results.length === 1) {
      for (const b of results[0].r.bounds) {
        lines.push(
          `  ≤ ${b.preemptions} preemptions: ${num(b.schedules)} schedules, ${num(b.states)} distinct states, ${num(b.pruned)} cut at a visited state, ${num(b.steps)} steps, ${(b.cpuMs / 1000).toFixed(2)} CPU s${b.complete ? "" : results[0].r.violation && b === results[0].r.bounds.at(-1) ? " (a violation: stopped there)" : " (stopped)"}`,
        );
      }
    }
    lines.push(`schedules ${num(schedules)}, distinct states ${num(states)}, steps ${num(steps)} in ${(cpuMs / 1000).toFixed(2)} CPU s`);
    if (found) lines.push(`op list: ${opsText(found.ops)}`);
    if (diagram)
      lines.push("", diagram, "", `repro: ${file ?? "(not written)"}`, ...(file ? [`  replay with: faultsim replay ${file}`] : []));
    lines.push("", verdictLine);
    process.stdout.write(lines.join("\n") + "\n");
  }
  return found ? 1 : 0;
}
