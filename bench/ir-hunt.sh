#!/bin/sh
# Instructions per hunt execution of a built checkout, counted by valgrind (cachegrind, no cache
# simulation): nearly deterministic, so a change of a few percent shows where CPU-second figures on a shared
# machine vary by several percent. Two hunt sizes are counted and differenced, which takes out
# node's start-up and the Wasm compile (node --single-threaded --no-liftoff: the Wasm is
# compiled once, up front, and no background thread adds a varying count). It runs
# dist/src/cli.js, the command line's modules as they are, not the installed entry: that one
# (dist/src/bin.js -> bin.cjs) loads the bundle from a V8 code cache which a process whose V8
# flags differ from the cache's rewrites (the build's, any plain `node` run), and what the cache
# held moved the count by 10-20% (one build, 4 Dec 2026: 51,870, 52,014, 52,057, 58,088,
# 58,164, 58,214, 58,281 and 64,254 instructions per execution; its comment then said "within
# ~1-2%", and assembly/README.md "±400 of ~57,000"). Without the cache one build's counts agree
# within ~1% (57,770, 58,141 and 58,409, linux-2.4.16, each after a plain `node` run had
# rewritten the cache, 4 Dec 2026; 59,164, 59,145 and 59,630 after set_page_dirty took
# pagecache_lock, the same day): a change smaller than that wants several counts of each
# build, side by side:
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
    node --single-threaded --no-liftoff "$d/dist/src/cli.js" hunt $args --executions "$1" --budget-ms 100000000 2>&1 |
    grep "I *refs" | sed 's/.*refs: *//; s/,//g'
}
x=$(ir "$a")
y=$(ir "$b")
echo "$d: $(((y - x) / (b - a))) instructions per execution"
