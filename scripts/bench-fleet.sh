#!/usr/bin/env bash
# `report merge` benchmark (issue 20): 1,000 scan reports of 50 findings
# each, merged into one fleet view.
#
#   scripts/bench-fleet.sh                  # build release, generate, time
#   BENCH_RUNS=9 BENCH_REPORTS=2000 scripts/bench-fleet.sh
#
# Reports are generated under target/bench-fleet from one real report
# (`scan fixtures/python-app --to ominigate --format json`, its first 50
# findings), each with its own repository name; every 10th names an older
# table, and every 5th finding's rule gets one of 97 suffixes so the
# manual-items grouping has many groups. Each format (json, markdown, html)
# is timed $BENCH_RUNS times after a warm-up: median wall and CPU (user +
# sys), peak RSS over the runs (GNU time). Targets: < 2 s and < 200 MB.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
REPORTS=${BENCH_REPORTS:-1000}
BIN=${BENCH_BIN:-$ROOT/target/release/llmgw-migrate}
OUT=$ROOT/target/bench-fleet
if [[ -z ${BENCH_BIN:-} ]]; then
  cargo build --release --locked --bin llmgw-migrate >&2
fi

rm -rf "$OUT"
mkdir -p "$OUT/reports"
"$BIN" scan fixtures/python-app --to ominigate --format json --repo-name template >"$OUT/template.json" || true
n=$(jq '.findings | length' "$OUT/template.json")
if ((n < 50)); then
  echo "template report has only $n findings" >&2
  exit 2
fi
jq -c '.findings |= .[:50]' "$OUT/template.json" >"$OUT/template50.json"
for i in $(seq 1 "$REPORTS"); do
  jq -c --arg repo "acme/service-$i" --argjson i "$i" '
    .repository = $repo
    | (if $i % 10 == 0 then .table = "ominigate@2026-10-01+sha256:000000000000" else . end)
    | .findings |= [to_entries[] | (if .key % 5 == 0 then .value.rule += "-\($i % 97)" else . end) | .value]
  ' "$OUT/template50.json" >"$OUT/reports/$i.json"
done
total=$(cat "$OUT"/reports/*.json | wc -c)
echo "generated $REPORTS reports x 50 findings ($((total / 1024 / 1024)) MB of JSON) in $OUT/reports" >&2

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for fmt in json markdown html; do
  "$BIN" report merge --format "$fmt" "$OUT"/reports/*.json >"$OUT/fleet.$fmt" # warm-up
  : >"$OUT/runs"
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -o "$OUT/time.tmp" -f '%e %U %S %M' \
      "$BIN" report merge --format "$fmt" "$OUT"/reports/*.json >"$OUT/fleet.$fmt"
    tail -1 "$OUT/time.tmp" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$OUT/runs"
  done
  wall=$(awk '{print $1}' "$OUT/runs" | median)
  cpu=$(awk '{print $2}' "$OUT/runs" | median)
  rss=$(awk '{print $3}' "$OUT/runs" | sort -n | tail -1)
  echo "report merge --format $fmt, $REPORTS reports: median wall ${wall} s, CPU ${cpu} s, peak RSS $((rss / 1024)) MB (runs: $(awk '{print $1}' "$OUT/runs" | tr '\n' ' '))"
done
# The figures mean something only if the merge saw everything.
jq -r '"merged: \(.totals.repositories) repositories, \(.totals.findings) findings, \(.manual | length) manual groups, \(.totals.tables.older // 0) with an older table, \(.errors | length) errors"' "$OUT/fleet.json"
