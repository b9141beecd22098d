#!/bin/sh
# The random walk's machine on linux-2.4.0, swept for the time to its first 14 Sep duplicate
# (issue 14: median ≤ 100 ms, p95 ≤ 1 s over hunt seeds 1-20): each machine below is a
# `faultsim hunt --model linux-2.4.0 --sched random` with those options, measured over the
# same seeds by bench/hunt-figures.ts first, alternated seed by seed, the first row the one
# the others are set beside. Prints one
# line per machine, then a markdown table (CPU ms of hunting, executions to the finding, CPU
# µs per execution, misses). Only machine options the real kernel allows (frames, pages,
# slots, page_cluster, CPUs, mms, threads or processes, kswapd) and ops per CPU.
#
#   npm run build && sh bench/sweep-240-random.sh [coarse|fine|check] [hunt-figures options]
#     coarse  one option at a time off the machine before 4 Dec 2026 (7 ops over 3 pages)
#     fine    the combinations the coarse pass pointed at (run with --seeds 100)
#     check   today's default beside that old machine
# 20 seeds unless --seeds; --first-seed 21 (or 101) for seeds the choice was not made on,
# e.g. `sh bench/sweep-240-random.sh check --seeds 100 --first-seed 21`. A seed not found in
# --budget (3 s here) counts as a miss, slower than every found one. Every row but the
# default's spells the old machine's --pages 3 --ops 7 first (a later option wins), so the
# rows stay the machines docs/performance.md's tables measured whatever the default is.
set -e
cd "$(dirname "$0")/.."
stage=${1:-check}
[ $# -gt 0 ] && shift
run() {
  node dist/bench/hunt-figures.js first --model linux-2.4.0 --sched random --budget 3000 "$@"
}
O="--pages 3 --ops 7"
case $stage in
  coarse)
    run --hunt "$O" --hunt "$O --frames 5" --hunt "$O --frames 7" --hunt "$O --frames 8" \
      --hunt "$O --pages 2" --hunt "$O --pages 4" --hunt "$O --pages 5" \
      --hunt "$O --slots 5" --hunt "$O --slots 7" --hunt "$O --slots 13" --hunt "$O --slots 17" \
      --hunt "$O --page-cluster 2" --hunt "$O --cpus 2" --hunt "$O --cpus 4" \
      --hunt "$O --mms 1" --hunt "$O --mms 3" --hunt "$O --threads" --hunt "$O --no-kswapd" \
      --hunt "$O --ops 5" --hunt "$O --ops 10" "$@"
    ;;
  fine)
    run --hunt "$O" --hunt "$O --threads --ops 4" --hunt "$O --threads --ops 5" --hunt "$O --threads --ops 6" \
      --hunt "$O --threads" --hunt "$O --threads --ops 8" --hunt "$O --threads --pages 4 --ops 6" \
      --hunt "$O --pages 2 --ops 6" --hunt "$O --pages 2" --hunt "$O --cpus 4 --pages 2" \
      --hunt "$O --cpus 4 --pages 2 --ops 6" --hunt "$O --cpus 4 --pages 2 --ops 5" \
      --hunt "$O --cpus 4 --threads --ops 5" --hunt "$O --cpus 4 --threads --ops 6" \
      --hunt "$O --cpus 4 --ops 5" --hunt "$O --cpus 4 --pages 2 --frames 7" "$@"
    ;;
  check)
    run --hunt "" --hunt "$O" "$@"
    ;;
  *)
    echo "sweep-240-random.sh: unknown stage '$stage' (coarse, fine or check)" >&2
    exit 2
    ;;
esac
