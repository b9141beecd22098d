// The hunt that meets the swapin ABA at 2.4.10-pre9's own vm_swap_full at execution 156,259
// (swapin-aba-pre9.test.ts), and that its fix must run clean (swapin-aba-pre9.full.test.ts):
// one literal, so that the two stay the same hunt.
import type { HuntOptions } from "../../src/index.js";

export const shape: HuntOptions = {
  model: "linux-2.4.10-pre",
  with: ["unique-add"],
  sched: "random",
  seed: 5,
  keepGoing: true,
  executions: 156_265,
  budgetMs: 120_000,
  shrinkMs: 0,
};
