#!/bin/sh
# Cold start of two builds side by side (issue 12): each case run REPS times per build, the
# builds alternating, medians of CPU seconds (user+sys of the process) and wall seconds.
#   cases: `node -e 0`, `faultsim --version`, a 1-op run on a 1M-frame machine, and the
#   default `faultsim hunt` up to its first finding drawn (exit 1).
# Usage: bench/cold.sh [BASE_DIR] [NEW_DIR]   (REPS=9; a DIR is a checkout with dist/ built;
#        NEW_DIR defaults to this checkout, BASE_DIR to NEW_DIR)
set -eu
HERE="$(cd "$(dirname "$0")/.." && pwd)"
NEW=${2:-$HERE}
BASE=${1:-$NEW}
REPS=${REPS:-9}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"

# one DIR NAME STATUS ARGS...: runs the case once, appends "cpu wall" to NAME.DIRTAG; a run
# that does not exit with STATUS (a usage error, a crash) stops the script.
one() {
  dir=$1 tag=$2 name=$3 want=$4
  shift 4
  status=0
  /usr/bin/time -f "%e %U %S" -o t node "$@" >/dev/null 2>err || status=$?
  if [ "$status" != "$want" ]; then
    echo "cold.sh: $name ($dir) exited $status, not $want: $(head -c 300 err)" >&2
    exit 2
  fi
  tail -1 t | awk '{ printf "%.3f %.3f\n", $2 + $3, $1 }' >>"$name.$tag"
}
# entry DIR: the installed `faultsim` of a checkout (package.json bin: dist/src/bin.cjs; an
# older checkout's dist/src/bin.js).
entry() { if [ -f "$1/dist/src/bin.cjs" ]; then echo "$1/dist/src/bin.cjs"; else echo "$1/dist/src/bin.js"; fi; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

cases() {
  dir=$1 tag=$2
  one "$dir" "$tag" node 0 -e 0
  bin=$(entry "$dir")
  one "$dir" "$tag" version 0 "$bin" --version
  one "$dir" "$tag" run1M 0 "$bin" run --ops 1 --frames 1048576 --seed 1
  # An empty --out each time (hunt refuses a missing one: exit 2, as this script measured
  # before it checked the exit status).
  rm -rf out && mkdir out
  one "$dir" "$tag" hunt 1 "$bin" hunt --out out
}
for i in $(seq 1 "$REPS"); do
  cases "$BASE" base
  [ "$NEW" = "$BASE" ] || cases "$NEW" new
done
echo "cold start, median of $REPS, alternating (load $(cut -d' ' -f1 /proc/loadavg)): CPU-s (wall s)"
for name in node version run1M hunt; do
  line="$name:"
  for tag in base new; do
    [ -f "$name.$tag" ] || continue
    line="$line $tag $(cut -d' ' -f1 "$name.$tag" | median) ($(cut -d' ' -f2 "$name.$tag" | median))"
  done
  echo "$line"
done
