// PCT's guarantee (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): for a program of
// n threads and k scheduling steps, one execution finds a given bug of depth d with
// probability at least 1/(n·k^(d-1)).
//
// The model's PCT (assembly/kernel/sched.ts) differs in two stated ways, and the bound here
// is the one for what it does:
// - k counts decisions, not steps: only where more than one agent could run and the agent
//   that ran last could run on (a change point anywhere else is no preemption). The hunt
//   draws change points in [1, k] with k = the mean decisions per execution, so the bound
//   covers bugs whose change points fall in the first k decisions of an execution.
// - Initial priorities are drawn per class: the CPUs in a random order below the agents they
//   wake (disk, kswapd), those in a random order among themselves. One given assignment has
//   probability 1/(c!·h!) (c CPUs, h helpers), which stands where the paper has 1/n; with
//   2 CPUs, the disk and kswapd that is 1/4 = 1/n.

export interface PctBound {
  /** Bug depth the scheduler was configured for. */
  depth: number;
  /** Agents that ran in some execution (CPUs, the disk, kswapd). */
  n: number;
  /** The k change points were drawn over (decisions per execution). */
  k: number;
  /** Priority orders one execution draws from: n (the paper), or c!·h! when the CPUs and the
   *  helpers are ordered per class. */
  orders: number;
  /** Lower bound on the probability that one execution hits a given depth-d bug. */
  perExecution: number;
  /** Executions after which such a bug is found with probability ≥ 1 - 1/e. */
  executionsFor63: number;
}

const factorial = (x: number): number => (x <= 1 ? 1 : x * factorial(x - 1));

/** The bound for n agents, k decisions and depth d; with `cpus` given, for the model's
 *  per-class priorities (cpus CPUs below n - cpus helpers). */
export function pctBound(n: number, k: number, depth: number, cpus?: number): PctBound {
  const nn = Math.max(1, n);
  const kk = Math.max(1, k);
  const orders = cpus === undefined ? nn : factorial(Math.min(cpus, nn)) * factorial(Math.max(0, nn - cpus));
  const p = 1 / (orders * kk ** (depth - 1));
  return { depth, n: nn, k: kk, orders, perExecution: p, executionsFor63: Math.ceil(1 / p) };
}

/** The bound for the agents seen running (agentMask: a bit per agent, the CPUs being agents
 *  0 .. cpus-1), k decisions and depth d: n agents, of them the CPUs seen below the helpers. */
export function pctBoundOfAgents(agentMask: number, cpus: number, k: number, depth: number): PctBound {
  return pctBound(popcount(agentMask), k, depth, popcount(agentMask & ((1 << cpus) - 1)));
}

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

/** "1/(3·120^2) = 2.31e-5 per execution" */
export function fmtPctBound(b: PctBound): string {
  const pow = b.depth - 1 === 0 ? "" : b.depth - 1 === 1 ? `·${b.k}` : `·${b.k}^${b.depth - 1}`;
  const orders = b.orders === b.n ? `n = ${b.n} agents` : `${b.orders} priority orders of ${b.n} agents`;
  return (
    `1/(${b.orders}${pow}) = ${b.perExecution.toExponential(2)} per execution for a bug of depth ${b.depth}` +
    ` (${orders}, k = ${b.k} decisions)`
  );
}
