// The machine the mmlist tests start from (test/mm/mmlist-lock.test.ts, mmlist-order.test.ts):
// two CPUs (the disk is agent `disk`), three mms, two areas of 8 slots, nothing running.
import { expect } from "vitest";
import { G, MM } from "../helpers/machine.js";
import { directedRig, setSwapPte } from "../helpers/rig.js";
import { P } from "../../src/wasm/abi.js";

/** init_mm's index on this machine (nMm). */
export const INIT_MM = 3;

export function mmlistRig(flags: number) {
  const r = directedRig(
    { cpus: 2, frames: 32, mms: 3, pagesPerMm: 8, slotsPerArea: 8, areas: 2, flags, freeMin: 0, freeLow: 0, pageCluster: 0 },
    { rounds: 100, disk: true, noViolation: true },
  );
  const { s, call } = r;
  /** The mmlist from init_mm's next round to init_mm, by the links. */
  const list = () => {
    const out: number[] = [];
    for (let mm = s.g(G.INIT_MM_NEXT), n = 0; mm !== INIT_MM && n < 10; mm = s.mm(mm, MM.LIST_NEXT), n++) out.push(mm);
    return out;
  };
  /** A slot of area 0 with content, held by each of the given (mm, page) swap ptes. */
  const slot = (ptes: [number, number][], content: number) => {
    const entry = call(1, P.get_swap_page);
    s.setSlotContent(entry, content);
    for (let i = 1; i < ptes.length; i++) expect(call(1, P.swap_duplicate, [entry])).toBe(1);
    for (const [mm, page] of ptes) setSwapPte(s, mm, page, entry, content);
    return entry;
  };
  return { ...r, list, slot };
}
