// The report of a repro: what broke, the CPU-column diagram and the KCSAN-style report
// (src/report/finding.ts, as `faultsim replay` draws them), and the stepper (steps.ts data,
// client.ts script): each CPU's procedure stack and locks, the ptes, swap_map, the swap cache
// and the page frames after every step, the violated invariant marked where it broke.
import path from "node:path";
import type { Backend } from "../../wasm/engine.js";
import { ENTRY_SHIFT_PTE, FRAME_SHIFT_PTE, PG, PTE, STACK_FRAMES, SWAP_MAP_BAD, SWP_OFFSET_MASK, SWP_TYPE_SHIFT } from "../../wasm/abi.js";
import type { Repro } from "../repro.js";
import { replayTraced, type ScheduleFill } from "../../explore/replay.js";
import { drawReplay } from "../finding.js";
import { fmtOp } from "../diagram.js";
import { AGENT_STATES, PAGE_FLAGS, stepperData } from "./steps.js";
import type { ClientAbi, ReportData } from "./client.js";
import { esc } from "./page.js";

/** The page's note on a schedule that ended before its execution (replay's fillNote). */
export function fillSentence(f: ScheduleFill): string {
  const steps = f.steps === 1 ? `step ${f.from} was` : `steps ${f.from}-${f.from + f.steps - 1} were`;
  return `The recorded schedule ends at step ${f.from}, before the execution did: ${steps} filled running to completion, not recorded.`;
}

export async function reproPage(
  r: Repro,
  file: string,
  backend: Backend = "wasm",
): Promise<{ title: string; body: string; data: ReportData }> {
  const t = await replayTraced(r, undefined, backend);
  const diagram = drawReplay(r, t);
  const kcsan = t.verdict ? drawReplay(r, t, { format: "kcsan" }) : "";
  const steps = await stepperData(r, backend, path.basename(file));
  const opText: Record<string, string> = {};
  for (const ops of r.ops) for (const op of ops) opText[String(op)] = fmtOp(op);
  const abi: ClientAbi = {
    frameShift: FRAME_SHIFT_PTE,
    entryShift: ENTRY_SHIFT_PTE,
    typeShift: SWP_TYPE_SHIFT,
    offsetMask: SWP_OFFSET_MASK,
    ptePresent: PTE.PRESENT,
    pteRw: PTE.RW,
    pgLocked: PG.LOCKED,
    pgSwapCache: PG.SWAPCACHE,
    swapMapBad: SWAP_MAP_BAD,
    pageFlags: PAGE_FLAGS,
    agentStates: AGENT_STATES,
    stackFrames: STACK_FRAMES,
    opText,
  };
  const m = r.machine;
  const title = `faultsim repro: ${r.signature}`;
  const v = steps.violation;
  const outcome = !v
    ? "The replay ran to the end without a violation: this model build no longer fails on it."
    : steps.reproduced
      ? `It breaks after step ${v.step - 1} (the last of ${steps.steps.length}).`
      : `The replay broke something else than the file's signature: ${esc(v.id)}.`;
  const body = `
<h1>${esc(title)}</h1>
<p class="meta">${esc(path.basename(file))}: model ${esc(r.model)} (${esc(r.flagNames.join(", ") || "no flags")}); ${m.cpus} CPUs${
    m.kswapd ? " + kswapd" : ""
  }, ${m.frames} frames, ${m.mms} mm × ${m.pagesPerMm} pages, ${m.areas} swap area × ${m.slotsPerArea} slots; seed ${r.seed}</p>
<p class="meta"><strong>${esc(r.violation.id)}</strong>: ${esc(r.violation.message)}</p>
<p class="meta">${outcome}${steps.diverged ? " The recorded schedule no longer fits the model: it was repaired run-to-completion." : ""}${
    t.filled && !steps.diverged ? ` ${fillSentence(t.filled)}` : ""
  }</p>
<h2>Diagram</h2>
<pre id="diagram">${esc(diagram)}</pre>
${kcsan ? `<h2>As KCSAN would print it</h2>\n<pre id="kcsan">${esc(kcsan)}</pre>` : ""}
<h2>Step by step</h2>
<div class="controls">
  <button id="step-first" title="Home">|◀ first</button>
  <button id="step-prev" title="←">◀ back</button>
  <button id="step-next" title="→">next ▶</button>
  <button id="step-last" title="End">last ▶|</button>
  <button id="step-violation" title="v">to the violation</button>
  <span id="step-label"></span>
  <input id="step-range" type="range" min="0" max="0" value="0" aria-label="step">
</div>
<p class="hint">Keys: ← → a step, Home / End, v the violation. Yellow: changed by the step just run; red: what the broken invariant names, at the step it broke.</p>
<div id="violation" hidden></div>
<div id="step-events"></div>
<h3>Agents: state, op, procedure stack (outermost first, [section]), locks held</h3>
<table id="agents"></table>
<div class="grid">
<div><h3>Locks taken</h3><ul id="locks"></ul><h3>Counters</h3><ul id="counters"></ul></div>
<div><h3>Swap cache</h3><table id="swap-cache"></table></div>
</div>
<h3>Page tables (ptes)</h3>
<table id="ptes"></table>
<h3>swap_map (the count of each slot)</h3>
<table id="swap-map"></table>
<h3>Page frames</h3>
<table id="frames"></table>
`;
  return { title, body, data: { plots: [], stepper: { ...steps, abi } } };
}
