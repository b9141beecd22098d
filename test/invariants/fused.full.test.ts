// The fused check at rest (the model's clean_at_rest, assembly/kernel/rest.ts) answers
// "clean?" for every hunt execution in one pass; the full passes (src/invariants/check.ts)
// say what is wrong. The two must agree, in both builds of the model: on the states the model
// leaves at the end of hunt executions (clean and not), and on those states broken one word
// at a time, the quiescent check gives exactly what the full passes give, and the fused pass
// calls a state clean exactly when the full passes find nothing. hunt_execution answers
// RUN.CLEAN exactly for those executions.
//
// Here the suite runs over all its executions on the Wasm build (the fast tier, fused.test.ts,
// runs the first half of them), and over a quarter on the JS twin (several times slower; the
// fast tier holds the twin's fused answers to the Wasm build's).
import { fusedSuite } from "./fused-suite.js";

fusedSuite("wasm", 1);
fusedSuite("js", 1 / 4);
