"""Inline expectations in fixture apps, in the style of semgrep-rules:

    # ruleid: key-in-log-call        the next code line must be reported by this rule
    # ok: key-in-log-call            the next code line must not be
    # todoruleid: key-in-log-call    a known miss: should be reported, is not yet
    # todook: key-in-log-call        a known false alarm: reported, should not be

Several rules may be listed, separated by commas. In notebooks, annotations sit in code cells
and refer to the notebook file's own lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from trustcheck.notebook import notebook_code

ANNOTATION = re.compile(r"^\s*(?:#|//|<!--)\s*(ruleid|ok|todoruleid|todook):\s*([\w,\s-]+?)\s*(?:-->)?\s*$")
CODE_SUFFIXES = {".py", ".ipynb", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".vue", ".svelte", ".html"}


@dataclass
class Expectations:
    ruleid: set = field(default_factory=set)
    ok: set = field(default_factory=set)
    todoruleid: set = field(default_factory=set)
    todook: set = field(default_factory=set)

    @property
    def reported(self) -> set:
        """What the scan must report exactly, known gaps included."""
        return self.ruleid | self.todook


def _annotated(lines: list[str]) -> list[tuple[str, str, int]]:
    """(kind, rule, 0-based index of the line it refers to)."""
    out = []
    for index, line in enumerate(lines):
        match = ANNOTATION.match(line)
        if not match:
            continue
        target = index + 1
        while target < len(lines) and (not lines[target].strip() or ANNOTATION.match(lines[target])):
            target += 1
        for rule in match.group(2).split(","):
            if rule.strip():
                out.append((match.group(1), rule.strip(), target))
    return out


def read_expectations(app: Path) -> Expectations:
    found = Expectations()
    for path in sorted(app.rglob("*")):
        if not path.is_file() or path.suffix not in CODE_SUFFIXES:
            continue
        rel = path.relative_to(app).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            code, line_map = notebook_code(text)
            lines = code.splitlines()
            to_file = lambda index: line_map[index][0]  # noqa: E731
        else:
            lines = text.splitlines()
            to_file = lambda index: index + 1  # noqa: E731
        for kind, rule, index in _annotated(lines):
            getattr(found, kind).add((rule, rel, to_file(index)))
    return found
