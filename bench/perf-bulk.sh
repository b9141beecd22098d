#!/bin/sh
# Where a bulk case's time goes, by Wasm function: builds DIR's untraced model with its function
# names (`node src/build/build-wasm.mjs --named FILE`: the shipped untraced build's flags plus a
# name section), runs bench/bulk-case.mjs under perf (node --perf-prof: V8 writes its JIT code
# with the names, perf inject --jit joins them to the samples) and prints the functions with the
# most samples; the perf data stays in OUT for `perf annotate -i OUT/perf.jit.data --stdio -s
# 'JS:assembly/kernel/machine/run_steps-131-turbofan'` (a function's name as the report shows it).
#   sh bench/perf-bulk.sh DIR CASE OPS [OUT]
# CASE and OPS as bench/bulk-case.mjs takes them (c1, c8, p4). perf needs
# kernel.perf_event_paranoid <= 2 (user-space samples); cpu-clock, as VMs have no cycle counter.
set -e
d=$(cd "${1:?usage: sh bench/perf-bulk.sh DIR CASE OPS [OUT]}" && pwd)
c=${2:?case: c1, c8 or p4}
n=${3:?ops}
out=${4:-$(mktemp -d)}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
(cd "$d" && node src/build/build-wasm.mjs --named "$out/named.wasm")
cd "$out"
rm -f jit-*.dump
FAULTSIM_WASM="$out/named.wasm" FAULTSIM_WASM_UNTRACED="$out/named.wasm" \
  perf record -q -k mono -e cpu-clock -F 2000 -o perf.data node --perf-prof "$here/bulk-case.mjs" "$d" "$c" "$n"
perf inject --jit -i perf.data -o perf.jit.data
perf report -i perf.jit.data --sort symbol --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | cut -c1-100
echo "perf data: $out/perf.jit.data"
