#!/usr/bin/env bash
# Re-record examples/parity/recorded against the fake gateways of
# examples/parity/fake.rs. Run it after changing examples/parity/golden.yaml
# or a mapping-table row the example uses (the replay reports such a
# recording as stale).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --locked --quiet --example parity -- record examples/parity/golden.yaml examples/parity/recorded
cargo run --locked --quiet -- parity --golden examples/parity/golden.yaml --replay examples/parity/recorded --check-models --negative
