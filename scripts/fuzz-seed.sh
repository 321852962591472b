#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from the fixtures, then runs every cargo-fuzz
# target for $FUZZ_SECONDS (default 600) each. Needs nightly + cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz --locked
#   scripts/fuzz-seed.sh            # seed + run all, 10 minutes each
#   FUZZ_SECONDS=60 scripts/fuzz-seed.sh lex_code   # one target, 1 minute
# Crashes land in fuzz/artifacts/<target>/; reproduce with
#   cargo +nightly fuzz run --sanitizer none -a <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-600}
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(lex_code lex_config scan_source parse_table source_apply redaction rewrite parity_inputs sse_chunking)
C=fuzz/corpus
mkdir -p "$C"
i=0
while IFS= read -r f; do
  i=$((i + 1))
  rel=${f#fixtures/}
  for t in lex_code lex_config rewrite redaction source_apply; do
    mkdir -p "$C/$t"
    { printf "\\x$(printf %02x $((i % 256)))"; cat "$f"; } >"$C/$t/fx$i"
  done
  mkdir -p "$C/scan_source"
  { printf '\xff%s\0' "$rel"; cat "$f"; } >"$C/scan_source/fx$i"
done < <(find fixtures -type f -size -64k | LC_ALL=C sort)
mkdir -p "$C/parse_table" "$C/parity_inputs" "$C/sse_chunking"
for f in rules/*.yaml; do cp "$f" "$C/parse_table/"; done
n=0
for f in $(find examples/parity -name '*.yaml' | LC_ALL=C sort); do
  n=$((n + 1))
  { printf '\x00'; cat "$f"; } >"$C/parity_inputs/g$n"
  { printf '\x01'; cat "$f"; } >"$C/parity_inputs/c$n"
done
printf '\x05data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n: keep-alive\n\ndata: [DONE]\n\n' >"$C/sse_chunking/s1"
cd fuzz
for t in "${TARGETS[@]}"; do
  echo "== $t ($SECS s)"
  cargo +nightly fuzz run --sanitizer none -a "$t" -- -max_total_time="$SECS" -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
    grep -E "^(stat::number_of_executed_units|stat::peak_rss|Done|==|SUMMARY|thread .* panicked|.*Test unit written)" || true
done
