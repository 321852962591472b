#!/usr/bin/env python3
"""Regenerate fixtures/encodings byte for byte.

The files in that fixture have encodings, BOMs, line endings and binary content that editors
and heredocs mangle, so they are written from here. Run from the repository root:

    python3 tests/expected/gen_encodings.py

and commit the result (ignored directories need `git add -f`). The expected findings are in
tests/expected/encodings.txt, written by hand.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "encodings"

# A fake key of the real shape (sk-or-v1- + 64 lowercase hex): used only inside files that must
# yield nothing (binary, ignored), so a scanner that reads them would leak it into its output.
FAKE_KEY = "sk-or-v1-" + "5eed" * 16


def write(rel: str, data: bytes) -> None:
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def lines(*ls: str, eol: str = "\n") -> str:
    return eol.join(ls) + eol


# 1. UTF-8 with BOM (Windows editors), LF.
write(
    "app/bom_client.py",
    b"\xef\xbb\xbf"
    + lines(
        '"""Client saved by a Windows editor: the file starts with a UTF-8 BOM."""',
        "import os",
        "",
        "from openai import OpenAI",
        "",
        "client = OpenAI(",
        '    base_url="https://openrouter.ai/api/v1",',
        '    api_key=os.environ["OPENROUTER_API_KEY"],',
        ")",
        'MODEL = "anthropic/claude-3.5-haiku"  # café-grade summaries',
    ).encode("utf-8"),
)

# 2. Latin-1 (invalid UTF-8: 0xE9 etc.), LF. Non-ASCII bytes appear before findings on the
#    same line, so byte offsets and character offsets differ there.
write(
    "app/legacy_latin1.py",
    lines(
        "# -*- coding: latin-1 -*-",
        "# Générateur de résumés (écrit en 2019, jamais converti en UTF-8).",
        "import os",
        "",
        "import requests",
        "",
        'URL = "https://openrouter.ai/api/v1/chat/completions"',
        'ENTETES = {"X-Title": "Générateur de résumés", "HTTP-Referer": "https://acme.fr/résumé"}',
        "",
        "",
        "def resume(texte):",
        '    cle = os.environ["OPENROUTER_API_KEY"]',
        "    corps = {",
        '        "model": "mistralai/mistral-small-3.2-24b-instruct",',
        '        "messages": [{"role": "user", "content": "Résume : " + texte}],',
        "    }",
        '    r = requests.post(URL, headers={**ENTETES, "Authorization": "Bearer " + cle}, json=corps)',
        '    return r.json()["choices"][0]["message"]["content"]',
    ).encode("latin-1"),
)

# 3. CRLF .env file.
write(
    ".env.example",
    lines(
        "# Windows dev box settings (CRLF line endings)",
        "OPENROUTER_API_KEY=",
        "OPENROUTER_BASE_URL=https://openrouter.ai/api/v1",
        "OPENROUTER_MODEL=openai/gpt-4o-mini",
        eol="\r\n",
    ).encode("utf-8"),
)

# 4. CRLF TypeScript.
write(
    "web/client.ts",
    lines(
        'import OpenAI from "openai";',
        "",
        "export const client = new OpenAI({",
        '  baseURL: "https://openrouter.ai/api/v1",',
        "  apiKey: process.env.OPENROUTER_API_KEY,",
        '  defaultHeaders: { "HTTP-Referer": "https://acme.dev", "X-Title": "acme web" },',
        "});",
        "",
        'export const DEFAULT_MODEL = "google/gemini-2.5-flash";',
        eol="\r\n",
    ).encode("utf-8"),
)

# 5. UTF-16LE with BOM and CRLF, as Windows PowerShell ISE saves scripts.
write(
    "scripts/Invoke-Smoke.ps1",
    b"\xff\xfe"
    + lines(
        "# Saved by Windows PowerShell ISE (UTF-16 LE, CRLF).",
        "$headers = @{",
        '    Authorization = "Bearer $env:OPENROUTER_API_KEY"',
        '    "X-Title"     = "smoke (utf-16)"',
        "}",
        "$body = '{\"model\": \"google/gemini-2.5-flash\", \"messages\": [{\"role\": \"user\", \"content\": \"pong?\"}]}'",
        'Invoke-RestMethod -Method Post -Uri "https://openrouter.ai/api/v1/chat/completions" `',
        '    -Headers $headers -Body $body -ContentType "application/json"',
        eol="\r\n",
    ).encode("utf-16-le"),
)

# 6. Binary: NUL bytes around every kind of marker. Must yield nothing.
write(
    "assets/tokenizer.bin",
    b"\x00\x01TOKZ\x00\x00\x02"
    + b"https://openrouter.ai/api/v1\x00"
    + b"OPENROUTER_API_KEY\x00HTTP-Referer\x00anthropic/claude-3.5-sonnet\x00"
    + FAKE_KEY.encode()
    + b"\x00"
    + bytes(range(256))
    + b"\x00" * 64,
)

# 7. Ignored by .gitignore (build/, node_modules/, *.log) and .ignore (generated/).
write(".gitignore", lines("build/", "node_modules/", "*.log").encode())
write(".ignore", lines("generated/").encode())

MARKERS = lines(
    'const BASE = "https://openrouter.ai/api/v1";',
    "const KEY = process.env.OPENROUTER_API_KEY;",
    'const HEADERS = { "HTTP-Referer": "https://acme.dev", "X-Title": "acme" };',
    'const BODY = { model: "anthropic/claude-3.5-sonnet", models: ["openai/gpt-4o"], provider: {} };',
    f'const LEAKED = "{FAKE_KEY}";',
    'import { createOpenRouter } from "@openrouter/ai-sdk-provider";',
)
write("build/bundle.js", ("// build output\n" + MARKERS).encode())
write(
    "node_modules/@openrouter/ai-sdk-provider/package.json",
    lines(
        "{",
        '  "name": "@openrouter/ai-sdk-provider",',
        '  "version": "0.4.5",',
        '  "homepage": "https://openrouter.ai/docs",',
        '  "dependencies": { "@openrouter/sdk": "^0.1.0" }',
        "}",
    ).encode(),
)
write("node_modules/@openrouter/ai-sdk-provider/dist/index.js", MARKERS.encode())
write(
    "smoke-run.log",
    lines(
        "POST https://openrouter.ai/api/v1/chat/completions 200",
        f"Authorization: Bearer {FAKE_KEY}",
        "model=anthropic/claude-3.5-sonnet:nitro",
    ).encode(),
)
write(
    "generated/models_snapshot.py",
    lines(
        "# Generated from https://openrouter.ai/api/v1/models -- do not edit.",
        'BASE_URL = "https://openrouter.ai/api/v1"',
        'API_KEY_ENV = "OPENROUTER_API_KEY"',
        'MODELS = ["anthropic/claude-3.5-sonnet", "openai/gpt-4o", "openrouter/auto"]',
        f'FALLBACK_KEY = "{FAKE_KEY}"',
    ).encode(),
)

if __name__ == "__main__":
    print(f"wrote {ROOT}")
