#!/bin/sh
# Instructions per hunt execution of a built checkout, counted by valgrind (cachegrind, no cache
# simulation): nearly deterministic, so a change of a few percent shows where CPU-second figures on a shared
# machine vary by several percent. Two hunt sizes are counted and differenced, which takes out
# node's start-up and the Wasm compile (node --single-threaded --no-liftoff: the Wasm is
# compiled once, up front, and no background thread adds a varying count).
# The command line's V8 code cache (dist/src/cli.bundle.cache, src/code-cache.cts) is rewritten
# by a process whose V8 flags differ from the cache's: the build's, or any plain `node` run,
# leaves one these flags reject. Counted so, the first size compiled the bundle from source and
# the second loaded the cache the first wrote, and the difference came out ~11% low (51,870 and
# 52,014 against 58,088-58,281 of the same build, 4 Dec 2026). So one run with these flags, not
# counted, first leaves the cache both sizes then load. Identical builds then agree within
# ~0.5% run to run (58,088 to 58,281, linux-2.4.16; a change is clearer side by side, both at once):
#   sh bench/ir-hunt.sh DIR [EXECS_A EXECS_B] ["HUNT ARGS"]
# (defaults 2000 22000 "--model linux-2.4.16"; about a minute per DIR). Instructions are not
# time (a mispredicted branch or a cache miss costs more than one): confirm a change that
# matters with bench/ab-hunt.mjs.
d=${1:?usage: sh bench/ir-hunt.sh DIR [EXECS_A EXECS_B] [HUNT ARGS]}
a=${2:-2000}
b=${3:-22000}
args=${4:---model linux-2.4.16}
ir() {
  # shellcheck disable=SC2086
  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null \
    node --single-threaded --no-liftoff "$d/dist/src/bin.js" hunt $args --executions "$1" --budget-ms 100000000 2>&1 |
    grep "I *refs" | sed 's/.*refs: *//; s/,//g'
}
# shellcheck disable=SC2086
node --single-threaded --no-liftoff "$d/dist/src/bin.js" hunt $args --executions 1 --budget-ms 100000000 >/dev/null 2>&1 || true
x=$(ir "$a")
y=$(ir "$b")
echo "$d: $(((y - x) / (b - a))) instructions per execution"
