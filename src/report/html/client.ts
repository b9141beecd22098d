// The HTML report's script, run in the browser. page.ts inlines it as the source text of
// reportClient (Function.prototype.toString), so it must stay self-contained: nothing from
// outside the function but the browser's globals and uPlot (inlined before it). It reads the
// report's data from <script id="report-data" type="application/json">, draws the plots, and
// runs the repro stepper. performance marks "faultsim-start" and "faultsim-plotted" time it;
// body[data-ready] is set once everything is drawn.
import type { StepperData } from "./steps.js";

/** A plot as page.ts hands it to the page: uPlot's aligned data (x first). */
export interface PlotSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Seconds or steps: the x axis is never a date. */
  series: { label: string; color: string; dash?: boolean; scale?: string; points?: boolean }[];
  data: (number | null)[][];
  /** A second y axis on the right for series whose scale is "right". */
  rightLabel?: string;
  /** The y axes start at 0 (a rate, a count). */
  fromZero?: boolean;
}

/** The data a page carries. */
export interface ReportData {
  plots: PlotSpec[];
  stepper?: StepperData & { abi: ClientAbi };
}

/** The ABI numbers the stepper decodes state with (src/wasm/abi.ts), handed over. */
export interface ClientAbi {
  frameShift: number;
  entryShift: number;
  typeShift: number;
  offsetMask: number;
  ptePresent: number;
  pteRw: number;
  pgLocked: number;
  pgSwapCache: number;
  swapMapBad: number;
  pageFlags: [string, number][];
  agentStates: string[];
  stackFrames: number;
  /** Op words the repro's CPUs run, in words (fmtOp). */
  opText: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: uPlot's iife is a global of the page
declare const uPlot: any;

export function reportClient(): void {
  performance.mark("faultsim-start");
  const el = document.getElementById("report-data");
  const data: ReportData = JSON.parse(el ? (el.textContent ?? "{}") : "{}");

  function h(tag: string, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
    const e = document.createElement(tag);
    for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    for (const c of children) e.append(c);
    return e;
  }

  // ---- plots ---------------------------------------------------------------------------
  /** 1500 → "1.5K", 50000000 → "50M": tick labels that fit. */
  function compact(v: number): string {
    const a = Math.abs(v);
    const [d, unit] = a >= 1e9 ? [1e9, "G"] : a >= 1e6 ? [1e6, "M"] : a >= 1e4 ? [1e3, "K"] : [1, ""];
    return `${+(v / d).toFixed(2)}${unit}`;
  }
  const ticks = (_u: unknown, vals: number[]) => vals.map((v) => (v === null ? "" : compact(v)));

  function drawPlot(p: PlotSpec): void {
    const host = document.getElementById(p.id);
    if (!host) return;
    const width = Math.max(320, Math.min(1100, host.clientWidth || 900));
    const right = p.series.some((s) => s.scale === "right");
    const axes: object[] = [
      { label: p.xLabel, stroke: "#333", grid: { stroke: "#eee" }, values: ticks },
      { label: p.yLabel, stroke: "#333", grid: { stroke: "#eee" }, size: 60, values: ticks },
    ];
    if (right)
      axes.push({ scale: "right", side: 1, label: p.rightLabel ?? "", stroke: "#333", grid: { show: false }, size: 50, values: ticks });
    const opts = {
      title: p.title,
      width,
      height: 260,
      scales: {
        x: { time: false },
        ...(p.fromZero
          ? {
              y: { range: (_u: unknown, _min: number, max: number) => [0, max > 0 ? max * 1.05 : 1] },
              right: { range: (_u: unknown, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] },
            }
          : {}),
      },
      axes,
      series: [
        { label: p.xLabel },
        ...p.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: true,
          ...(s.dash ? { dash: [6, 4] } : {}),
          ...(s.scale ? { scale: s.scale } : {}),
          points: { show: s.points === true, size: 6 },
        })),
      ],
    };
    new uPlot(opts, p.data, host);
  }

  // ---- the stepper ---------------------------------------------------------------------
  function stepper(d: NonNullable<ReportData["stepper"]>): void {
    const L = d.layout;
    const A = d.abi;
    const N = d.steps.length;
    const state = Int32Array.from(d.initial);
    let at = 0; // steps applied: the state after step `at` (0: before the first)

    const entryText = (e: number) => `E${e >>> A.typeShift}:${e & A.offsetMask}`;
    const agentName = (a: number) => L.agents[a] ?? `agent ${a}`;
    const procName = (p: number) => d.procNames[p] ?? `proc${p}`;

    function goTo(k: number): void {
      k = Math.max(0, Math.min(N, k));
      if (k < at) {
        state.set(d.initial);
        at = 0;
      }
      for (; at < k; at++) {
        const delta = d.steps[at].delta;
        for (let i = 0; i < delta.length; i += 2) state[delta[i]] = delta[i + 1];
      }
      render();
    }

    // What the violation names, as the cells it marks.
    const objects = d.violation ? d.violation.objects : [];
    const namedEntries = new Set(objects.filter((o) => /^E\d+:\d+$/.test(o)));
    const namedPages = new Set(objects.filter((o) => o.startsWith("page ")).map((o) => Number(o.slice(5))));
    const namedVpages = new Set(objects.filter((o) => o.startsWith("mm")));

    function pteText(pte: number): { text: string; entry?: string; frame?: number } {
      if (pte === 0) return { text: "·" };
      if ((pte & A.ptePresent) !== 0) {
        const f = pte >>> A.frameShift;
        return { text: `page ${f}${(pte & A.pteRw) !== 0 ? " rw" : ""}`, frame: f };
      }
      const e = entryText(pte >>> A.entryShift);
      return { text: e, entry: e };
    }

    function cell(text: string, cls: string[]): HTMLElement {
      return h("td", cls.length ? { class: cls.join(" ") } : {}, text);
    }

    function render(): void {
      const changed = new Set<number>();
      if (at > 0) {
        const delta = d.steps[at - 1].delta;
        for (let i = 0; i < delta.length; i += 2) changed.add(delta[i]);
      }
      const broken = d.violation !== undefined && at === d.violation.step;
      const mark = (idx: number, hit: boolean): string[] => [
        ...(changed.has(idx) ? ["changed"] : []),
        ...(broken && hit ? ["broken"] : []),
      ];

      // Where we are, and what the step did.
      const label = document.getElementById("step-label");
      if (label) label.textContent = at === 0 ? `before step 0 (of ${N})` : `after step ${at - 1} (${at} of ${N})`;
      const range = document.getElementById("step-range") as HTMLInputElement | null;
      if (range) range.value = String(at);
      const what = document.getElementById("step-events");
      if (what) {
        what.replaceChildren();
        if (at === 0) what.append(h("p", {}, "Before the first step: every CPU has its ops queued."));
        else {
          const s = d.steps[at - 1];
          what.append(h("p", {}, `Step ${at - 1} ran ${agentName(s.agent)}.`));
          const ul = h("ul", {});
          for (const ev of s.events) ul.append(h("li", {}, ev));
          if (s.events.length === 0) ul.append(h("li", { class: "quiet" }, "(no event traced: a section that only moved on)"));
          what.append(ul);
        }
      }
      const banner = document.getElementById("violation");
      if (banner) {
        banner.hidden = !broken;
        if (broken && d.violation) {
          banner.dataset.invariant = d.violation.id;
          banner.textContent = `✖ invariant ${d.violation.id} broken${d.violation.agent >= 0 ? ` by ${agentName(d.violation.agent)}` : " (found by the check at rest)"}: ${d.violation.message}`;
        }
      }

      // Each agent: state, op, stack, locks held.
      const agents = document.getElementById("agents");
      if (agents) {
        const head = h("tr", {}, h("th", {}, ""));
        const rows = ["state", "op", "stack", "locks held"].map((k) => h("tr", {}, h("th", {}, k)));
        for (let a = 0; a < L.agents.length; a++) {
          const o = L.agentAt + a * L.agentWords;
          const running = at > 0 && d.steps[at - 1].agent === a;
          head.append(h("th", running ? { class: "running" } : {}, agentName(a) + (running ? " ◀" : "")));
          const st = A.agentStates[state[o]] ?? String(state[o]);
          const bkl = state[o + 2];
          rows[0].append(cell(st + (bkl > 0 ? `, BKL×${bkl}` : ""), mark(o, false).concat(mark(o + 2, false))));
          const op = state[o + 1];
          // An idle or finished agent keeps the word of the op it ran last.
          const opWords = op === 0 ? "—" : (A.opText[String(op)] ?? `op ${op}`);
          const past = op !== 0 && (st === "idle" || st === "done" || st === "starved");
          rows[1].append(cell(past ? `(last: ${opWords})` : opWords, mark(o + 1, false)));
          const sp = state[o + 3];
          const stack = h("td", { class: "stack" });
          const frameChanged = changed.has(o + 3) || Array.from({ length: sp }, (_, i) => changed.has(o + 4 + 2 * i + 1)).some(Boolean);
          if (frameChanged) stack.classList.add("changed");
          if (sp === 0) stack.append(h("span", { class: "quiet" }, "(idle)"));
          for (let i = 0; i < sp; i++) {
            const proc = state[o + 4 + 2 * i];
            const pc = state[o + 5 + 2 * i];
            stack.append(h("div", i === sp - 1 ? { class: "top" } : {}, `${"  ".repeat(i)}${procName(proc)} [${pc}]`));
          }
          rows[2].append(stack);
          const held: string[] = [];
          for (let k = 0; k < L.locks.length; k++) if (state[L.locksAt + k] === a + 1) held.push(L.locks[k]);
          rows[3].append(cell(held.length ? held.join(", ") : "—", []));
        }
        agents.replaceChildren(h("thead", {}, head), h("tbody", {}, ...rows));
      }

      // Locks: every lock word that is taken, and the locked pages (a page lock has no owner).
      const locks = document.getElementById("locks");
      if (locks) {
        const items: HTMLElement[] = [];
        for (let k = 0; k < L.locks.length; k++) {
          const idx = L.locksAt + k;
          const w = state[idx];
          if (w === 0) continue;
          const who = w > 0 ? `held by ${agentName(w - 1)}` : `read-held by ${-w}`;
          items.push(h("li", changed.has(idx) ? { class: "changed" } : {}, `${L.locks[k]}: ${who}`));
        }
        for (let f = 0; f < L.frames; f++) {
          const idx = L.framesAt + 3 * f + 1;
          if ((state[idx] & A.pgLocked) !== 0)
            items.push(h("li", { class: mark(idx, namedPages.has(f)).join(" ") }, `page ${f}: PG_locked`));
        }
        if (items.length === 0) items.push(h("li", { class: "quiet" }, "no lock is held"));
        locks.replaceChildren(...items);
      }

      // The ptes, one row per mm.
      const ptes = document.getElementById("ptes");
      if (ptes) {
        const head = h("tr", {}, h("th", {}, "mm \\ page"));
        for (let p = 0; p < L.pages; p++) head.append(h("th", {}, String(p)));
        const body: HTMLElement[] = [];
        for (let mm = 0; mm < L.mms; mm++) {
          const tr = h("tr", {}, h("th", {}, `mm${mm}`));
          for (let p = 0; p < L.pages; p++) {
            const idx = L.ptesAt + mm * L.pages + p;
            const t = pteText(state[idx]);
            const hit =
              namedVpages.has(`mm${mm}[${p}]`) ||
              (t.entry !== undefined && namedEntries.has(t.entry)) ||
              (t.frame !== undefined && namedPages.has(t.frame));
            tr.append(cell(t.text, mark(idx, hit)));
          }
          body.push(tr);
        }
        ptes.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
      }

      // swap_map, one row per area (slot 0 is the header).
      const map = document.getElementById("swap-map");
      if (map) {
        const head = h("tr", {}, h("th", {}, "area \\ slot"));
        for (let s = 0; s < L.slots; s++) head.append(h("th", {}, String(s)));
        const body: HTMLElement[] = [];
        for (let a = 0; a < L.areas; a++) {
          const tr = h("tr", {}, h("th", {}, `area ${a}`));
          for (let s = 0; s < L.slots; s++) {
            const idx = L.swapMapAt + a * L.slots + s;
            const v = state[idx];
            const text = s === 0 ? "hdr" : v === A.swapMapBad ? "bad" : v === 0 ? "·" : String(v);
            tr.append(cell(text, mark(idx, namedEntries.has(`E${a}:${s}`))));
          }
          body.push(tr);
        }
        map.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
      }

      // The swap cache: the pages with PG_swapcache, by the entry they cache.
      const cache = document.getElementById("swap-cache");
      if (cache) {
        const byEntry = new Map<number, number[]>();
        for (let f = 0; f < L.frames; f++) {
          if ((state[L.framesAt + 3 * f + 1] & A.pgSwapCache) === 0) continue;
          const e = state[L.framesAt + 3 * f + 2];
          byEntry.set(e, [...(byEntry.get(e) ?? []), f]);
        }
        const rows: HTMLElement[] = [];
        for (const [e, frames] of [...byEntry].sort((x, y) => x[0] - y[0])) {
          const name = entryText(e);
          const idxs = frames.map((f) => L.framesAt + 3 * f + 1);
          const cls = [
            ...(idxs.some((i) => changed.has(i) || changed.has(i + 1)) ? ["changed"] : []),
            ...(broken && (namedEntries.has(name) || frames.some((f) => namedPages.has(f))) ? ["broken"] : []),
            ...(frames.length > 1 ? ["dup"] : []),
          ];
          rows.push(
            h("tr", cls.length ? { class: cls.join(" ") } : {}, h("td", {}, name), h("td", {}, frames.map((f) => `page ${f}`).join(", "))),
          );
        }
        if (rows.length === 0) rows.push(h("tr", {}, h("td", { colspan: "2", class: "quiet" }, "empty")));
        cache.replaceChildren(h("thead", {}, h("tr", {}, h("th", {}, "entry"), h("th", {}, "pages"))), h("tbody", {}, ...rows));
      }

      // Every page frame: count, flags, index.
      const frames = document.getElementById("frames");
      if (frames) {
        const head = h("tr", {}, ...["page", "count", "flags", "index"].map((t) => h("th", {}, t)));
        const body: HTMLElement[] = [];
        for (let f = 0; f < L.frames; f++) {
          const o = L.framesAt + 3 * f;
          const flags = state[o + 1];
          const names = A.pageFlags.filter(([, bit]) => (flags & bit) !== 0).map(([n]) => n);
          const swap = (flags & A.pgSwapCache) !== 0;
          const hit = namedPages.has(f) || (swap && namedEntries.has(entryText(state[o + 2])));
          body.push(
            h(
              "tr",
              {},
              h("th", {}, String(f)),
              cell(String(state[o]), mark(o, hit)),
              cell(names.join(" ") || "·", mark(o + 1, hit)),
              cell(swap ? entryText(state[o + 2]) : String(state[o + 2]), mark(o + 2, hit)),
            ),
          );
        }
        frames.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
      }

      const counters = document.getElementById("counters");
      if (counters) {
        const c = L.countersAt;
        const names = ["nr_free_pages", "nr_swap_pages", "nr_active_pages", "nr_inactive_pages"];
        counters.replaceChildren(...names.map((n, i) => h("li", changed.has(c + i) ? { class: "changed" } : {}, `${n} ${state[c + i]}`)));
      }
    }

    const button = (id: string, fn: () => void) => document.getElementById(id)?.addEventListener("click", fn);
    button("step-first", () => goTo(0));
    button("step-prev", () => goTo(at - 1));
    button("step-next", () => goTo(at + 1));
    button("step-last", () => goTo(N));
    button("step-violation", () => goTo(d.violation ? d.violation.step : N));
    const range = document.getElementById("step-range") as HTMLInputElement | null;
    if (range) {
      range.max = String(N);
      range.addEventListener("input", () => goTo(Number(range.value)));
    }
    document.addEventListener("keydown", (ev) => {
      if (ev.target instanceof HTMLInputElement && ev.target.type !== "range") return;
      const keys: Record<string, () => void> = {
        ArrowRight: () => goTo(at + 1),
        ArrowLeft: () => goTo(at - 1),
        Home: () => goTo(0),
        End: () => goTo(N),
        v: () => goTo(d.violation ? d.violation.step : N),
      };
      const fn = keys[ev.key];
      if (fn) {
        ev.preventDefault();
        fn();
      }
    });
    goTo(0);
  }

  for (const p of data.plots) drawPlot(p);
  if (data.stepper) stepper(data.stepper);
  // uPlot commits its first draw in a microtask: the next frame has it on the canvas.
  requestAnimationFrame(() => {
    performance.mark("faultsim-plotted");
    document.body.dataset.ready = "1";
  });
}
