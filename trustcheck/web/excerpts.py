"""Code excerpts for the report page, taken while the repository is on disk.

Lines are shortened and any committed provider key is replaced by a marker: a report never
shows a key, even one the repository itself published."""
from __future__ import annotations

from pathlib import Path

from ..engine.catalog import providers
from ..report.model import Report

CONTEXT = 2  # lines shown before and after the finding's lines
MAX_LINE = 200
MAX_LINES = 14
REDACTED = "[a key, not shown]"


def redact(line: str) -> str:
    for provider in providers().providers:
        for pattern in provider.key_formats:
            line = pattern.sub(REDACTED, line)
    return line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…"


def collect_excerpts(root: Path, report: Report) -> dict[str, list[tuple[int, str]]]:
    """"file:line" -> [(line number, text), ...] around every finding's lines."""
    out: dict[str, list[tuple[int, str]]] = {}
    cache: dict[str, list[str] | None] = {}
    for finding in report.findings + report.test_findings:
        lines = cache.get(finding.file)
        if finding.file not in cache:
            lines = cache[finding.file] = _read(root, finding.file)
        if not lines:
            continue
        first = max(1, finding.line - CONTEXT)
        last = min(len(lines), finding.end_line + CONTEXT, first + MAX_LINES - 1)
        out[f"{finding.file}:{finding.line}"] = [(n, redact(lines[n - 1])) for n in range(first, last + 1)]
    return out


def _read(root: Path, rel: str) -> list[str] | None:
    path = (root / rel)
    try:
        if not path.resolve().is_relative_to(root.resolve()) or path.is_symlink():
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text.splitlines()  # a notebook's too: findings point at the .ipynb file's own lines
