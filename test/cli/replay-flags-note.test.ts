// `faultsim replay` of a repro whose flags are not its model's as this build has them (recorded
// before the model took a flag, or by a hunt with --with / --without) says so on stderr, and
// replays the recorded flags.
import { describe, it, expect } from "vitest";
import { modelFlagsNote } from "../../src/commands/replay.js";
import { resolveModel } from "../../src/model/models.js";

describe("replay's note on a repro's flags", () => {
  const today = resolveModel("linux-2.4.0").flagNames;

  it("is silent when the flags are the model's (in any order)", () => {
    expect(modelFlagsNote({ model: "linux-2.4.0", flagNames: [...today].reverse() })).toBeUndefined();
  });

  it("names what the repro lacks: a linux-2.4.0 repro from before swap-buffers", () => {
    const note = modelFlagsNote({ model: "linux-2.4.0", flagNames: today.filter((f) => f !== "swap-buffers") });
    expect(note).toBe(
      "the repro's flags differ from linux-2.4.0's in this build (the repro is without swap-buffers): it replays with the recorded flags (`faultsim hunt --model linux-2.4.0` hunts today's)",
    );
  });

  it("names what it adds and lacks: a hunt's --with and --without", () => {
    const flagNames = resolveModel("linux-2.4.16", ["oom-pin-mm"], ["unique-add"]).flagNames;
    expect(modelFlagsNote({ model: "linux-2.4.16", flagNames })).toMatch(/\(the repro is with oom-pin-mm and without unique-add\): /);
  });
});
