// The repro loader fuzzed with fast-check, seeded (a failure prints its seed and path, and the
// same run reproduces it):
// - the repro schema's own arbitrary (generated from its JSON Schema, test/helpers/
//   schema-arbitrary.ts): whatever it draws, parseRepro returns a repro or throws a ReproError;
// - the same repros made coherent (ops that fit the machine, flags that agree with their
//   names): the loader accepts them, and each replays without an error, in bounded time and
//   memory (the schema's bounds are ones the model can run);
// - byte-level corruption of a good repro file (truncation, changed and inserted bytes, tokens
//   that are not numbers, a BOM, invalid UTF-8, duplicated and deleted runs): loadRepro returns
//   a repro or throws a ReproError, quickly;
// - the command line on such files: `faultsim replay` exits 0, 1 or 2, never 3.
import { reproFuzz } from "./repro-fuzz-suite.js";

// The runs the fast tier affords (the full tier, repro-fuzz.full.test.ts, draws ~4x as many
// from another seed): still every mutation kind many times over. About one corrupt file in
// twenty still replays (a BOM, a changed letter): 60 command-line runs drew none once the
// schema's arbitrary gained flags2, so the fast tier runs 120.
reproFuzz({ seed: 0xfa017, draws: 500, coherent: 50, corrupt: 250, cli: 120 });
