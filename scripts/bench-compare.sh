#!/usr/bin/env bash
# Scan CPU before/after: two builds of llmgw-migrate on the same tree,
# runs interleaved, median user+sys CPU and wall time of each, and the ratio.
# CPU time is the figure to compare on a shared machine (wall time waits for
# a core; CPU time does not).
#
#   scripts/bench-compare.sh OLD_BIN NEW_BIN [TREE]   # TREE: ~/.cargo/registry/src
#   BENCH_RUNS=7 scripts/bench-compare.sh ...
#
# Needs GNU time (/usr/bin/time).
set -euo pipefail
old=${1:?old binary}
new=${2:?new binary}
tree=${3:-$HOME/.cargo/registry/src}
runs=${BENCH_RUNS:-5}
command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
files=$(find "$tree" -type f | wc -l)
size=$(du -sm "$tree" | cut -f1)
echo "tree: $tree ($files files, $size MB); $runs runs each, interleaved; load $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One warm-up run each, so both read the tree from the page cache.
"$old" scan --format json --no-ignore "$tree" >/dev/null 2>&1 || true
"$new" scan --format json --no-ignore "$tree" >/dev/null 2>&1 || true
for i in $(seq "$runs"); do
  for which in old new; do
    bin=${!which}
    /usr/bin/time -f '%U %S %e %M' -o "$tmp/t" "$bin" scan --format json --no-ignore "$tree" >"$tmp/$which.json" 2>/dev/null || true
    read -r u s e m < <(tail -n 1 "$tmp/t")
    echo "$(echo "$u + $s" | bc) $e $m" >>"$tmp/$which.times"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for which in old new; do
  cpu=$(cut -d' ' -f1 "$tmp/$which.times" | median)
  wall=$(cut -d' ' -f2 "$tmp/$which.times" | median)
  rss=$(cut -d' ' -f3 "$tmp/$which.times" | sort -n | tail -1)
  n=$(jq ".findings | length" "$tmp/$which.json")
  echo "$which: median CPU ${cpu}s, median wall ${wall}s, peak RSS $((rss / 1024)) MB, $n findings"
  eval "${which}_cpu=$cpu"
done
echo "CPU ratio new/old: $(echo "scale=3; $new_cpu / $old_cpu" | bc)"
