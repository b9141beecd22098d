#!/bin/sh
# What sharding a campaign costs (issue 9: "shards add no more than 2% overhead over one
# process"), in CPU seconds, in one run of this script that alternates the two sides:
#   one process:  hunt --shard 0/1 --keep-going --executions E --out DIR
#   4 shards:     hunt --shard i/4 --keep-going --executions E --out DIR --jsonl part-i.jsonl
#                 for i in 0..3, one after another, then faultsim merge part-*.jsonl
#                 (the shards record their findings unshrunk, --defer-shrink being their
#                 default; the merge replays and shrinks each signature once)
# Each side's CPU seconds are user + sys of every process it ran (/usr/bin/time), the merge
# included. The two sides run the same executions; the script checks that they end with the
# same campaign hash, signatures, hit counts and repro files (byte for byte), and prints
# "DIFFERS" otherwise. Repeat i runs one process first when i is odd, the shards first when
# even. With PAIRED=1 the two sides run at the same time instead (the one process beside the
# shards' sequence, which take about as long): on a machine shared with other jobs, whose load
# drifts over minutes, both sides then see the same load. Per model and E: REPS lines, then the
# totals over the repeats.
# With two sizes or more, per model, a line splits what the shards add (their CPU seconds less
# the one process's, per campaign, mean of the repeats) into a constant part and a part
# proportional to the campaign (least squares of the added CPU s against the one process's),
# and says from which campaign size the shards add less than 2%.
# With BASE=DIR (another built checkout, e.g. `git worktree add --detach DIR main` and its
# `npm run build`), each repeat runs both builds, one after the other (which first alternates
# with the repeats), so that a shared machine's load falls on both: lines, totals and fits
# per build, "base: " and "head: " (this checkout).
# Usage: bench/shard-overhead.sh [E...]   (default E: 4000000 8000000; REPS=2 PAIRED=0 MODELS="..." BASE=DIR env)
set -eu
REPS=${REPS:-2}
PAIRED=${PAIRED:-0}
MODELS=${MODELS:-"linux-2.4.10-pre linux-2.4.16"}
SIZES=${*:-"4000000 8000000"}
# The command as installed (`faultsim`, package.json bin): dist/src/bin.cjs (an older
# checkout's dist/src/bin.js), which loads the bundled command line (src/build/bundle-cli.mjs).
entry() { if [ -f "$1/dist/src/bin.cjs" ]; then echo "$1/dist/src/bin.cjs"; else echo "$1/dist/src/bin.js"; fi; }
F=$(entry "$(cd "$(dirname "$0")/.." && pwd)")
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"

# cpu NAME CMD...: runs CMD (exit 0 or 1 is success), prints its user+sys CPU seconds.
cpu() {
  name=$1
  shift
  /usr/bin/time -f "%U %S" -o "$name.time" "$@" >"$name.out" || [ $? -eq 1 ]
  tail -1 "$name.time" | awk '{ printf "%.2f\n", $1 + $2 }'
}

# one MODEL E: one process; prints its CPU seconds.
one() {
  rm -rf one one.jsonl && mkdir one
  cpu one node "$F" hunt --model "$1" --keep-going --executions "$2" --budget-ms 100000000 --shard 0/1 --out one --jsonl one.jsonl
}

# shards MODEL E: 4 shards and the merge; prints their CPU seconds summed.
shards() {
  rm -rf parts part-*.jsonl && mkdir parts
  total=0
  for i in 0 1 2 3; do
    c=$(cpu "part$i" node "$F" hunt --model "$1" --keep-going --executions "$2" --budget-ms 100000000 --shard "$i/4" --out parts --jsonl "part-$i.jsonl")
    total=$(echo "$total + $c" | bc)
  done
  c=$(cpu merge node "$F" merge --json part-0.jsonl part-1.jsonl part-2.jsonl part-3.jsonl)
  echo "$total + $c" | bc
}

# same: whether both sides ended alike (merge of one.jsonl against the shards' merge, and
# the repro directories byte for byte).
same() {
  node "$F" merge --json one.jsonl >one-merge.out || [ $? -eq 1 ]
  node -e '
    const read = (f) => JSON.parse(require("fs").readFileSync(f, "utf8"));
    const a = read("one-merge.out"), b = read("merge.out");
    const key = (m) => JSON.stringify([m.hash, m.executions, m.signatures.map((s) => [s.signature, s.count, s.execution])]);
    process.stdout.write(key(a) === key(b) ? "same" : "DIFFERS");'
  diff -r one parts >/dev/null && echo " files" || echo " DIFFERENT-FILES"
}

# pair TAG MODEL E R: one repeat on the build $F, the one process against the shards; adds to
# TAG's sums and prints the repeat's line.
pair() {
  tag=$1 model=$2 E=$3 r=$4
  if [ "$PAIRED" = 1 ]; then
    # Side by side: the one process and the shards' sequence over the same minutes.
    one "$model" "$E" >one.cpu &
    b=$(shards "$model" "$E")
    wait
    a=$(cat one.cpu)
  elif [ $((r % 2)) -eq 1 ]; then
    a=$(one "$model" "$E")
    b=$(shards "$model" "$E")
  else
    b=$(shards "$model" "$E")
    a=$(one "$model" "$E")
  fi
  echo "$a $b" >>"sums.$tag"
  sigs=$(node -e 'const m = JSON.parse(require("fs").readFileSync("merge.out", "utf8")); console.log(m.signatures.map((s) => s.signature + " x" + s.count).join(", ") || "nothing found")')
  echo "${tag}rep $r: one process $a CPU s; 4 shards + merge $b CPU s ($(echo "scale=2; 100 * ($b - $a) / $a" | bc) %); $(same); $sigs"
}

# fitline NAME "E ONE ADDED ...": added CPU s = constant + share * (one process's CPU s),
# fitted over the sizes.
fitline() {
  echo "$2" | awk -v model="$1" '{
    n = NF / 3
    if (n < 2) exit
    for (i = 0; i < n; i++) { e[i] = $(3 * i + 1); x[i] = $(3 * i + 2); y[i] = $(3 * i + 3); sx += x[i]; sy += y[i] }
    mx = sx / n; my = sy / n
    for (i = 0; i < n; i++) { vxx += (x[i] - mx) ^ 2; vxy += (x[i] - mx) * (y[i] - my) }
    p = vxy / vxx; k = my - p * mx
    perExec = x[n - 1] / e[n - 1]
    printf "fit %s: the shards add %.2f CPU s per campaign + %.2f%% of the one process", model, k, 100 * p
    if (p < 0.02 && k > 0) printf "; under 2%% from %.0f executions (%.1f CPU s of one process)\n", k / (0.02 - p) / perExec, k / (0.02 - p)
    else printf "\n"
  }'
}

# The builds: this checkout's alone, or with BASE=DIR both, "base: " and "head: ", each repeat
# running the two one after the other (which first alternates with the repeats).
if [ -n "${BASE:-}" ]; then
  TAGS="base head"
  BASE_BIN=$(entry "$(cd "$BASE" && pwd)")
else
  TAGS="-"
fi
HEAD_BIN=$F

for model in $MODELS; do
  for tag in $TAGS; do : >"fit.$tag"; done
  for E in $SIZES; do
    how=$([ "$PAIRED" = 1 ] && echo "side by side" || echo "alternating")
    echo "== $model, --keep-going, $E executions: one process against 4 shards + merge, $how ($REPS each; load $(cut -d' ' -f1 /proc/loadavg))"
    for tag in $TAGS; do : >"sums.$tag"; done
    for r in $(seq 1 "$REPS"); do
      order=$TAGS
      [ $((r % 2)) -eq 1 ] || order=$(echo "$TAGS" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
      for tag in $order; do
        if [ "$tag" = base ]; then F=$BASE_BIN; else F=$HEAD_BIN; fi
        label=$([ "$tag" = - ] && echo "" || echo "$tag: ")
        pair "$tag" "$model" "$E" "$r" | sed "s/^$tag/$label/"
      done
    done
    for tag in $TAGS; do
      label=$([ "$tag" = - ] && echo "" || echo "$tag: ")
      awk -v label="$label" -v reps="$REPS" '{ a += $1; b += $2 } END {
        printf "%stotal: one process %.2f CPU s; 4 shards + merge %.2f CPU s; overhead %.2f %%; added %.3f CPU s per campaign\n", label, a, b, 100 * (b - a) / a, (b - a) / reps }' "sums.$tag"
      awk -v e="$E" -v reps="$REPS" '{ a += $1; b += $2 } END { printf " %s %.4f %.4f", e, a / reps, (b - a) / reps }' "sums.$tag" >>"fit.$tag"
    done
  done
  for tag in $TAGS; do
    fitline "$([ "$tag" = - ] && echo "$model" || echo "$model ($tag)")" "$(cat "fit.$tag")"
  done
done
