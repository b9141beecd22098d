// PCT's guarantee (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): for a program of
// n threads running at most k steps, one execution finds a given bug of depth d with
// probability at least 1/(n·k^(d-1)). The hunt reports it from the n and k it observed.

export interface PctBound {
  /** Bug depth the scheduler was configured for. */
  depth: number;
  /** Agents that ran in some execution (CPUs, the disk, kswapd). */
  n: number;
  /** Most steps one execution took. */
  k: number;
  /** Lower bound on the probability that one execution hits a given depth-d bug. */
  perExecution: number;
  /** Executions after which such a bug is found with probability ≥ 1 - 1/e. */
  executionsFor63: number;
}

export function pctBound(n: number, k: number, depth: number): PctBound {
  const nn = Math.max(1, n);
  const kk = Math.max(1, k);
  const p = 1 / (nn * kk ** (depth - 1));
  return { depth, n: nn, k: kk, perExecution: p, executionsFor63: Math.ceil(1 / p) };
}

/** "1/(3·120^2) = 2.31e-5 per execution" */
export function fmtPctBound(b: PctBound): string {
  const pow = b.depth - 1 === 0 ? "" : b.depth - 1 === 1 ? `·${b.k}` : `·${b.k}^${b.depth - 1}`;
  return `1/(${b.n}${pow}) = ${b.perExecution.toExponential(2)} per execution for a bug of depth ${b.depth}` +
    ` (n = ${b.n} agents, k = ${b.k} steps)`;
}
