#!/usr/bin/env bash
# The install step of action.yml: put llmgw-migrate on PATH, fast.
#
# 1. An llmgw-migrate already on PATH (e.g. restored from a cache) is used.
# 2. When the action runs at a release tag vX.Y.Z, the release archive for
#    this runner is downloaded and checked against its .sha256; a mismatch
#    fails the step (never falls back: the download was tampered with).
# 3. Otherwise (a branch or commit, or no such release) the action's own
#    sources are built with `cargo install --locked`.
#
# Environment: GITHUB_ACTION_PATH (the action's checkout), RUNNER_TEMP,
# GITHUB_PATH; LLMGW_ACTION_REF and LLMGW_ACTION_REPOSITORY from the
# github context, which runners leave empty in some composite actions: then
# the version and repository come from the action's Cargo.toml.
# LLMGW_RELEASE_BASE overrides https://github.com/OWNER/NAME/releases/download
# (tests serve a release from 127.0.0.1).
set -euo pipefail

if command -v llmgw-migrate >/dev/null 2>&1; then
  echo "Using $(command -v llmgw-migrate): $(llmgw-migrate --version)"
  exit 0
fi

action=${GITHUB_ACTION_PATH:?}
root="${RUNNER_TEMP:?}/llmgw-migrate"
manifest="$action/Cargo.toml"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$manifest" | head -n 1)
ref=${LLMGW_ACTION_REF:-}
repo=${LLMGW_ACTION_REPOSITORY:-}
if [ -z "$repo" ]; then
  repo=$(sed -n 's|^repository = "https://github.com/\(.*\)"$|\1|p' "$manifest" | head -n 1)
fi

# The runner's target triple, as the release archives are named.
target=""
arch=$(uname -m)
case "$arch" in
  x86_64 | amd64) arch=x86_64 ;;
  arm64 | aarch64) arch=aarch64 ;;
esac
case "$(uname -s)" in
  Linux) target="$arch-unknown-linux-musl" ;;
  Darwin) target="$arch-apple-darwin" ;;
  MINGW* | MSYS* | CYGWIN*) [ "$arch" = x86_64 ] && target="x86_64-pc-windows-msvc" ;;
esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# Download, verify and unpack the release; returns 1 when there is none.
from_release() {
  local name="llmgw-migrate-$version-$target" ext=tar.gz exe=llmgw-migrate
  case "$target" in *-windows-*) ext=zip exe=llmgw-migrate.exe ;; esac
  local base=${LLMGW_RELEASE_BASE:-https://github.com/$repo/releases/download}
  local url="$base/v$version/$name.$ext"
  # Global, so the EXIT trap removes it on every way out (a mismatch exits).
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "Downloading $url"
  if ! curl -fsSL --retry 3 -o "$tmp/$name.$ext" "$url" \
    || ! curl -fsSL --retry 3 -o "$tmp/$name.$ext.sha256" "$url.sha256"; then
    echo "No release archive for v$version on $target; building from source instead."
    return 1
  fi
  local want got
  want=$(cut -d ' ' -f 1 < "$tmp/$name.$ext.sha256")
  got=$(sha256 "$tmp/$name.$ext")
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "::error title=llmgw-migrate::sha256 mismatch for $name.$ext: expected '$want', got '$got'"
    exit 2
  fi
  echo "sha256 $got verified"
  case "$ext" in
    zip) (cd "$tmp" && { unzip -q "$name.$ext" || 7z x -y -bso0 "$name.$ext"; }) ;;
    *) tar -xzf "$tmp/$name.$ext" -C "$tmp" ;;
  esac
  mkdir -p "$root/bin"
  cp "$tmp/$name/$exe" "$root/bin/$exe"
  chmod +x "$root/bin/$exe"
}

installed=""
# Only a release tag names a commit a release binary was built from.
if [ -n "$target" ] && [ -n "$repo" ] && { [ -z "$ref" ] || [ "$ref" = "v$version" ]; }; then
  from_release && installed=1
elif [ -n "$ref" ]; then
  echo "The action runs at '$ref', not a release tag: building from source."
fi

if [ -z "$installed" ]; then
  if ! command -v cargo >/dev/null 2>&1; then
    echo "::error title=llmgw-migrate::no release binary and cargo is not installed; use a release tag of the action or add dtolnay/rust-toolchain@stable before it"
    exit 2
  fi
  CARGO_TARGET_DIR="$RUNNER_TEMP/llmgw-migrate-target" \
    cargo install --locked --quiet --path "$action" --root "$root"
fi
echo "$root/bin" >> "${GITHUB_PATH:?}"
"$root/bin/llmgw-migrate" --version
