// The hunt that meets the swapin ABA at 2.4.10-pre9's own vm_swap_full at execution 65,368
// (swapin-aba-pre9.test.ts), and that its fix must run clean (swapin-aba-pre9.full.test.ts):
// one literal, so that the two stay the same hunt. (Seed 5 met it at 156,259 until pre9's
// drop_pte took pagemap_lru_lock with the page locked, 4 Dec 2026; then not in 200,000.
// `faultsim hunt --with unique-add --sched random --seed S --keep-going --executions 200000
// --shrink-ms 0`, seeds 1-4 and 6-9: data-lost@access on seed 4 at 81,726 and seed 9 at 65,368.)
import type { HuntOptions } from "../../src/index.js";

export const shape: HuntOptions = {
  model: "linux-2.4.10-pre",
  with: ["unique-add"],
  sched: "random",
  seed: 9,
  keepGoing: true,
  executions: 65_374,
  budgetMs: 120_000,
  shrinkMs: 0,
};
