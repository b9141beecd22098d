// 2.4.16 kernel/fork.c dup_mmap sets "mm->swap_address = 0;" before its list_add, and never
// again: swap_out may pick the child from the list_add on, and a walk of it keeps its cursor.
// Until 6 Dec 2026 (a helper's value audit of fork.ts) the model reset the child's cursor only
// at the copy's end: from the list_add to then the child carried its slot's old process's
// cursor, and a walk's TASK_SIZE was set back to 0.
import { describe, it, expect } from "vitest";
import { tinyModelRig } from "../helpers/rig.js";
import { MM, G } from "../helpers/machine.js";
import { P } from "../../src/wasm/abi.js";

function forkRig() {
  const r = tinyModelRig("linux-2.4.16", { rounds: 100, disk: true, noViolation: true }, { frames: 32, slotsPerArea: 16 });
  for (let p = 0; p < 4; p++) r.call(0, P.access, [0, p, 1]);
  return r;
}
/** CPU0's fork of mm0 into slot 1, stepped until the slot is off the mmlist (the old process's
 *  mmput) and back on it (the child's list_add), before its copy. */
function untilChildListed(r: ReturnType<typeof forkRig>) {
  let sawUnlisted = false;
  for (let n = 0; n < 200; n++) {
    const listed = r.s.mm(1, MM.LIST_NEXT) !== -1;
    if (!listed) sawUnlisted = true;
    if (sawUnlisted && listed) return;
    expect(r.d.step(0)).toBe(true);
  }
}
const TASK_SIZE = 9; // the model's task_size_page(): pagesPerMm + 1

describe("linux-2.4.16 do_fork: the child's swap_out cursor", () => {
  it("is 0 from the list_add on, whatever the slot's old process left", () => {
    const r = forkRig();
    const { s, start } = r;
    s.setMm(1, MM.SWAP_CURSOR, TASK_SIZE); // the old process of slot 1, walked to its end
    s.setG(G.SWAP_MM, 1);
    start(0, P.do_fork, [0, 1]);
    untilChildListed(r);
    expect(s.mm(1, MM.LIST_NEXT)).not.toBe(-1); // listed, the copy not begun
    expect(s.mm(1, MM.SWAP_CURSOR)).toBe(0);
  });

  it("keeps what a walk of the listed child left during the copy", () => {
    const r = forkRig();
    const { s, d, start } = r;
    start(0, P.do_fork, [0, 1]);
    untilChildListed(r);
    start(1, P.swap_out_mm, [1, 4]); // a walk of the still empty child: to TASK_SIZE
    d.drain(1);
    expect(s.mm(1, MM.SWAP_CURSOR)).toBe(TASK_SIZE);
    d.drain(0); // the copy to its end
    expect(s.mm(1, MM.SWAP_CURSOR)).toBe(TASK_SIZE);
    expect(d.violation()).toBe("none");
  });
});
