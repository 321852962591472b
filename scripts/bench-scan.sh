#!/usr/bin/env bash
# Scan benchmark: `llmgw-migrate scan --format json` against ripgrep searching
# the scanner's own trigger literals, on a reproducible corpus of real source.
#
#   scripts/bench-scan.sh            # build corpora if needed, then measure
#   BENCH_RUNS=10 scripts/bench-scan.sh
#
# Corpus: the crate sources in $BENCH_SRC (default ~/.cargo/registry/src) are
# snapshotted once into target/bench-corpus/base (so later downloads do not
# change it), then copied $BENCH_COPIES times into numbered directories
# (large corpus) and the first half of those copies are hard-linked into a
# second tree (small corpus, for the linearity check). OpenRouter occurrences
# are appended to $BENCH_PLANT files chosen with a fixed seed.
#
# Needs: rg, hyperfine, jq, /usr/bin/time. Figures go to stdout and to
# target/bench-corpus/results/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SRC=${BENCH_SRC:-$HOME/.cargo/registry/src}
COPIES=${BENCH_COPIES:-6}
PLANT=${BENCH_PLANT:-300}
SEED=${BENCH_SEED:-20261126}
RUNS=${BENCH_RUNS:-5}
BIN=${BENCH_BIN:-$ROOT/target/release/llmgw-migrate}
OUT=$ROOT/target/bench-corpus
RES=$OUT/results
LARGE=$OUT/large
SMALL=$OUT/small

for tool in rg hyperfine jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y ripgrep hyperfine jq time)" >&2; exit 2; }
done

if [[ -z ${BENCH_BIN:-} ]]; then
  cargo build --release --locked --bin llmgw-migrate --example trigger_literals >&2
fi
mkdir -p "$RES"
# The literals the scanner's Aho-Corasick prefilter uses, straight from
# Detector::trigger_literals().
"$ROOT/target/release/examples/trigger_literals" >"$RES/literals.txt"

stamp="copies=$COPIES plant=$PLANT seed=$SEED"
if [[ ! -f $OUT/stamp || $(cat "$OUT/stamp") != "$stamp" ]]; then
  echo "building corpus ($stamp)" >&2
  if [[ ! -d $OUT/base ]]; then
    mkdir -p "$OUT/base"
    cp -r "$SRC"/. "$OUT/base/"
  fi
  rm -rf "$LARGE" "$SMALL"
  mkdir -p "$LARGE" "$SMALL"
  for i in $(seq -w 1 "$COPIES"); do
    cp -r "$OUT/base" "$LARGE/$i"
  done
  # Pick PLANT text files with a fixed seed (sorted list, awk's seeded RNG).
  (cd "$LARGE" && find . -type f \( -name '*.rs' -o -name '*.md' -o -name '*.toml' -o -name '*.py' -o -name '*.js' -o -name '*.sh' \) \
      -size -1000k | LC_ALL=C sort) >"$OUT/candidates.txt"
  awk -v seed="$SEED" -v n="$PLANT" 'BEGIN{srand(seed)} {a[NR]=$0}
      END{for(i=NR;i>1;i--){j=int(rand()*i)+1;t=a[i];a[i]=a[j];a[j]=t}
          for(i=1;i<=n&&i<=NR;i++)print a[i]}' "$OUT/candidates.txt" | LC_ALL=C sort >"$OUT/planted.txt"
  while IFS= read -r f; do
    p=$LARGE/$f
    case $f in
      *.rs) printf '\n// planted by bench-scan.sh\nconst LLM_BASE_URL: &str = "https://openrouter.ai/api/v1";\nfn llm_key() -> String { std::env::var("OPENROUTER_API_KEY").unwrap_or_default() }\n' >>"$p" ;;
      *.md) printf '\n<!-- planted -->\n```python\nclient = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])\n```\n' >>"$p" ;;
      *.toml) printf '\n# planted\n[llm]\nbase_url = "https://openrouter.ai/api/v1"\n' >>"$p" ;;
      *.py) printf '\n# planted\nBASE_URL = "https://openrouter.ai/api/v1"\nKEY = os.environ["OPENROUTER_API_KEY"]\n' >>"$p" ;;
      *.js) printf '\n// planted\nconst baseURL = "https://openrouter.ai/api/v1";\nconst key = process.env.OPENROUTER_API_KEY;\n' >>"$p" ;;
      *.sh) printf '\n# planted\ncurl -s https://openrouter.ai/api/v1/models -H "Authorization: Bearer $OPENROUTER_API_KEY"\n' >>"$p" ;;
    esac
  done <"$OUT/planted.txt"
  half=$((COPIES / 2))
  for i in $(seq -w 1 "$half"); do
    cp -al "$LARGE/$i" "$SMALL/$i"
  done
  echo "$stamp" >"$OUT/stamp"
fi

size_of() { find "$1" -type f -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d %d\n", n, s}'; }

# Same walk rules as scan: hidden files walked, .gitignore honoured outside
# git repos, binary files skipped, same size cap (4 MiB). --output=pipe so
# ripgrep cannot notice /dev/null and stop at the first match.
rg_cmd() { echo "rg -i -F -f $RES/literals.txt --hidden --no-require-git --max-filesize 4M -n $1"; }
scan_cmd() { echo "$BIN scan --format json $1"; }

declare -A MED
measure() { # name dir
  local name=$1 dir=$2
  hyperfine --warmup 1 --runs "$RUNS" -i --output=pipe \
    --export-json "$RES/$name.json" \
    -n scan "$(scan_cmd "$dir")" -n rg "$(rg_cmd "$dir")" >&2
  MED[$name.scan]=$(jq '.results[] | select(.command=="scan") | .median' "$RES/$name.json")
  MED[$name.rg]=$(jq '.results[] | select(.command=="rg") | .median' "$RES/$name.json")
}
rss_mb() { # command...
  { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}'
}

read -r lf lb < <(size_of "$LARGE")
read -r sf sb < <(size_of "$SMALL")
measure large "$LARGE"
measure small "$SMALL"
scan_rss=$(rss_mb $(scan_cmd "$LARGE"))
rg_rss=$(rss_mb $(rg_cmd "$LARGE"))

# Sanity: every planted file must be reported.
"$BIN" scan --format json "$LARGE" >"$RES/large-scan.json" || true
found_files=$(jq '[.findings[].path] | unique | length' "$RES/large-scan.json")
planted=$(wc -l <"$OUT/planted.txt")
findings=$(jq '.findings | length' "$RES/large-scan.json")
rg_files=$(rg -i -F -f "$RES/literals.txt" --hidden --no-require-git --max-filesize 4M -l "$LARGE" | wc -l)

machine="$(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(date -u +%F)"
awk -v machine="$machine" -v lf="$lf" -v lb="$lb" -v sf="$sf" -v sb="$sb" \
    -v ls="${MED[large.scan]}" -v lr="${MED[large.rg]}" \
    -v ss="${MED[small.scan]}" -v sr="${MED[small.rg]}" \
    -v srss="$scan_rss" -v rrss="$rg_rss" -v runs="$RUNS" \
    -v planted="$planted" -v found="$found_files" -v findings="$findings" -v rgf="$rg_files" 'BEGIN {
  printf "machine: %s\n", machine
  printf "large corpus: %d files, %.1f MB; small corpus: %d files, %.1f MB\n", lf, lb/1e6, sf, sb/1e6
  printf "median of %d runs (warm cache):\n", runs
  printf "  large: scan %.3f s (%.0f files/s, %.0f MB/s)  rg %.3f s  ratio %.2fx\n", ls, lf/ls, lb/1e6/ls, lr, ls/lr
  printf "  small: scan %.3f s  rg %.3f s  ratio %.2fx\n", ss, sr, ss/sr
  printf "  linearity: scan large/small time %.2f for size ratio %.2f (rg %.2f)\n", ls/ss, lb/sb, lr/sr
  printf "peak RSS on large: scan %s MB, rg %s MB\n", srss, rrss
  printf "planted files: %d, files with findings: %d, findings: %d, files rg matches: %d\n", planted, found, findings, rgf
}' | tee "$RES/summary.txt"
