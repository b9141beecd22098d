// Two tiers. `npm test` is the fast tier (every *.test.ts but *.full.test.ts), run on every
// change. `npm run test:full` is the full tier, the *.full.test.ts files: the million-fault
// soak, the 10^6-execution fix checks, the spawns of the built command line, the default run at
// length, the browser tests and the README examples' type-check. `.ci/run` runs both.
//
// The fast tier runs its files in worker threads on every core (vitest's own default leaves one
// core idle), and without re-importing the sources for each file: the files share their
// workers' module graph (Wasm compiled once per worker). The files that mock a module
// (vi.mock) cannot share it: they run isolated, in a project of their own. Measured on two
// cores: 61 s (one fork per file, one core) -> 30 s. Its CPU time (/usr/bin/time, user+sys):
// 50.7 s -> ~43 s once the fast tier stopped repeating the full tier's long runs (a fast
// check of the same property stays here, the long run moved to a *.full.test.ts file).
import { defineConfig } from "vitest/config";
import { availableParallelism } from "node:os";

const full = process.env.FAULTSIM_TEST_TIER === "full";

/** Files that replace a module with vi.mock: they need a module graph of their own. */
const MOCKING = ["test/report/repro-atomic.test.ts", "test/cli/stream-lock-write.test.ts"];

export default defineConfig({
  test: {
    // A test's time limit: vitest's 5 s default fails sound tests when the machine is shared
    // and loaded (a test's own time bound, where it has one, is its own assertion).
    testTimeout: 60_000,
    ...(full
      ? { include: ["test/**/*.full.test.ts"] }
      : {
          pool: "threads",
          maxWorkers: availableParallelism(),
          projects: [
            {
              extends: true,
              test: {
                name: "fast",
                include: ["test/**/*.test.ts"],
                exclude: ["**/node_modules/**", "test/**/*.full.test.ts", ...MOCKING],
                isolate: false,
              },
            },
            { extends: true, test: { name: "fast-isolated", include: MOCKING } },
          ],
        }),
  },
});
