// The hunt options of a shipped model's default campaign (`faultsim hunt --model M`, every
// other option at its default, as the command line parses it): what the build's tables
// (src/build/default-campaigns.mjs) are made for, for the tests that hold them to this code.
import { buildProgram } from "../../src/cli.js";
import { huntOptions, type HuntCli } from "../../src/commands/hunt.js";

export function defaultHuntOptions(model: string) {
  const defaults = {
    ...buildProgram()
      .commands.find((c) => c.name() === "hunt")!
      .opts(),
    with: [],
    without: [],
  };
  return huntOptions({ ...defaults, model } as unknown as HuntCli, {}).opts;
}
