// Two tiers. `npm test` is the fast tier (every *.test.ts but *.full.test.ts: under 30 s on two
// cores), run on every change. `npm run test:full` is the full tier, the *.full.test.ts files:
// the million-fault soak, the 10^6-execution fix checks, the spawns of the built command
// line, the default run at length and the README examples' type-check. `.ci/run` runs both.
import { defineConfig } from "vitest/config";

const full = process.env.FAULTSIM_TEST_TIER === "full";

export default defineConfig({
  test: {
    // A test's time limit: vitest's 5 s default fails sound tests when the machine is shared
    // and loaded (a test's own time bound, where it has one, is its own assertion).
    testTimeout: 60_000,
    include: full ? ["test/**/*.full.test.ts"] : ["test/**/*.test.ts"],
    exclude: full ? ["**/node_modules/**"] : ["**/node_modules/**", "test/**/*.full.test.ts"],
  },
});
