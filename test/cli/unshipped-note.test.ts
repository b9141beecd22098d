// A flag set no release shipped that takes interleavings every release ruled out gets a note
// on stderr (src/model/models.ts unshippedNotes): a diagram of two faults racing to read one
// entry on `linux-2.4.16 --without unique-add` is that flag set's, not a kernel's.
import { describe, it, expect } from "vitest";
import { MODELS, resolveModel, unshippedNotes } from "../../src/model/models.js";
import { cliCapture } from "../helpers/cli.js";

describe("unshippedNotes", () => {
  it("is empty for every named model", () => {
    for (const m of MODELS) {
      const r = resolveModel(m.name);
      expect(unshippedNotes(r.flags, r.flags2), m.name).toEqual([]);
    }
  });

  it("names unique-add off without bkl-swapin, and only that", () => {
    const off = resolveModel("linux-2.4.16", [], ["unique-add"]);
    expect(unshippedNotes(off.flags, off.flags2)).toEqual([expect.stringMatching(/^unique-add is off and bkl-swapin with it/)]);
    const demo = resolveModel("linux-2.4.16", ["bkl-swapin"], ["unique-add"]);
    expect(unshippedNotes(demo.flags, demo.flags2)).toEqual([]);
    const pre9 = resolveModel("linux-2.4.10-pre", [], ["bkl-swapin"]);
    expect(unshippedNotes(pre9.flags, pre9.flags2)).toHaveLength(1);
  });
});

describe("hunt and run print it", () => {
  const { io, faultsim } = cliCapture();
  it("hunt --without unique-add: one note line on stderr; with --with bkl-swapin none", async () => {
    await faultsim("hunt", "--model", "linux-2.4.16", "--without", "unique-add", "--executions", "20", "--json");
    expect(io.err.split("\n").filter((l) => l.startsWith("faultsim: note: unique-add is off"))).toHaveLength(1);
    io.err = "";
    await faultsim("hunt", "--model", "linux-2.4.16", "--without", "unique-add", "--with", "bkl-swapin", "--executions", "20", "--json");
    expect(io.err).not.toMatch(/unique-add is off/);
  });

  it("run --without unique-add: the note too", async () => {
    await faultsim("run", "--without", "unique-add", "--ops", "100", "--json");
    expect(io.err).toMatch(/^faultsim: note: unique-add is off/m);
  });
});
