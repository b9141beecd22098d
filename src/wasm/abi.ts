// The model's ABI as the host sees it. Every number is defined once, in assembly/, and generated
// into abi.generated.ts by `npm run build` (src/build/abi-gen.mjs); this file adds the views the
// host wants of them (name maps, types) and the encodings (ptes, ops, choice bytes) as functions.
import {
  GEN_PATTERN_NAMES,
  PROC_NAMES,
  type STAT_NAMES,
  type VIOLATION_IDS,
  CHOICE_AGENT,
  CHOICE_PICK_SHIFT,
  CHOICE_PICK_MAX,
  FRAME_SHIFT_PTE,
  ENTRY_SHIFT_PTE,
  SWP_TYPE_SHIFT,
  SWP_OFFSET_MASK,
  OPW,
  PTE,
} from "./abi.generated.js";

export * from "./abi.generated.js";

/** CFG.GEN_PATTERN values by name (assembly/kernel/workload.ts PAT_*). */
export const GEN_PATTERN = Object.fromEntries(GEN_PATTERN_NAMES.map((n, i) => [n, i])) as {
  readonly [K in (typeof GEN_PATTERN_NAMES)[number]]: number;
};

export type StatName = (typeof STAT_NAMES)[number];
export type Stats = Record<StatName, number>;
export type ViolationId = (typeof VIOLATION_IDS)[number];

/** Procedure ids by name (assembly/kernel/procs.ts P_*). */
export const P = Object.fromEntries(PROC_NAMES.map((n, i) => [n, i])) as Record<(typeof PROC_NAMES)[number], number>;

/** PTE encoding (assembly/kernel/state.ts pte_frame, pte_is_swap, pte_to_swp_entry). */
export const pteFrame = (pte: number): number => pte >>> FRAME_SHIFT_PTE;
export const pteIsSwap = (pte: number): boolean => pte !== 0 && (pte & PTE.PRESENT) === 0;
export const pteEntry = (pte: number): number => pte >>> ENTRY_SHIFT_PTE;
/** Swap entries (assembly/kernel/state.ts swp_type, swp_offset, swp_entry). */
export const swpType = (entry: number): number => entry >>> SWP_TYPE_SHIFT;
export const swpOffset = (entry: number): number => entry & SWP_OFFSET_MASK;
export const swpEntry = (area: number, offset: number): number => (area << SWP_TYPE_SHIFT) | offset;

/** Op words (assembly/kernel/ops.ts make_op, op_kind, op_arg, op_mm, op_page). */
export const makeOp = (kind: number, mm: number, page: number, arg = 0): number =>
  (kind << OPW.KIND_SHIFT) |
  ((arg & OPW.FIELD_MASK) << OPW.ARG_SHIFT) |
  ((mm & OPW.FIELD_MASK) << OPW.MM_SHIFT) |
  (page & OPW.PAGE_MASK) |
  0;
export const opKind = (op: number): number => op >>> OPW.KIND_SHIFT;
export const opArg = (op: number): number => (op >>> OPW.ARG_SHIFT) & OPW.FIELD_MASK;
export const opMm = (op: number): number => (op >>> OPW.MM_SHIFT) & OPW.FIELD_MASK;
export const opPage = (op: number): number => op & OPW.PAGE_MASK;

/** A choice-log byte (assembly/kernel/sched.ts CHOICE_*): the agent that ran the step in the
 *  low 4 bits; the high 4 bits a choice the step made itself (0 = the first alternative; the
 *  disk's pick among queued requests). */
export const choiceAgent = (b: number): number => b & CHOICE_AGENT;
export const choicePick = (b: number): number => (b >>> CHOICE_PICK_SHIFT) & CHOICE_PICK_MAX;
