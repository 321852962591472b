#!/usr/bin/env bash
# Optional, not part of CI: run `parity` against two real OpenAI-compatible
# servers nobody on this team wrote -- two LiteLLM proxies (from PyPI) -- in
# front of a mock upstream on 127.0.0.1 (the fake gateway of
# examples/parity/fake.rs), with nothing but a config file.
#
#   scripts/parity-litellm.sh [extra parity args...]
#
# Env: PARITY_LITELLM_VENV (virtualenv dir), PARITY_LITELLM_PORT (first of 4 ports, default 14000),
#      LITELLM_SPEC (pip requirement, default 'litellm[proxy]').
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PARITY_LITELLM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/llmgw-migrate/litellm-venv}
PORT=${PARITY_LITELLM_PORT:-14000}
UP=$((PORT + 2)) # the fake serves an OpenRouter-shaped upstream on UP and a target-shaped one on UP+1

if [ ! -x "$VENV/bin/litellm" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "${LITELLM_SPEC:-litellm[proxy]}"
fi
cargo build --locked --quiet --bin llmgw-migrate --example parity

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

target/debug/examples/parity serve --port-base "$UP" >"$work/upstream.log" 2>&1 &
pids+=($!)

# One proxy per gateway. Both forward to the target-shaped upstream, which
# accepts bare and provider-prefixed ids. LiteLLM's `openai/` provider prefix
# is stripped before the upstream call.
proxy_config() { # FILE MASTER_KEY (name model)...
  local file=$1 key=$2
  shift 2
  {
    echo "model_list:"
    while [ $# -gt 0 ]; do
      echo "  - model_name: \"$1\""
      echo "    litellm_params: {model: \"openai/$2\", api_base: \"http://127.0.0.1:$((UP + 1))/v1\", api_key: \"upstream-not-checked\"}"
      shift 2
    done
    echo "general_settings: {master_key: \"$key\"}"
  } >"$file"
}
# Baseline: the OpenRouter slugs of examples/parity/golden.yaml.
proxy_config "$work/a.yaml" sk-litellm-baseline-0001 \
  openai/gpt-4o gpt-4o anthropic/claude-sonnet-4.6 claude-sonnet-4-6
# Candidate: the ids the llmgateway table maps them to.
cand_ids=$(target/debug/llmgw-migrate rules show llmgateway --format json | python3 -c '
import json, sys
rows = {r["from"]: r.get("to") or r["from"] for r in json.load(sys.stdin)["models"]}
print(rows.get("openai/gpt-4o", "openai/gpt-4o"), rows.get("anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4.6"))')
read -r c_gpt c_claude <<<"$cand_ids"
proxy_config "$work/b.yaml" sk-litellm-candidate-0002 "$c_gpt" gpt-4o "$c_claude" claude-sonnet-4-6

for side in a b; do
  port=$PORT
  [ "$side" = b ] && port=$((PORT + 1))
  "$VENV/bin/litellm" --config "$work/$side.yaml" --host 127.0.0.1 --port "$port" >"$work/litellm-$side.log" 2>&1 &
  pids+=($!)
done
for port in "$PORT" $((PORT + 1)); do
  for i in $(seq 120); do
    if curl -fsS "http://127.0.0.1:$port/health/liveliness" >/dev/null 2>&1; then break; fi
    if [ "$i" = 120 ]; then
      echo "LiteLLM on port $port did not start; log:" >&2
      cat "$work"/litellm-*.log >&2
      exit 2
    fi
    sleep 1
  done
done

cat >"$work/config.yaml" <<YAML
baseline:
  name: litellm-a
  base_url: http://127.0.0.1:$PORT/v1
  api_key_env: LITELLM_A_KEY
candidate:
  name: litellm-b
  base_url: http://127.0.0.1:$((PORT + 1))/v1
  api_key_env: LITELLM_B_KEY
  map_models: llmgateway
concurrency: 4
YAML
echo "== config"; cat "$work/config.yaml"
echo "== parity"
set +e
LITELLM_A_KEY=sk-litellm-baseline-0001 LITELLM_B_KEY=sk-litellm-candidate-0002 \
  target/debug/llmgw-migrate parity --golden examples/parity/golden.yaml --config "$work/config.yaml" \
  --check-models --negative "$@"
rc=$?
set -e
echo "== exit $rc"
exit "$rc"
