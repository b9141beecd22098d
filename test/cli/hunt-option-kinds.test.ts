// hunt's option names are listed once (src/commands/hunt-option-kinds.ts): the API's option
// kinds and the options a resumed campaign takes from its stream both come from that list.
// Every name in it must be an option of `faultsim hunt` (a misspelt one would silently let
// --resume accept it), and every option of `faultsim hunt` is either in it or one the list
// knows to be the command line's alone.
import { describe, it, expect } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { FIXED_BY_STREAM, HUNT_OPTION_KINDS } from "../../src/commands/hunt-option-kinds.js";

const huntCommand = buildProgram().commands.find((c) => c.name() === "hunt");
const cliNames = new Set(huntCommand?.options.map((o) => o.attributeName()) ?? []);
const apiNames = [
  ...HUNT_OPTION_KINDS.numbers,
  ...HUNT_OPTION_KINDS.booleans,
  ...Object.keys(HUNT_OPTION_KINDS.choices),
  ...HUNT_OPTION_KINDS.lists,
  ...HUNT_OPTION_KINDS.strings,
];

/** Options only the command line has: output form, the campaign's stream and part (and who
 *  shrinks a shard's findings), the bounded proof, and the model and --out (the API takes
 *  those by name, src/index.ts). */
const CLI_ONLY = ["model", "out", "json", "jsonl", "shard", "deferShrink", "resume", "format", "preemptions", "opList", "exhaustiveOps"];

describe("hunt's option names, listed once", () => {
  it("every listed name is an option of faultsim hunt", () => {
    expect(cliNames.size).toBeGreaterThan(20);
    expect([...apiNames, ...FIXED_BY_STREAM].filter((k) => !cliNames.has(k))).toEqual([]);
  });

  it("every option of faultsim hunt is an API option or the command line's own", () => {
    expect([...cliNames].filter((k) => !apiNames.includes(k) && !CLI_ONLY.includes(k))).toEqual([]);
  });

  it("a resumed campaign fixes every API option but a leg's budget, threads and drawing", () => {
    expect(apiNames.filter((k) => !FIXED_BY_STREAM.includes(k)).sort()).toEqual(["budgetMs", "full", "workers"]);
    expect(FIXED_BY_STREAM).toEqual(expect.arrayContaining(["model", "out", "shard", "deferShrink", "jsonl"]));
  });
});
