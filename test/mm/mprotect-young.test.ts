// mm/mprotect.c change_pte_range (2.4.0 and 2.4.16) rewrites every present pte of the range as
// pte_modify(entry, newprot): the dirty and accessed bits kept (_PAGE_CHG_MASK), newprot ORed
// in; both protections the hunt's write-protect op uses, PAGE_READONLY and a private writable
// mapping's PAGE_COPY, hold _PAGE_ACCESSED, so every present pte ends young and read-only, one
// already read-only too. Until 6 Dec 2026 (a helper's value audit of fork.ts and mprotect) the
// model only cleared the write bit of writable ptes and left an old pte old.
import { describe, it, expect } from "vitest";
import { tinyModelRig } from "../helpers/rig.js";
import { P, PTE } from "../../src/wasm/abi.js";

describe("do_mprotect", () => {
  it.each(["linux-2.4.16", "linux-2.4.0"])(
    "%s: every present pte of the range ends young and read-only; a none pte stays none",
    (model) => {
      const r = tinyModelRig(model, { rounds: 100, disk: true, noViolation: true }, { frames: 32, slotsPerArea: 16 });
      const { s, call } = r;
      for (let p = 0; p < 3; p++) call(0, P.access, [0, p, 1]);
      for (let p = 0; p < 3; p++) s.setPte(0, p, s.pte(0, p) & ~PTE.YOUNG); // a swap_out walk aged them
      s.setPte(0, 2, s.pte(0, 2) & ~PTE.RW); // already write-protected (a fork's COW)
      const dirty = [0, 1, 2].map((p) => s.pte(0, p) & PTE.DIRTY);
      call(0, P.do_mprotect, [0, 0, 8]);
      for (const p of [0, 1, 2]) {
        const pte = s.pte(0, p);
        expect([pte & PTE.PRESENT, pte & PTE.RW, pte & PTE.YOUNG, pte & PTE.DIRTY], `mm0[${p}]`).toEqual([
          PTE.PRESENT,
          0,
          PTE.YOUNG,
          dirty[p],
        ]);
      }
      expect(s.pte(0, 5)).toBe(0); // a none pte stays none
    },
  );
});
