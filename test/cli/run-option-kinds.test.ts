// run's API option names are listed once (src/commands/run-option-kinds.ts) and held to the
// command line: every listed name is an option of `faultsim run` (a misspelt one would be an
// API option the command line silently drops), and every option of `faultsim run` is either
// listed or one the list knows the API leaves out.
import { describe, it, expect } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { RUN_CLI_ONLY, RUN_OPTION_KINDS } from "../../src/commands/run-option-kinds.js";

const runCommand = buildProgram().commands.find((c) => c.name() === "run");
const cliNames = new Set(runCommand?.options.map((o) => o.attributeName()) ?? []);
const apiNames: string[] = [
  ...RUN_OPTION_KINDS.numbers,
  ...RUN_OPTION_KINDS.booleans,
  ...Object.keys(RUN_OPTION_KINDS.choices),
  ...RUN_OPTION_KINDS.lists,
  ...RUN_OPTION_KINDS.strings,
];

describe("run's API option names, listed once", () => {
  it("every listed name is an option of faultsim run", () => {
    expect(cliNames.size).toBeGreaterThan(20);
    expect([...apiNames, ...RUN_CLI_ONLY].filter((k) => !cliNames.has(k))).toEqual([]);
  });

  it("every option of faultsim run is an API option or one the API leaves out", () => {
    const cliOnly: readonly string[] = RUN_CLI_ONLY;
    expect([...cliNames].filter((k) => !apiNames.includes(k) && !cliOnly.includes(k))).toEqual([]);
  });

  it("each choice list the command line states is the API's", () => {
    let compared = 0;
    for (const [k, values] of Object.entries(RUN_OPTION_KINDS.choices)) {
      const opt = runCommand?.options.find((o) => o.attributeName() === k);
      if (!opt?.argChoices) continue; // checked by the command's own parser
      expect([...opt.argChoices].sort()).toEqual([...values].sort());
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
