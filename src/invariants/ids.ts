// Names of the model's violation ids (assembly/kernel/check.ts V_*): the invariant ids at the
// end of kernel-notes.md plus deadlock, lock-leak, bug-on, stack-overflow and livelock.
import { VIOLATION_IDS, type ViolationId } from "../wasm/abi.js";

export { VIOLATION_IDS, type ViolationId };

/** The id name of a V_* number; unknown numbers (a newer model) keep their number. */
export function violationName(v: number): ViolationId {
  return (VIOLATION_IDS[v] ?? "bug-on") as ViolationId;
}

/** Rank of an id (its V_* number): reports list violations in this order. */
export function violationRank(id: ViolationId): number {
  return VIOLATION_IDS.indexOf(id);
}
