#!/bin/sh
# Campaign figures (docs/campaigns.md), each in one run of this script:
#   scale  - throughput of the campaign engine with 1 and 2 workers, alternating, REPS times:
#            wall, CPU seconds, executions per wall and per CPU second, and the hunt's own
#            rate (executions per hunting second, without start-up and investigation). Twice:
#            --keep-going on linux-2.4.10-pre (a signature found over and over), and
#            linux-2.4.16 without --keep-going (nothing to find: the pure scaling figure).
#   shards - CPU seconds of one process against 4 shards run one after another, alternating.
#   kills  - N campaigns (--workers 2) each SIGKILLed at a random moment and resumed with
#            `hunt --resume`, against one never killed: findings lost (a signature missing,
#            or its repro file missing or incomplete), findings in a stream twice,
#            campaigns whose executions, hits or hash differ (each campaign read back from
#            its stream by `faultsim merge --json`), and repro files not whole.
# Usage: bench/campaign.sh [kills] [all|scale|shards|kills]
#        (REPS=3 E=400000 SEED=... KILL_ARGS="--workers 2" AT=SECONDS env)
set -eu
KILLS=${1:-20}
WHAT=${2:-all}
REPS=${REPS:-3}
E=${E:-400000}
SEED=${SEED:-$$}
F="$(cd "$(dirname "$0")/.." && pwd)/dist/src/cli.js"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"
C="--executions $E --budget-ms 600000 --shrink-ms 200 --json"

# run NAME ARGS...: one hunt; its --json in NAME.json; prints "wall user+sys".
run() {
  name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$name.time" node "$F" hunt $C "$@" >"$name.json" || [ $? -eq 1 ]
  tail -1 "$name.time" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }' # (a first line says the exit code)
}
# field NAME EXPR: a value of NAME.json (j is the object).
field() { node -e "const j=require('./$1.json'); console.log($2)"; }

scale() {
  label=$1
  shift
  extra="$*" # (set -- below takes the positional parameters)
  echo "== $label: $E executions, campaign engine, 1 and 2 workers alternating ($REPS each; load $(cut -d' ' -f1 /proc/loadavg))"
  for i in $(seq 1 "$REPS"); do
    for w in 1 2; do
      set -- $(run "s$w" --shard 0/1 --workers "$w" $extra)
      echo "workers $w: wall $1 s, cpu $2 s, $(echo "$E/$1" | bc) exec/s wall, $(echo "$E/$2" | bc) exec/cpu-s," \
        "hunting $(field "s$w" 'Math.round(j.executionsPerSec)') exec/s, setup $(field "s$w" 'Math.round(j.setupMs)') ms, hash $(field "s$w" 'j.hash') $(field "s$w" 'JSON.stringify(j.hits)')"
    done
  done
}

shards() {
  echo "== 4 shards one after another against one process, $E executions, --keep-going, alternating ($REPS each)"
  for i in $(seq 1 "$REPS"); do
    set -- $(run one --keep-going --shard 0/1)
    one_cpu=$2
    one_wall=$1
    parts_cpu=0
    parts_wall=0
    for s in 0 1 2 3; do
      set -- $(run "p$s" --keep-going --shard "$s/4")
      parts_cpu=$(echo "$parts_cpu+$2" | bc)
      parts_wall=$(echo "$parts_wall+$1" | bc)
    done
    echo "one process: cpu $one_cpu s (wall $one_wall s); 4 shards: cpu $parts_cpu s (wall $parts_wall s);" \
      "overhead $(echo "scale=1; 100*($parts_cpu-$one_cpu)/$one_cpu" | bc) %"
  done
}

# check.mjs REF.json K.json K.jsonl OUTDIR: one line "lost twice differs incomplete". REF.json and
# K.json are `faultsim merge --json` of the two campaigns' streams (what a stream says it ran and
# found, whether or not its last leg printed a summary: a resume of a campaign the kill came too
# late for prints none). lost: a signature of the uninterrupted campaign missing, or without a
# complete repro file; incomplete: a file in OUTDIR that is not a whole repro (a partial write
# or a temporary file left behind).
cat >check.mjs <<'EOF'
import { readFileSync, readdirSync } from "node:fs";
const [ref, got, stream, out] = process.argv.slice(2).map((f, i) => (i < 2 ? JSON.parse(readFileSync(f, "utf8")) : f));
const findings = readFileSync(stream, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)).filter((e) => e.event === "finding");
const complete = new Set();
let incomplete = 0;
for (const f of readdirSync(out)) {
  try {
    complete.add(JSON.parse(readFileSync(`${out}/${f}`, "utf8")).signature);
  } catch {
    incomplete++; // a partial file: it holds no finding
  }
}
const sigs = (m) => m.signatures.map((s) => s.signature);
const lost = sigs(ref).filter((s) => !sigs(got).includes(s) || !complete.has(s)).length;
const twice = findings.length - new Set(findings.map((e) => e.signature)).size;
const counts = (m) => JSON.stringify(m.signatures.map((s) => [s.signature, s.count]));
const differs = got.hash !== ref.hash || got.executions !== ref.executions || counts(got) !== counts(ref) ? 1 : 0;
console.log(lost, twice, differs, incomplete);
EOF

# KILL_ARGS: the engine of the killed campaigns (default --workers 2; --workers 1: one thread).
# AT=SECONDS: every kill at that moment instead of random ones (a moment past the campaign's
# end checks the case where the kill comes too late).
KILL_ARGS=${KILL_ARGS:---workers 2}
kills() {
  mkdir ref-out
  set -- $(run ref --keep-going $KILL_ARGS --out ref-out --jsonl ref.jsonl)
  T=$1
  node "$F" merge --json ref.jsonl >ref-merge.json || [ $? -eq 1 ]
  echo "== $KILLS SIGKILLs, each then resumed ($KILL_ARGS, --keep-going, $E executions; uninterrupted: $T s, signatures $(field ref 'j.signatures.join(" ")'), hash $(field ref 'j.hash'); seed $SEED; load $(cut -d' ' -f1 /proc/loadavg))"
  lost=0 twice=0 differs=0 incomplete=0 late=0
  for k in $(seq 1 "$KILLS"); do
    rm -rf k.jsonl k.json k-out
    mkdir k-out
    # Half the kills in the first 1.5 s (start-up, the first finding, its shrink), half anywhere.
    at=${AT:-$(awk -v s="$SEED" -v k="$k" -v t="$T" 'BEGIN { srand(s * 1000 + k); r = rand(); printf "%.2f", 0.1 + (k % 2 ? r * 1.4 : r * (t - 0.1)) }')}
    node "$F" hunt $C --keep-going $KILL_ARGS --out k-out --jsonl k.jsonl >/dev/null &
    p=$!
    sleep "$at"
    if kill -9 "$p" 2>/dev/null; then how=killed; else how="ended before the kill"; late=$((late + 1)); fi
    wait "$p" 2>/dev/null || true
    if grep -q '"event":"start"' k.jsonl 2>/dev/null; then
      how="$how, resumed"
      # A campaign that ended before the kill: --resume says so on stderr and prints nothing.
      node "$F" hunt --resume k.jsonl --json >k.json 2>k.err || [ $? -eq 1 ]
    else
      # Killed before its stream began: nothing to resume, the campaign starts again.
      how="$how, restarted"
      rm -f k.jsonl
      node "$F" hunt $C --keep-going $KILL_ARGS --out k-out --jsonl k.jsonl >k.json || [ $? -eq 1 ]
    fi
    node "$F" merge --json k.jsonl >k-merge.json || [ $? -eq 1 ]
    set -- $(node check.mjs ref-merge.json k-merge.json k.jsonl k-out)
    echo "kill $k at $at s: $how; lost $1, twice in the stream $2, differs $3, incomplete files $4; repro files $(ls k-out | wc -l)"
    lost=$((lost + $1))
    twice=$((twice + $2))
    differs=$((differs + $3))
    incomplete=$((incomplete + $4))
  done
  echo "kills $KILLS ($late came after the campaign had ended): findings lost $lost, findings twice in a stream $twice," \
    "campaigns that differ from the uninterrupted one $differs, incomplete repro files $incomplete"
}

case $WHAT in
all | scale)
  scale "linux-2.4.10-pre --keep-going" --keep-going
  scale "linux-2.4.16, nothing to find" --model linux-2.4.16
  ;;
esac
case $WHAT in all | shards) shards ;; esac
case $WHAT in all | kills) kills ;; esac
