#!/usr/bin/env python3
"""Sanity-check the hand-written expectations against the fixture files (not a scanner).

For every tests/expected/<repo>.txt: lines parse as path:line:kind:match, are sorted by
(path, line), name an existing file and line, use a known kind, and the match text really
occurs on that line as often as it is listed (secrets: a real-shaped key ending in the
listed last 4 characters). Run from the repository root: python3 tests/expected/check_expected.py
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The kinds the scanner reports, from its generated JSON Schema (one list in the code).
KINDS = set(json.loads((ROOT / "schemas/scan.schema.json").read_text())["$defs"]["Kind"]["enum"])
KEY = re.compile(r"sk-or-v1-[0-9a-f]{64}")


def decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def check(expected: Path) -> list[str]:
    errors = []
    repo = ROOT / "fixtures" / expected.stem
    if not repo.is_dir():
        return [f"{expected.name}: no fixture directory {repo}"]
    rows = []
    for n, raw in enumerate(expected.read_text().splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split(":", 3)
        if len(parts) != 4 or not parts[1].isdigit():
            errors.append(f"{expected.name}:{n}: malformed: {raw}")
            continue
        path, line, kind, match = parts[0], int(parts[1]), parts[2], parts[3]
        if kind not in KINDS:
            errors.append(f"{expected.name}:{n}: unknown kind {kind}")
        rows.append((path, line, kind, match, n))
    keys = [(p, l) for p, l, *_ in rows]
    if keys != sorted(keys):
        errors.append(f"{expected.name}: not sorted by (path, line)")
    per_line = Counter((p, l, m) for p, l, k, m, _ in rows if k != "secret")
    for path, line, kind, match, n in rows:
        f = repo / path
        if not f.is_file():
            errors.append(f"{expected.name}:{n}: no file {path}")
            continue
        text_lines = decode(f.read_bytes()).replace("\r\n", "\n").split("\n")
        if line > len(text_lines):
            errors.append(f"{expected.name}:{n}: {path} has no line {line}")
            continue
        text = text_lines[line - 1]
        if kind == "secret":
            keys_here = KEY.findall(text)
            if not match.startswith("sk-or-v1-...") or not any(k.endswith(match[-4:]) for k in keys_here):
                errors.append(f"{expected.name}:{n}: no key ending {match[-4:]} on {path}:{line}")
        elif text.count(match) < per_line[(path, line, match)]:
            errors.append(f"{expected.name}:{n}: {match!r} occurs {text.count(match)}x on "
                          f"{path}:{line}, listed {per_line[(path, line, match)]}x")
    return errors


def main() -> int:
    errors = []
    total = 0
    for exp in sorted((ROOT / "tests" / "expected").glob("*.txt")):
        errs = check(exp)
        errors += errs
        count = sum(1 for l in exp.read_text().splitlines() if l.strip() and not l.startswith("#"))
        total += count
        print(f"{exp.stem:12} {count:4} expected findings{'  ERRORS' if errs else ''}")
    print(f"{'total':12} {total:4}")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
