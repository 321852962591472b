#!/usr/bin/env bash
# Pack one release archive, as .github/workflows/release.yml does for each
# target, and write its sha256 next to it.
#
#   scripts/release-archive.sh TARGET VERSION BINARY OUTDIR
#
# TARGET   a Rust target triple (a *-windows-* target gives a .zip, others .tar.gz)
# VERSION  the release version without the leading v (e.g. 0.2.0)
# BINARY   the built, stripped llmgw-migrate binary for TARGET
# OUTDIR   where the archive and ARCHIVE.sha256 go
#
# Completions and the man page come from running BINARY, so it must run on
# this machine (the release jobs build each target on a native runner), or
# GEN_BIN may name a host build of the same version to generate them with.
# Prints the archive's path on stdout.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 TARGET VERSION BINARY OUTDIR" >&2
  exit 2
fi
target=$1 version=$2 bin=$3 outdir=$4
root="$(cd "$(dirname "$0")/.." && pwd)"
gen=${GEN_BIN:-$bin}

case "$version" in
  v*) echo "$0: VERSION is given without the leading v: $version" >&2; exit 2 ;;
esac
[ -f "$bin" ] || { echo "$0: no binary at $bin" >&2; exit 2; }
# The archive must hold the version it is named after.
reported=$("$gen" --version)
if [ "$reported" != "llmgw-migrate $version" ]; then
  echo "$0: $gen reports '$reported', expected 'llmgw-migrate $version'" >&2
  exit 2
fi

name="llmgw-migrate-$version-$target"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/complete" "$dir/doc"

exe=llmgw-migrate
case "$target" in *-windows-*) exe=llmgw-migrate.exe ;; esac
cp "$bin" "$dir/$exe"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$root/CHANGELOG.md" "$dir/"
cp -R "$root/docs" "$dir/doc/docs"
cp -R "$root/schemas" "$dir/doc/schemas"

"$gen" completions bash > "$dir/complete/llmgw-migrate.bash"
"$gen" completions zsh > "$dir/complete/_llmgw-migrate"
"$gen" completions fish > "$dir/complete/llmgw-migrate.fish"
"$gen" completions powershell > "$dir/complete/_llmgw-migrate.ps1"
"$gen" completions elvish > "$dir/complete/llmgw-migrate.elv"
"$gen" man > "$dir/doc/llmgw-migrate.1"

cd "$stage"
case "$target" in
  *-windows-*)
    archive="$name.zip"
    if command -v 7z >/dev/null 2>&1; then
      7z a -bso0 "$outdir/$archive" "$name"
    else
      zip -qr "$outdir/$archive" "$name"
    fi
    ;;
  *)
    archive="$name.tar.gz"
    # GNU tar: sorted, owner-free entries, so the archive depends only on its files.
    case "$(tar --version 2>/dev/null)" in
      *"GNU tar"*) tar --sort=name --owner=0 --group=0 --numeric-owner -czf "$outdir/$archive" "$name" ;;
      *) tar -czf "$outdir/$archive" "$name" ;;
    esac
    ;;
esac

cd "$outdir"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum "$archive" > "$archive.sha256"
else
  shasum -a 256 "$archive" > "$archive.sha256"
fi
echo "$outdir/$archive"
