// The fused check at rest (the model's clean_at_rest, assembly/kernel/rest.ts) answers
// "clean?" for every hunt execution in one pass; the full passes (src/invariants/check.ts)
// say what is wrong. The two must agree, in both builds of the model: on the states the model
// leaves at the end of hunt executions (clean and not), and on those states broken one word
// at a time, the quiescent check gives exactly what the full passes give, and the fused pass
// calls a state clean exactly when the full passes find nothing. hunt_execution answers
// RUN.CLEAN exactly for those executions.
//
// Here the suite runs on the JS twin (the full tier: it runs several times slower than the
// Wasm build, and the fast tier holds its fused answers to the Wasm build's, fused.test.ts).
import { fusedSuite } from "./fused-suite.js";

fusedSuite("js");
