#!/bin/sh
# Campaign figures (docs/campaigns.md): throughput with 1 and 2 workers (wall and per CPU
# second), 4 shards run one after another against one process, and findings lost over N
# random SIGKILLs each followed by `hunt --resume`. Usage: bench/campaign.sh [kills]
set -e
KILLS=${1:-20}
F="$(cd "$(dirname "$0")/.." && pwd)/dist/src/cli.js"
D=$(mktemp -d); cd "$D"; mkdir out
E=400000
C="--keep-going --executions $E --budget-ms 600000 --shrink-ms 200 --out out --json"
t() { /usr/bin/time -f "%e %U %S" node "$F" hunt $C "$@" 2>&1 >/dev/null | tail -1; }
for w in 1 2; do set -- $(t --workers $w); echo "workers $w: wall $1 s, cpu $(echo "$2+$3" | bc) s, $(echo "$E/$1" | bc) exec/s wall, $(echo "$E/($2+$3)" | bc) exec/cpu-s"; done
set -- $(t --shard 0/1); one="$1"; s=0; for i in 0 1 2 3; do set -- $(t --shard $i/4); s=$(echo "$s+$1" | bc); done
echo "one process $one s, 4 shards in sequence $s s"
node "$F" hunt $C --workers 2 --jsonl ref.jsonl > ref.json || true
lost=0; n=$KILLS
for k in $(seq 1 "$n"); do
  rm -f k.jsonl; node "$F" hunt $C --workers 2 --jsonl k.jsonl > /dev/null & p=$!
  sleep "$(awk -v s="$k" 'BEGIN{srand(s); printf "%.2f", 0.3 + rand()*2.5}')"; kill -9 $p 2>/dev/null || true; wait $p 2>/dev/null || true
  if [ -s k.jsonl ]; then node "$F" hunt --resume k.jsonl --json > k.json || true; else node "$F" hunt $C --workers 2 --jsonl k.jsonl > k.json || true; fi
  node -e 'const a=require("./ref.json"),b=require("./k.json");process.exit(a.hash===b.hash&&JSON.stringify(a.hits)===JSON.stringify(b.hits)?0:1)' || lost=$((lost+1))
done
echo "kills $n, campaigns that differ from the uninterrupted one: $lost"
rm -rf "$D"
