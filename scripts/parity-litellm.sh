#!/usr/bin/env bash
# Optional, not part of CI: run `parity` against two real OpenAI-compatible
# servers nobody on this team wrote -- two LiteLLM proxies (from PyPI) -- in
# front of a mock upstream on 127.0.0.1 (the fake gateway of
# examples/parity/fake.rs), with nothing but a config file.
#
#   scripts/parity-litellm.sh [extra parity args...]
#
# Env: PARITY_LITELLM_VENV (virtualenv dir), PARITY_LITELLM_PORT (first of 7 ports, default 14000),
#      LITELLM_SPEC (pip requirement, default 'litellm[proxy]').
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PARITY_LITELLM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/llmgw-migrate/litellm-venv}
PORT=${PARITY_LITELLM_PORT:-14000}
UP=$((PORT + 2)) # the fake serves OpenRouter-shaped UP, target-shaped UP+1, judge/embeddings UP+2, drifting target UP+3

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
# is stripped before the upstream call. A third proxy is the candidate
# pointed at the drifting upstream (UP+3), for the run where the sides differ.
proxy_config() { # FILE MASTER_KEY (name model port)...
  local file=$1 key=$2
  shift 2
  {
    echo "model_list:"
    while [ $# -gt 0 ]; do
      echo "  - model_name: \"$1\""
      echo "    litellm_params: {model: \"openai/$2\", api_base: \"http://127.0.0.1:$3/v1\", api_key: \"upstream-not-checked\"}"
      shift 3
    done
    echo "general_settings: {master_key: \"$key\"}"
  } >"$file"
}
# Baseline: the OpenRouter slugs of the golden sets, and the judge and
# embeddings models (served by UP+2) the meaning checks use.
proxy_config "$work/a.yaml" sk-litellm-baseline-0001 \
  openai/gpt-4o gpt-4o $((UP + 1)) anthropic/claude-sonnet-4.6 claude-sonnet-4-6 $((UP + 1)) \
  openai/text-embedding-3-small text-embedding-3-small $((UP + 1)) \
  judge-1 judge-1 $((UP + 2)) embed-1 embed-1 $((UP + 2))
# Candidate: the ids the llmgateway table maps them to.
cand_ids=$(target/debug/llmgw-migrate rules show llmgateway --format json | python3 -c '
import json, sys
rows = {r["from"]: r.get("to") or r["from"] for r in json.load(sys.stdin)["models"]}
print(rows.get("openai/gpt-4o", "openai/gpt-4o"), rows.get("anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4.6"))')
read -r c_gpt c_claude <<<"$cand_ids"
for side in b c; do
  up=$((UP + 1))
  [ "$side" = c ] && up=$((UP + 3))
  proxy_config "$work/$side.yaml" sk-litellm-candidate-0002 "$c_gpt" gpt-4o $up "$c_claude" claude-sonnet-4-6 $up \
    text-embedding-3-small text-embedding-3-small $up
done

proxy_port() { case $1 in a) echo "$PORT" ;; b) echo $((PORT + 1)) ;; c) echo $((PORT + 6)) ;; esac; }
for side in a b c; do
  "$VENV/bin/litellm" --config "$work/$side.yaml" --host 127.0.0.1 --port "$(proxy_port $side)" >"$work/litellm-$side.log" 2>&1 &
  pids+=($!)
done
for side in a b c; do
  port=$(proxy_port $side)
  for i in $(seq 180); do
    if curl -fsS "http://127.0.0.1:$port/health/liveliness" >/dev/null 2>&1; then break; fi
    if [ "$i" = 180 ]; then
      echo "LiteLLM on port $port did not start; log:" >&2
      cat "$work"/litellm-*.log >&2
      exit 2
    fi
    sleep 1
  done
done

config() { # CANDIDATE_PORT
  cat <<YAML
baseline:
  name: litellm-a
  base_url: http://127.0.0.1:$PORT/v1
  api_key_env: LITELLM_A_KEY
candidate:
  name: litellm-candidate
  base_url: http://127.0.0.1:$1/v1
  api_key_env: LITELLM_B_KEY
  map_models: llmgateway
judge:
  base_url: http://127.0.0.1:$PORT/v1
  api_key_env: LITELLM_A_KEY
  model: judge-1
embeddings:
  base_url: http://127.0.0.1:$PORT/v1
  api_key_env: LITELLM_A_KEY
  model: embed-1
concurrency: 4
YAML
}
config $((PORT + 1)) >"$work/config.yaml"
config $((PORT + 6)) >"$work/drift.yaml"
echo "== config"; cat "$work/config.yaml"
export LITELLM_A_KEY=sk-litellm-baseline-0001 LITELLM_B_KEY=sk-litellm-candidate-0002
run() { # NAME GOLDEN CONFIG [args]
  local name=$1 golden=$2 cfg=$3
  shift 3
  echo "== parity: $name"
  set +e
  target/debug/llmgw-migrate parity --golden "$golden" --config "$cfg" --format json "$@" >"$work/$name.json"
  local rc=$?
  set -e
  python3 - "$work/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for p in r["prompts"]:
    bad = [c for c in p["checks"] if c["status"] in ("fail", "error")]
    print(f'{p["status"].upper():5} {p["id"]:16} {p.get("endpoint", "chat"):10} {p["mode"]:10}',
          "; ".join(f'{c["name"]}: {c["detail"]}' for c in bad)[:220])
for n in r.get("negative") or []:
    print(f'NEG   {n["side"]:16} {n["case"]:16} {n["status"]}: HTTP {n.get("http_status")} {n.get("class", "")}: {n.get("detail", "")}'[:200])
s = r["summary"]
print(f'verdict {r["verdict"]}: {s["pass"]} pass, {s["fail"]} fail, {s["error"]} error; cost {s.get("cost")}')
PY
  echo "== exit $rc"
  return $rc
}
# 1. The classic golden set, with /models and the negative cases.
rc1=0 rc2=0 rc2r=0 rc3=0 rc4=0
run classic examples/parity/golden.yaml "$work/config.yaml" --check-models --negative --record "$work/rec-classic" "$@" || rc1=$?
# 2. Every check, the sides agreeing: everything must pass.
run agree examples/parity/golden-checks.yaml "$work/config.yaml" --record "$work/rec-agree" || rc2=$?
# ... and the same verdict offline, judge and embeddings included, from the recording.
echo "== replay of the agreeing run (no server, no key)"
env -u LITELLM_A_KEY -u LITELLM_B_KEY target/debug/llmgw-migrate parity --golden examples/parity/golden-checks.yaml \
  --replay "$work/rec-agree" >"$work/replay.txt" || rc2r=$?
tail -1 "$work/replay.txt"
# 3. Every check, the candidate drifting: each meaning, reference, choice,
#    embedding and responses check must fail, named by prompt and check.
run drift examples/parity/golden-checks.yaml "$work/drift.yaml" || rc3=$?
(python3 - "$work/drift.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = {("judged", "text"), ("embedded", "text"), ("reference", "not_contains"),
        ("schema", "json_schema"), ("sampled", "text"), ("choices-ordered", "choices"),
        ("choices-set", "choices"), ("vectors", "cosine"), ("responses", "text")}
got = {(p["id"], c["name"]) for p in r["prompts"] for c in p["checks"] if c["status"] == "fail"}
missing = sorted(want - got)
print("drift: expected failures", "all present" if not missing else f"MISSING {missing}")
sys.exit(1 if missing else 0)
PY
) || rc4=$?
echo "== exits: classic $rc1, agree $rc2 (want 0), replay $rc2r (want 0), drift $rc3 (want 1), drift checks $rc4 (want 0)"
[ "$rc2" = 0 ] && [ "$rc2r" = 0 ] && [ "$rc3" = 1 ] && [ "$rc4" = 0 ]
