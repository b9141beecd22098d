// A bulk campaign's fullCheck reaches its runs' deep checks (src/workers/jobs.ts): the checker
// is asked for touched checks by default and for whole ones with fullCheck, with the same
// campaign result either way (test/invariants/touched.test.ts holds the two modes equal).
import { describe, expect, it, vi } from "vitest";
import { SCHED } from "../../src/wasm/abi.js";
import { bulkMachineConfig } from "../../src/bulk/config.js";
import { bulkWorkload } from "../helpers/machine.js";
import { runCampaignInline } from "../../src/workers/campaign.js";
import type { CampaignSpec } from "../../src/workers/protocol.js";

const asked: boolean[] = [];
vi.mock("../../src/invariants/check.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/invariants/check.js")>();
  return {
    ...real,
    checkInvariants: (...args: Parameters<typeof real.checkInvariants>) => {
      asked.push(args[1]?.touched === true);
      return real.checkInvariants(...args);
    },
  };
});

const sizes = { cpus: 2, mms: 2, pagesPerMm: 128, frames: 96, areas: 1, slotsPerArea: 512 };
const workload = bulkWorkload(sizes, { writeRatio: 0.5 });
const spec = (fullCheck?: boolean): CampaignSpec => ({
  job: {
    kind: "bulk",
    params: {
      backend: "wasm",
      machine: bulkMachineConfig(sizes, { flags: 0, flags2: 0, kswapd: false, seed: 1, sched: SCHED.RANDOM }),
      workload,
      ops: 2000,
      checkInterval: 1000,
      ...(fullCheck === undefined ? {} : { fullCheck }),
    },
  },
  firstSeed: 3,
  executions: 2,
  keepRecords: true,
});

describe("a bulk campaign's deep checks", () => {
  it("are touched by default and whole with fullCheck, with the same result", async () => {
    asked.length = 0;
    const touched = await runCampaignInline(spec());
    const byDefault = asked.splice(0);
    const whole = await runCampaignInline(spec(true));
    const withFull = asked.splice(0);
    expect(byDefault.length).toBeGreaterThan(2);
    expect(byDefault.every((t) => t)).toBe(true);
    expect(withFull.length).toBe(byDefault.length);
    expect(withFull.every((t) => !t)).toBe(true);
    expect(JSON.stringify(whole)).toBe(JSON.stringify(touched));
  });
});
