#!/usr/bin/env bash
# Overhead of `parity`: run it against the local fake gateways with a fixed
# latency and compare the wall time with the ideal (sum of latencies divided
# by concurrency). Prints client CPU time and peak memory too.
#
#   scripts/parity-bench.sh [PROMPTS] [LATENCY_MS] [CONCURRENCY] [SAMPLES] [JUDGE]
#
# Each prompt runs in both modes against both gateways, SAMPLES times each
# (default 1): 4 x SAMPLES requests. With JUDGE=1 every prompt's text check
# is a judge check, answered by the fake judge on PORT+2 with the same
# latency; the fakes answer deterministically, so each result has one
# distinct pair and costs one judge call, which the ideal includes. The fake
# waits LATENCY_MS before answering; streams then arrive without delay.
set -euo pipefail
cd "$(dirname "$0")/.."
PROMPTS=${1:-100}
LATENCY_MS=${2:-100}
CONC=${3:-8}
SAMPLES=${4:-1}
JUDGE=${5:-0}
PORT=${PARITY_BENCH_PORT:-18580}

# PARITY_BENCH_NO_BUILD=1 measures the release binaries already built.
if [ -z "${PARITY_BENCH_NO_BUILD:-}" ]; then
  cargo build --locked --release --quiet --bin llmgw-migrate --example parity
fi
BIN=target/release/llmgw-migrate
FAKE=target/release/examples/parity

work=$(mktemp -d)
"$FAKE" serve --port-base "$PORT" --latency-ms "$LATENCY_MS" >"$work/fake.log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  grep -q candidate "$work/fake.log" 2>/dev/null && break
  sleep 0.1
done

{
  echo "schema: 1"
  echo "defaults: {stream: both, params: {temperature: 0, max_tokens: 64}}"
  echo "prompts:"
  for i in $(seq "$PROMPTS"); do
    extra=""
    [ "$JUDGE" = 1 ] && extra=", expect: {text: {judge: true}}"
    echo "  - {id: p$i, model: openai/gpt-4o, samples: $SAMPLES$extra, messages: [{role: user, content: 'Question number $i: what is the capital of France?'}]}"
  done
} >"$work/golden.yaml"
cat >"$work/config.yaml" <<YAML
baseline: {base_url: "http://127.0.0.1:$PORT/v1"}
candidate: {base_url: "http://127.0.0.1:$((PORT + 1))/v1", map_models: llmgateway}
concurrency: $CONC
YAML
if [ "$JUDGE" = 1 ]; then
  echo "judge: {base_url: \"http://127.0.0.1:$((PORT + 2))/v1\", model: judge-1}" >>"$work/config.yaml"
fi

set +e
/usr/bin/time -f "%e %U %S %M" -o "$work/time" \
  "$BIN" parity --golden "$work/golden.yaml" --config "$work/config.yaml" --format json >"$work/report.json"
rc=$?
set -e
read -r wall user sys rss <"$work/time"
chat=$((PROMPTS * 4 * SAMPLES))
judge=0
[ "$JUDGE" = 1 ] && judge=$((PROMPTS * 2))
requests=$((chat + judge))
python3 - "$work/report.json" "$requests" "$LATENCY_MS" "$CONC" "$wall" "$user" "$sys" "$rss" "$rc" "$chat" "$judge" "$SAMPLES" <<'PY'
import json, sys
rep, n, lat, conc, wall, user, sys_, rss, rc, chat, judge, samples = sys.argv[1:]
n, lat, conc = int(n), float(lat), int(conc)
wall, cpu = float(wall), float(user) + float(sys_)
r = json.load(open(rep))
ideal = n * lat / 1000 / conc
print(f"requests          {n} ({chat} chat: prompts x 2 modes x 2 gateways x {samples} samples; {judge} judge), latency {lat:.0f} ms, concurrency {conc}")
print(f"verdict           {r['verdict']} (exit {rc}), {r['summary']['pass']} pass / {r['summary']['fail']} fail / {r['summary']['error']} error")
print(f"wall time         {wall:.2f} s (process), {r['summary']['wall_ms'] / 1000:.2f} s (requests)")
print(f"ideal             {ideal:.2f} s = {n} x {lat / 1000:.3f} s / {conc}")
print(f"overhead          {wall - ideal:+.2f} s ({(wall / ideal - 1) * 100:+.1f} %)")
print(f"client CPU        {cpu:.2f} s (user {float(user):.2f} + sys {float(sys_):.2f}), {cpu / n * 1000:.2f} ms per request")
print(f"peak RSS          {int(rss) / 1024:.1f} MiB")
PY
