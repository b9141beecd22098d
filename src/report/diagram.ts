// CPU-column diagrams of a traced execution, in the style of the seed mail:
//
//   CPU0                               | CPU1
//   -----------------------------------+-----------------------------------
//   do_swap_page: lookup E0:1 misses   |
//                                      | do_swap_page: maps page 3
//   ...
//   *** swapcache-unique: ...
//
// One column per CPU (plus disk / kswapd only when they did something worth a line), time
// flowing down, one line per atomic section that ran, named by its kernel function and what
// it traced. Noise is dropped: sections that traced nothing, and sections that only narrated
// a scan's progress (NARRATION below: reclaim priorities, scan cursors) — unless they belong
// to one of the racing procedures, whose every line is kept. A section repeated back to back
// (spinning on a lock) is shown once with ×N.
import { PROC_NAMES } from "../wasm/abi.js";
import { describeEvent, type AgentName, type PrintkRelease } from "./events/index.js";
import { fmtOp } from "./events/types.js";
import { EV, type TraceRecord } from "./trace.js";

export interface DiagramViolation {
  /** Invariant id (kernel-notes) or deadlock/lock-leak/bug-on. */
  id: string;
  message: string;
  /** Agent that was running when it broke, -1 when found by the deep checker at rest. */
  agent: number;
}

export interface DiagramInput {
  records: readonly TraceRecord[];
  cpus: number;
  kswapd: boolean;
  /** Each CPU's op list, shown above the columns. */
  ops?: readonly (readonly number[])[];
  violation?: DiagramViolation;
  /** Procedures whose every traced section is kept (e.g. those named in the signature). */
  racingProcs?: ReadonlySet<number>;
  /** Sections before this step are the set-up of the race: summarised in one line. */
  fromStep?: number;
  /** Maximum characters per column (text wraps). */
  columnWidth?: number;
  /** Show every line. By default, when the violation names swap entries or pages, only the
   *  lines that mention one of them (and BKL hand-overs) are drawn: the race, not the set-up. */
  full?: boolean;
  /** What to focus on besides what the violation's message names (a data loss found at an
   *  access names only its virtual page, one found by the deep check at rest its page or swap
   *  entry too): the route's entry and pages ("E0:2", "page 1"), with the message's virtual
   *  pages. */
  focus?: readonly string[];
  /** Whose printk wording the events take where releases differ (default 2.4.16's). */
  release?: PrintkRelease;
}

/** Lines that are always part of the story: the BKL changing hands (kernel events 6-10). */
const BKL_WORDING = /BKL|lock_kernel/;

/** The swap entries ("E0:3") and pages ("page 5") a violation message names. */
export function focusTokens(message: string): string[] {
  const tokens = new Set<string>();
  for (const m of message.matchAll(/\bE\d+:\d+|\bpages? \d+(?: and \d+)?/g)) {
    if (m[0].startsWith("E")) tokens.add(m[0]);
    else for (const n of m[0].matchAll(/\d+/g)) tokens.add(`page ${n[0]}`);
  }
  return [...tokens];
}

/** A pattern matching a token in event wording and nothing longer ("E0:3" not "E0:31"). */
export function tokenPattern(token: string): RegExp {
  // Not inside a longer token ("E0:12", "page 41"); punctuation after it ("page 4:") is fine.
  return new RegExp(`(^|[^\\w:])${token}(?!\\w|:\\w)`);
}

// fmtOp lives with the event wording (an event names an op too); diagram.ts users import it here.
export { fmtOp };

export const procName = (p: number): string => PROC_NAMES[p] ?? `proc${p}`;

/** One line of the diagram: what one agent's section did. */
interface Line {
  step: number;
  agent: number;
  text: string;
  repeat: number;
}

/** Events that narrate reclaim's progress without changing any state (assembly/mm/vmscan.ts): a section
 *  that traced only these is noise. */
export const NARRATION = new Set<number>([
  410, // swap_out_mm: from [cursor], wants n
  411, // swap_out_mm stops at [cursor]
  420, // shrink_cache(nr, priority): scans up to n
  424, // shrink_cache: too many mapped pages, swap_out(priority)
  426, // shrink_cache done, n still wanted
  430, // try_to_free_pages: wants n
  431, // try_to_free_pages freed n (priority)
]);

/** The text of one section (all records of one step), or "" when it is noise. */
function sectionText(recs: readonly TraceRecord[], racing: ReadonlySet<number>, agent: AgentName, release: PrintkRelease): string {
  const parts: string[] = [];
  let opStart = "";
  const keepAll = recs.some((r) => racing.has(r.proc));
  if (!keepAll && recs.every((r) => r.event === EV.SECTION || NARRATION.has(r.event))) return "";
  // "<function>: <what it did>", unless the wording already starts with the function's name;
  // a step that ran on into a callee or back into its caller names each function it ran.
  let proc = -1;
  for (const r of recs) {
    if (r.event === EV.OP_START) opStart = `${fmtOp(r.a)}:`;
    else if (r.event === EV.OP_END || r.event === EV.SECTION) continue;
    else {
      const t = describeEvent(r.event, r.a, r.b, r.c, agent, { release, proc: r.proc });
      if (!t) continue;
      const name = procName(r.proc);
      parts.push(r.proc === proc || t.startsWith(name) ? t : `${name}: ${t}`);
      proc = r.proc;
    }
  }
  const body = parts.join("; ");
  if (opStart) return body ? `${opStart}\n${body}` : opStart;
  return body;
}

/** Groups records by step, in order, and turns each group into a line. */
function linesOf(records: readonly TraceRecord[], racing: ReadonlySet<number>, agent: AgentName, release: PrintkRelease): Line[] {
  const lines: Line[] = [];
  let i = 0;
  while (i < records.length) {
    let j = i + 1;
    while (j < records.length && records[j].step === records[i].step && records[j].agent === records[i].agent) j++;
    const text = sectionText(records.slice(i, j), racing, agent, release);
    if (text) {
      const last = lines[lines.length - 1];
      if (last && last.agent === records[i].agent && last.text === text) last.repeat++;
      else lines.push({ step: records[i].step, agent: records[i].agent, text, repeat: 1 });
    }
    i = j;
  }
  return lines;
}

/** Breaks text into pieces of at most width characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(" ")) {
      let w = word;
      while (w.length > width) {
        if (line) {
          out.push(line);
          line = "";
        }
        out.push(w.slice(0, width));
        w = w.slice(width);
      }
      if (!line) line = w;
      else if (line.length + 1 + w.length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out;
}

function columnName(agent: number, cpus: number): string {
  if (agent < cpus) return `CPU${agent}`;
  return agent === cpus ? "disk" : "kswapd";
}

/** Which lines tell the story of a violation naming these entries and pages: a line naming
 *  one of the entries; a line naming one of the pages, unless it names another entry before
 *  the story's first line (the same frame earlier held other swap entries' data: that is
 *  set-up; once the story has begun, the page's move to another entry is part of it); the BKL
 *  changing hands. */
function focusFilter(tokens: readonly string[], lines: readonly Line[]): (l: Line) => boolean {
  // A virtual page ("mm3[0]": the loss's) is kept like an entry; its brackets are escaped.
  const vpages = tokens.filter((t) => t.startsWith("mm")).map((t) => tokenPattern(t.replace(/[[\]]/g, "\\$&")));
  const entries = [...tokens.filter((t) => t.startsWith("E")).map(tokenPattern), ...vpages];
  const pages = tokens.filter((t) => t.startsWith("page")).map(tokenPattern);
  const anyEntry = /(^|[^\w:])E\d+:\d+(?!\w|:\w)/;
  const namesEntry = (l: Line) => entries.some((re) => re.test(l.text));
  const first = lines.find(namesEntry);
  const begun = (l: Line) => first !== undefined && l.step >= first.step;
  return (l) => {
    if (BKL_WORDING.test(l.text) || namesEntry(l)) return true;
    return pages.some((re) => re.test(l.text)) && (entries.length === 0 || begun(l) || !anyEntry.test(l.text));
  };
}

/** Lines drawn of a violation that names no entry or page (without --full). */
const UNFOCUSED_TAIL = 200;

/** Renders the diagram as text (no trailing newline). */
export function renderDiagram(input: DiagramInput): string {
  const all = linesOf(input.records, input.racingProcs ?? new Set(), (a) => columnName(a, input.cpus), input.release ?? "2.4.16");
  const from = input.fromStep ?? 0;
  const inRace = all.filter((l) => l.step >= from);
  const elided = all.length - inRace.length;
  const named = input.full || !input.violation ? [] : focusTokens(input.violation.message);
  // A route's entry and pages come first, then what the message names (a deep check's loss
  // names its page or entry: "mm0[2]: maps page 3 ...", an access's nothing) and its virtual
  // pages: the route's story whichever variant of the loss found it.
  const tokens =
    input.full || !input.violation || !input.focus?.length
      ? named
      : [...new Set([...input.focus, ...named, ...(input.violation.message.match(/\bmm\d+\[\d+\]/g) ?? [])])];
  const focused = tokens.length === 0 ? inRace : inRace.filter(focusFilter(tokens, inRace));
  const unfocused = inRace.length - focused.length;
  // A livelock names nothing to focus on (a step bound, no entry or page), and a replay that
  // does not reproduce has no violation: drawn from their last UNFOCUSED_TAIL lines, where a
  // loop shows (an execution to the bound is 16,384 steps); --full draws them all.
  const tailOnly = !input.full && tokens.length === 0 && (!input.violation || input.violation.id === "livelock");
  const cut = tailOnly ? Math.max(0, focused.length - UNFOCUSED_TAIL) : 0;
  const lines = cut > 0 ? focused.slice(cut) : focused;
  // Columns: every CPU, then disk and kswapd only if they kept a line.
  const agents: number[] = [];
  for (let c = 0; c < input.cpus; c++) agents.push(c);
  for (const extra of [input.cpus, input.cpus + 1]) {
    if (extra === input.cpus + 1 && !input.kswapd) continue;
    if (lines.some((l) => l.agent === extra)) agents.push(extra);
  }
  const col = new Map(agents.map((a, i) => [a, i]));
  const maxWidth = input.columnWidth ?? 34;
  const texts = lines.map((l) => (l.repeat > 1 ? `${l.text} (×${l.repeat})` : l.text));
  let width = 12;
  for (const t of texts) for (const piece of t.split("\n")) width = Math.max(width, Math.min(maxWidth, piece.length));

  const out: string[] = [];
  if (input.ops) {
    input.ops.forEach((ops, cpu) => {
      if (cpu < input.cpus) out.push(`CPU${cpu} runs: ${ops.length ? ops.map(fmtOp).join(", ") : "(nothing)"}`);
    });
    out.push("");
  }
  const row = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c.trimEnd() : c.padEnd(width)))
      .join(" | ")
      .trimEnd();
  out.push(row(agents.map((a) => columnName(a, input.cpus))));
  out.push(agents.map(() => "-".repeat(width)).join("-+-"));
  if (elided > 0) out.push(`(${elided} earlier lines of set-up not shown: the ops above ran up to step ${from})`);
  if (unfocused > 0) {
    out.push(`(only lines naming ${tokens.join(", ")} or the BKL: ${unfocused} others not shown; --full shows all)`);
  }
  if (cut > 0) out.push(`(${cut} earlier lines not shown: the last ${UNFOCUSED_TAIL} follow; --full shows all)`);
  lines.forEach((l, i) => {
    const c = col.get(l.agent);
    if (c === undefined) return;
    for (const piece of wrap(texts[i], width)) {
      const cells = agents.map(() => "");
      cells[c] = piece;
      out.push(row(cells));
    }
  });
  if (input.violation) {
    const v = input.violation;
    out.push(`*** ${v.id}: ${v.message}${v.agent >= 0 || v.id === "livelock" ? "" : " (found by the deep check at rest)"}`);
  }
  return out.join("\n");
}
