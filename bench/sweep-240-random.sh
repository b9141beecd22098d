#!/bin/sh
# The random walk's machine on linux-2.4.0, swept for the time to its first 14 Sep duplicate
# (issue 14: median ≤ 100 ms, p95 ≤ 1 s over hunt seeds 1-20): each machine below is a
# `faultsim hunt --model linux-2.4.0 --sched random` with those options, measured over the
# same seeds by bench/hunt-figures.ts first, alternated seed by seed, the first row the
# model's own default machine (src/explore/defaults.ts) the others are set beside. Prints one
# line per machine, then a markdown table (CPU ms of hunting, executions to the finding, CPU
# µs per execution, misses). Only machine options the real kernel allows (frames, pages,
# slots, page_cluster, CPUs, mms, threads or processes, kswapd) and ops per CPU.
#
#   npm run build && sh bench/sweep-240-random.sh [coarse|fine|check] [hunt-figures options]
#     coarse  one option at a time off the default machine (20 seeds unless --seeds)
#     fine    the combinations the coarse pass pointed at
#     check   the default against the machine it replaced (20 seeds; --seeds 100 or
#             --first-seed 21 for held-out seeds)
# e.g. `sh bench/sweep-240-random.sh check --seeds 100`. A seed not found in --budget (3 s
# here) counts as a miss, slower than every found one.
set -e
cd "$(dirname "$0")/.."
stage=${1:-check}
[ $# -gt 0 ] && shift
run() {
  node dist/bench/hunt-figures.js first --model linux-2.4.0 --sched random --budget 3000 "$@"
}
case $stage in
  coarse)
    run --hunt "" --hunt "--frames 5" --hunt "--frames 7" --hunt "--frames 8" \
      --hunt "--pages 2" --hunt "--pages 4" --hunt "--pages 5" \
      --hunt "--slots 5" --hunt "--slots 7" --hunt "--slots 13" --hunt "--slots 17" \
      --hunt "--page-cluster 2" --hunt "--cpus 2" --hunt "--cpus 4" \
      --hunt "--mms 1" --hunt "--mms 3" --hunt "--threads" --hunt "--no-kswapd" \
      --hunt "--ops 5" --hunt "--ops 10" "$@"
    ;;
  fine)
    run --hunt "" --hunt "--pages 2 --ops 5" --hunt "--pages 2 --ops 6" --hunt "--pages 2 --ops 8" \
      --hunt "--threads --ops 4" --hunt "--threads --ops 5" --hunt "--threads --ops 6" --hunt "--threads --ops 8" \
      --hunt "--threads --pages 2" --hunt "--threads --pages 4 --ops 6" \
      --hunt "--cpus 4 --pages 2" --hunt "--cpus 4 --pages 2 --ops 5" --hunt "--cpus 4 --pages 2 --ops 6" \
      --hunt "--cpus 4 --threads --ops 5" --hunt "--cpus 4 --ops 5" --hunt "--cpus 4 --pages 2 --frames 7" "$@"
    ;;
  check)
    run --hunt "" --hunt "--pages 3 --ops 7" "$@"
    ;;
  *)
    echo "sweep-240-random.sh: unknown stage '$stage' (coarse, fine or check)" >&2
    exit 2
    ;;
esac
