// All event wording tables merged into one lookup, keyed by event id. Each kernel file's
// table (ids in the ranges of assembly/kernel/trace.ts) is written beside its model file;
// this file only merges them. An id no table knows is shown as "event <id>(a, b, c)".
import { type AgentName, type EventFormatter, type EventTable, type EventWhere, plainAgentName } from "./types.js";
import { kernelEvents } from "./kernel.js";
import { memoryEvents } from "./memory.js";
import { swapStateEvents } from "./swap_state.js";
import { swapfileEvents } from "./swapfile.js";
import { vmscanEvents } from "./vmscan.js";
import { oomKillEvents } from "./oom_kill.js";

export type { AgentName, EventFormatter, EventTable, EventWhere, PrintkRelease } from "./types.js";

const TABLES: readonly EventTable[] = [kernelEvents, memoryEvents, swapStateEvents, swapfileEvents, vmscanEvents, oomKillEvents];

export const EVENTS: EventTable = Object.assign({}, ...TABLES);

/** The text of one trace record's event, never throwing: a diagram must always print.
 *  `agent` names the agents an event mentions (default "agent N"); `where` gives the release
 *  whose printk wording to use and the record's procedure (default 2.4.16's, unknown). */
export function describeEvent(
  ev: number,
  a: number,
  b: number,
  c: number,
  agent: AgentName = plainAgentName,
  where: EventWhere = { release: "2.4.16", proc: -1 },
): string {
  const f: EventFormatter | undefined = EVENTS[ev];
  if (!f) return `event ${ev}(${a}, ${b}, ${c})`;
  try {
    return f(a, b, c, agent, where);
  } catch {
    return `event ${ev}(${a}, ${b}, ${c})`;
  }
}
