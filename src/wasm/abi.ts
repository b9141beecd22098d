// The model's ABI as the host sees it. Every number is defined once, in assembly/, and generated
// into abi.generated.ts by `npm run build` (src/build/abi-gen.mjs); this file adds the views the
// host wants of them (name maps, types) and the encodings (ptes, ops, choice bytes) as functions.
import {
  GEN_PATTERN_NAMES,
  PROC_NAMES,
  STAT_NAMES,
  VIOLATION_IDS,
  CHOICE_AGENT,
  CHOICE_PICK_SHIFT,
  CHOICE_PICK_MAX,
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

/** PTE encoding (state.ts) */
export const pteFrame = (pte: number): number => pte >>> 4;
export const pteIsSwap = (pte: number): boolean => pte !== 0 && (pte & 1) === 0;
export const pteEntry = (pte: number): number => pte >>> 1;
export const swpType = (entry: number): number => entry >>> 24;
export const swpOffset = (entry: number): number => entry & 0xffffff;
export const swpEntry = (area: number, offset: number): number => (area << 24) | offset;

export const makeOp = (kind: number, mm: number, page: number, arg = 0): number =>
  (kind << 28) | ((arg & 63) << 22) | ((mm & 63) << 16) | (page & 0xffff) | 0;
export const opKind = (op: number): number => op >>> 28;
export const opArg = (op: number): number => (op >>> 22) & 63;
export const opMm = (op: number): number => (op >>> 16) & 63;
export const opPage = (op: number): number => op & 0xffff;

/** A choice-log byte (assembly/kernel/sched.ts CHOICE_*): the agent that ran the step in the
 *  low 4 bits; the high 4 bits a choice the step made itself (0 = the first alternative; the
 *  disk's pick among queued requests). */
export const choiceAgent = (b: number): number => b & CHOICE_AGENT;
export const choicePick = (b: number): number => (b >>> CHOICE_PICK_SHIFT) & CHOICE_PICK_MAX;
