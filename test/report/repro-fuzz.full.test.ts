// The repro loader fuzzed as in repro-fuzz.test.ts (repro-fuzz-suite.ts), from another seed and
// with more runs of each property than the fast tier affords.
import { reproFuzz } from "./repro-fuzz-suite.js";

reproFuzz({ seed: 0x5eed_f022, draws: 2000, coherent: 200, corrupt: 1200, cli: 250 });
