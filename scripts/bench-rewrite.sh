#!/usr/bin/env bash
# Rewrite benchmark and mutation run.
#
#   scripts/bench-rewrite.sh          # timing + 10,000-case mutation run
#   BENCH_MUTATION=0 scripts/bench-rewrite.sh   # timing only
#
# Timing: 1,000 Python files (10 automatic edits each, 10,000 in all) in 50
# directories under target/bench-rewrite; each run copies the template tree
# afresh (not timed) and times `rewrite --write` on it (wall, CPU, peak RSS,
# median of $BENCH_RUNS). Every written file is fsynced, as in real use.
# Mutation run: tests/robust_rewrite.rs with MUTATION_CASES=10000 in release.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
FILES=${BENCH_FILES:-1000}
BIN=${BENCH_BIN:-$ROOT/target/release/llmgw-migrate}
OUT=$ROOT/target/bench-rewrite
if [[ -z ${BENCH_BIN:-} ]]; then
  cargo build --release --locked --bin llmgw-migrate >&2
fi

rm -rf "$OUT"
mkdir -p "$OUT/template"
for i in $(seq 1 "$FILES"); do
  d=$OUT/template/pkg$((i % 50))
  mkdir -p "$d"
  cat >"$d/client_$i.py" <<EOF
"""Client $i."""
import os
from openai import OpenAI

OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1"
EXTRA = "https://openrouter.ai/api/v1"
client = OpenAI(
    base_url="https://openrouter.ai/api/v1",
    api_key=os.environ["OPENROUTER_API_KEY"],
)
fallback = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.getenv("OPENROUTER_API_KEY"))
SPARE_KEY = os.environ.get("OPENROUTER_API_KEY")


def ask_$i(prompt):
    r = client.chat.completions.create(model="anthropic/claude-3.5-sonnet", messages=[{"role": "user", "content": prompt}])
    s = client.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": prompt}])
    return r, s
EOF
done

plan=$("$BIN" rewrite --format json "$OUT/template" || true)
edits=$(jq '[.files[].edits | length] | add' <<<"$plan")
files=$(jq '[.files[] | select(.edits | length > 0)] | length' <<<"$plan")
echo "planned: $edits edits in $files files" >&2

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: >"$OUT/runs"
for r in $(seq 1 "$RUNS"); do
  rm -rf "$OUT/work"
  cp -r "$OUT/template" "$OUT/work"
  sync
  /usr/bin/time -o "$OUT/time.tmp" -f '%e %U %S %M' "$BIN" rewrite --write --allow-dirty "$OUT/work" >/dev/null 2>&1 || true
  tail -1 "$OUT/time.tmp" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$OUT/runs"
done
# The written tree must have nothing left to do.
left=$("$BIN" rewrite --format json "$OUT/work" | jq '[.files[].edits | length] | add // 0')
wall=$(awk '{print $1}' "$OUT/runs" | median)
cpu=$(awk '{print $2}' "$OUT/runs" | median)
rss=$(awk '{print $3}' "$OUT/runs" | sort -n | tail -1)
echo "rewrite --write: $edits edits in $files files: median wall ${wall} s, CPU ${cpu} s, peak RSS $((rss / 1024)) MB (runs: $(awk '{print $1}' "$OUT/runs" | tr '\n' ' ')); edits left after write: $left"

if [[ ${BENCH_MUTATION:-1} != 0 ]]; then
  MUTATION_CASES=${MUTATION_CASES:-10000} cargo test --release --locked --test robust_rewrite -- \
    --exact mutation_run_writes_whole_files_or_nothing --nocapture 2>&1 | grep -E "mutation run:|test result|panicked" || true
fi
