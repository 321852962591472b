#!/usr/bin/env bash
# Peak memory of `parity` against hostile gateways (issue 13): an endless
# SSE stream, a 2 GB body and one 100 MB SSE event, at the default
# concurrency, response cap and a 20 s timeout, with and without --record.
#
#   scripts/parity-hostile.sh [PROMPTS]
#
# Prints one line per case: wall time, peak RSS, what the report said.
set -euo pipefail
cd "$(dirname "$0")/.."
PROMPTS=${1:-8}
PORT=${PARITY_HOSTILE_PORT:-18690}

# PARITY_PROFILE=dev measures the debug build (no release build needed).
PROFILE=${PARITY_PROFILE:-release}
DIR=$([ "$PROFILE" = dev ] && echo debug || echo release)
cargo build --locked --profile "$PROFILE" --quiet --bin llmgw-migrate --example parity
BIN=target/$DIR/llmgw-migrate
FAKE=target/$DIR/examples/parity

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

{
  echo "schema: 1"
  echo "defaults: {stream: both}"
  echo "prompts:"
  for i in $(seq "$PROMPTS"); do
    echo "  - {id: p$i, model: openai/gpt-4o, messages: [{role: user, content: 'Question $i'}]}"
  done
} >"$work/golden.yaml"

printf '%-12s %-8s %8s %10s  %s\n' case record wall "peak RSS" "first error"
port=$PORT
for mode in endless-sse big-body huge-event; do
  "$FAKE" hostile "$mode" --port-base "$port" >"$work/$mode.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    grep -q hostile "$work/$mode.log" 2>/dev/null && break
    sleep 0.1
  done
  cat >"$work/$mode.yaml" <<YAML
baseline: {base_url: "http://127.0.0.1:$port/v1", timeout_s: 20}
candidate: {base_url: "http://127.0.0.1:$port/v1", timeout_s: 20}
retries: 0
YAML
  for record in no yes; do
    extra=()
    [ "$record" = yes ] && extra=(--record "$work/rec-$mode")
    set +e
    /usr/bin/time -f "%e %M" -o "$work/time" "$BIN" parity --golden "$work/golden.yaml" \
      --config "$work/$mode.yaml" --format json "${extra[@]}" >"$work/report.json" 2>/dev/null
    set -e
    read -r wall rss < <(tail -n 1 "$work/time")
    first=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["prompts"][0]["checks"][0]["detail"][:70])' "$work/report.json")
    printf '%-12s %-8s %7.2fs %7.1f MiB  %s\n' "$mode" "$record" "$wall" "$(echo "$rss / 1024" | bc -l)" "$first"
  done
  port=$((port + 1))
done
