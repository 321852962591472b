#!/usr/bin/env bash
# Scan benchmark: `llmgw-migrate scan --format json` against ripgrep searching
# the scanner's own trigger literals, on a reproducible corpus of real source.
#
#   scripts/bench-scan.sh            # build corpora if needed, then measure
#   BENCH_RUNS=10 scripts/bench-scan.sh
#   BENCH_OUT=DIR scripts/bench-scan.sh   # corpora and results in DIR (default
#                                         # target/bench-corpus; its trees may be symlinks)
#
# Corpus: the sources of every registry crate in this commit's Cargo.lock
# (`cargo fetch --locked` puts them in ~/.cargo/registry/src, all platforms)
# are copied into target/bench-corpus/base, then copied N times into
# numbered directories (large corpus: N is the smallest even number giving
# >= 500 MB and >= 50,000 files, or $BENCH_COPIES) and the first half of
# those copies are hard-linked into a second tree (small corpus, for the
# linearity check). OpenRouter occurrences are appended to $BENCH_PLANT
# files chosen with a fixed seed. A third tree, full of matches, copies
# fixtures/ $BENCH_DENSE (40) times.
#
# Needs: rg, jq, /usr/bin/time (GNU time). Figures go to stdout and to
# target/bench-corpus/results/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PLANT=${BENCH_PLANT:-300}
SEED=${BENCH_SEED:-20261126}
RUNS=${BENCH_RUNS:-5}
BIN=${BENCH_BIN:-$ROOT/target/release/llmgw-migrate}
OUT=${BENCH_OUT:-$ROOT/target/bench-corpus}
RES=$OUT/results
LARGE=$OUT/large
SMALL=$OUT/small
# A tree full of matches: the fixture repositories, copied $BENCH_DENSE times.
DENSE=$OUT/dense
DENSE_COPIES=${BENCH_DENSE:-40}

for tool in rg jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y ripgrep jq time)" >&2; exit 2; }
done

if [[ -z ${BENCH_BIN:-} ]]; then
  cargo build --release --locked --bin llmgw-migrate --example trigger_literals >&2
fi
mkdir -p "$RES"
# The literals the scanner's Aho-Corasick prefilter uses, straight from
# Detector::trigger_literals().
"$ROOT/target/release/examples/trigger_literals" >"$RES/literals.txt"

# The crate list, from Cargo.lock (registry packages only).
awk '/^\[\[package\]\]/ {n = ""; v = ""} /^name = / {n = $3} /^version = / {v = $3}
     /^source = "registry/ {gsub(/"/, "", n); gsub(/"/, "", v); print n "-" v}' Cargo.lock |
  LC_ALL=C sort -u >"$RES/crates.txt"
if [[ ! -f $OUT/base.crates ]] || ! cmp -s "$OUT/base.crates" "$RES/crates.txt"; then
  echo "snapshotting $(wc -l <"$RES/crates.txt") crates from Cargo.lock" >&2
  cargo fetch --locked >&2
  rm -rf "$OUT/base" && mkdir -p "$OUT/base"
  while IFS= read -r c; do
    d=$(ls -d "$HOME"/.cargo/registry/src/*/"$c" | head -1)
    cp -r "$d" "$OUT/base/$c"
  done <"$RES/crates.txt"
  cp "$RES/crates.txt" "$OUT/base.crates"
fi
read -r bf bb < <(find -H "$OUT/base" -type f -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d %d\n", n, s}')
COPIES=${BENCH_COPIES:-$(awk -v f="$bf" -v b="$bb" 'BEGIN {
  c = 2; while (c * f < 50000 || c * b < 500e6) c += 2; print c }')}

stamp="crates=$(md5sum <"$RES/crates.txt" | cut -c1-12) copies=$COPIES plant=$PLANT seed=$SEED"
if [[ ! -f $OUT/stamp || $(cat "$OUT/stamp") != "$stamp" ]]; then
  echo "building corpus ($stamp)" >&2
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

dstamp="fixtures=$(find "$ROOT/fixtures" -type f -printf '%P %s\n' | LC_ALL=C sort | md5sum | cut -c1-12) copies=$DENSE_COPIES"
if [[ ! -f $OUT/dense.stamp || $(cat "$OUT/dense.stamp") != "$dstamp" ]]; then
  rm -rf "$DENSE" && mkdir -p "$DENSE"
  for i in $(seq -w 1 "$DENSE_COPIES"); do
    cp -r "$ROOT/fixtures" "$DENSE/$i"
  done
  echo "$dstamp" >"$OUT/dense.stamp"
fi

size_of() { find -H "$1" -type f -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d %d\n", n, s}'; }

# Same walk rules as scan: hidden files walked, .gitignore honoured outside
# git repos, binary files skipped, same size cap (4 MiB).
rg_cmd() { echo "rg -i -F -f $RES/literals.txt --hidden --no-require-git --max-filesize 4M -n $1"; }
scan_cmd() { echo "$BIN scan --format json $1"; }

# One timed run: appends "wall cpu rss_kb" to $RES/<name>.<tool>.runs. Output
# goes to a file (not /dev/null, which ripgrep detects and then stops early).
timed() { # name tool command...
  local name=$1 tool=$2; shift 2
  /usr/bin/time -o "$RES/time.tmp" -f '%e %U %S %M' "$@" >"$RES/$name.$tool.out" 2>/dev/null || true
  tail -1 "$RES/time.tmp" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$RES/$name.$tool.runs"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A MED CPU RSS
# scan and ripgrep runs alternate (order flipped every round), so a busy
# shared machine slows both alike; one warm-up round first.
measure() { # name dir
  local name=$1 dir=$2
  rm -f "$RES/$name".*.runs
  $(scan_cmd "$dir") >/dev/null 2>&1 || true
  $(rg_cmd "$dir") >"$RES/$name.rg.out" 2>&1 || true
  for r in $(seq 1 "$RUNS"); do
    if ((r % 2)); then
      timed "$name" scan $(scan_cmd "$dir"); timed "$name" rg $(rg_cmd "$dir")
    else
      timed "$name" rg $(rg_cmd "$dir"); timed "$name" scan $(scan_cmd "$dir")
    fi
  done
  for tool in scan rg; do
    MED[$name.$tool]=$(awk '{print $1}' "$RES/$name.$tool.runs" | median)
    CPU[$name.$tool]=$(awk '{print $2}' "$RES/$name.$tool.runs" | median)
    RSS[$name.$tool]=$(awk '{print $3}' "$RES/$name.$tool.runs" | sort -n | tail -1)
    echo "$name $tool runs (wall s, cpu s, rss KB): $(tr '\n' ';' <"$RES/$name.$tool.runs")" >&2
  done
}

load_before=$(cut -d" " -f1-3 /proc/loadavg)
read -r lf lb < <(size_of "$LARGE")
read -r sf sb < <(size_of "$SMALL")
read -r df db < <(size_of "$DENSE")
measure large "$LARGE"
measure small "$SMALL"
measure dense "$DENSE"
dense_findings=$(jq '.findings | length' "$RES/dense.scan.out")
scan_rss=$(awk -v k="${RSS[large.scan]}" 'BEGIN {printf "%.1f", k/1024}')
rg_rss=$(awk -v k="${RSS[large.rg]}" 'BEGIN {printf "%.1f", k/1024}')

# Sanity: every planted file must be reported.
found_files=$(jq '[.findings[].path] | unique | length' "$RES/large.scan.out")
planted=$(wc -l <"$OUT/planted.txt")
findings=$(jq '.findings | length' "$RES/large.scan.out")
rg_files=$(cut -d: -f1 "$RES/large.rg.out" | sort -u | wc -l)

machine="$(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(date -u +%F)"
load_after=$(cut -d" " -f1-3 /proc/loadavg)
awk -v load="$load_before -> $load_after" -v machine="$machine" -v lf="$lf" -v lb="$lb" -v sf="$sf" -v sb="$sb" \
    -v ls="${MED[large.scan]}" -v lr="${MED[large.rg]}" \
    -v ss="${MED[small.scan]}" -v sr="${MED[small.rg]}" \
    -v srss="$scan_rss" -v rrss="$rg_rss" -v runs="$RUNS" \
    -v lsc="${CPU[large.scan]}" -v lrc="${CPU[large.rg]}" -v ssc="${CPU[small.scan]}" -v src="${CPU[small.rg]}" \
    -v planted="$planted" -v found="$found_files" -v findings="$findings" -v rgf="$rg_files" \
    -v df="$df" -v db="$db" -v ds="${MED[dense.scan]}" -v dr="${MED[dense.rg]}" \
    -v dsc="${CPU[dense.scan]}" -v drc="${CPU[dense.rg]}" -v dfind="$dense_findings" \
    -v drss="${RSS[dense.scan]}" 'BEGIN {
  printf "machine: %s; load average (1/5/15 min) before -> after: %s\n", machine, load
  printf "large corpus: %d files, %.1f MB; small corpus: %d files, %.1f MB\n", lf, lb/1e6, sf, sb/1e6
  printf "median of %d interleaved runs (warm cache), wall and CPU (user+sys):\n", runs
  printf "  large: scan %.2f s wall (%.0f files/s, %.0f MB/s), %.2f s CPU | rg %.2f s wall, %.2f s CPU | ratio wall %.2fx, CPU %.2fx\n", ls, lf/ls, lb/1e6/ls, lsc, lr, lrc, ls/lr, lsc/lrc
  printf "  small: scan %.2f s wall, %.2f s CPU | rg %.2f s wall, %.2f s CPU | ratio wall %.2fx, CPU %.2fx\n", ss, ssc, sr, src, ss/sr, ssc/src
  printf "  linearity (size ratio %.2f): scan wall %.2f, CPU %.2f | rg wall %.2f, CPU %.2f\n", lb/sb, ls/ss, lsc/ssc, lr/sr, lrc/src
  printf "peak RSS on large: scan %s MB, rg %s MB\n", srss, rrss
  printf "planted files: %d, files with findings: %d, findings: %d, files rg matches: %d\n", planted, found, findings, rgf
  printf "dense (fixtures x copies): %d files, %.1f MB: scan %.2f s wall, %.2f s CPU | rg %.2f s wall, %.2f s CPU | ratio wall %.2fx, CPU %.2fx; %d findings; scan peak RSS %.1f MB\n", df, db/1e6, ds, dsc, dr, drc, ds/dr, dsc/drc, dfind, drss/1024
}' | tee "$RES/summary.txt"
