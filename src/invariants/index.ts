export { checkInvariants, modelViolation, swapCacheBucket, type Violation, type CheckOptions } from "./check.js";
export { violationName, violationRank, VIOLATION_IDS, type ViolationId } from "./ids.js";
