#!/usr/bin/env bash
# `scan --history` benchmark: wall time, CPU time and peak RSS of
#   llmgw-migrate scan --history --format json --kinds secret REPO/<empty dir>
# against the reference cost of reading the same blobs with git alone:
#   git rev-list --objects --all --missing=print --filter=object:type=blob --filter=blob:limit=4194304 |
#     git cat-file --batch >/dev/null
# Runs alternate between the two (order flipped each round) after a warm-up,
# so page cache and machine load hit both alike; medians of $BENCH_RUNS.
#
#   scripts/bench-history.sh REPO        # a clone or a bare mirror
#   BENCH_RUNS=3 BENCH_WARMUP=0 BENCH_BIN=target/debug/llmgw-migrate scripts/bench-history.sh REPO
#
# Needs: git, jq, /usr/bin/time (GNU time).
set -euo pipefail

REPO=${1:?usage: scripts/bench-history.sh REPO}
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
BIN=${BENCH_BIN:-$ROOT/target/release/llmgw-migrate}
CAP=4194304
if [[ -z ${BENCH_BIN:-} ]]; then
  cargo build --release --locked --bin llmgw-migrate >&2
fi
RES=$(mktemp -d)
trap 'rm -rf "$RES"' EXIT

objects=$(git -C "$REPO" count-objects -v | awk '/^in-pack:/ {print $2}')
commits=$(git -C "$REPO" rev-list --all --count)
pack=$(git -C "$REPO" count-objects -vH | awk '/^size-pack:/ {print $2, $3}')
echo "repo: $REPO  objects: $objects  commits: $commits  pack: $pack"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# GNU time's peak RSS covers the whole process tree (git's mapped pack
# files included); the tool's own high-water mark is read from /proc.
tool() {
  /usr/bin/time -f '%e %U %S %M' -o "$RES/t" "$BIN" scan --history --format json \
    --max-filesize "$CAP" "$REPO" >"$RES/out.json" 2>"$RES/err" &
  local tp=$! pid="" hwm=0 h
  while kill -0 "$tp" 2>/dev/null; do
    [[ -n $pid ]] || pid=$(pgrep -P "$tp" -x llmgw-migrate || true)
    if [[ -n $pid ]]; then
      h=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [[ -n $h ]] && hwm=$h
    fi
    sleep 0.2
  done
  wait "$tp" || [[ $? == 1 ]]
  echo "$(cat "$RES/t") $hwm"
}
reference() {
  /usr/bin/time -f '%e %U %S %M' -o "$RES/t" sh -c "git -C '$REPO' rev-list --objects --all --missing=print \
    --filter=object:type=blob --filter=blob:limit=$CAP | git -C '$REPO' cat-file --batch >/dev/null"
  cat "$RES/t"
}

if ((WARMUP)); then
  tool >/dev/null
  reference >/dev/null
fi
: >"$RES/tool"
: >"$RES/ref"
for i in $(seq "$RUNS"); do
  if ((i % 2)); then
    tool >>"$RES/tool"
    reference >>"$RES/ref"
  else
    reference >>"$RES/ref"
    tool >>"$RES/tool"
  fi
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
cpu() { awk '{print $2 + $3}' "$1" | median; }
peak() { awk -v c="${2:-4}" '{print $c}' "$1" | sort -n | tail -1; }
tw=$(col "$RES/tool" 1) rw=$(col "$RES/ref" 1)
tc=$(cpu "$RES/tool") rc=$(cpu "$RES/ref")
blobs=$(jq '.history.blobs' "$RES/out.json")
bytes=$(jq '.history.bytes' "$RES/out.json")
found=$(jq '.history.findings | length' "$RES/out.json")
missing=$(jq '.history.missing' "$RES/out.json")
echo "blobs read: $blobs, missing from the clone: $missing ($(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}') MiB); keys found: $found"
printf 'scan --history: wall %.2f s, CPU %.2f s, peak RSS %.1f MB (process tree), %.1f MB (llmgw-migrate itself)\n' \
  "$tw" "$tc" "$(peak "$RES/tool" | awk '{print $1 / 1024}')" "$(peak "$RES/tool" 5 | awk '{print $1 / 1024}')"
printf 'git alone:      wall %.2f s, CPU %.2f s, peak RSS %.1f MB (process tree)\n' "$rw" "$rc" "$(peak "$RES/ref" | awk '{print $1 / 1024}')"
awk -v a="$tw" -v b="$rw" -v c="$tc" -v d="$rc" 'BEGIN {printf "ratio: wall %.2fx, CPU %.2fx (medians of runs)\n", a / b, c / d}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
