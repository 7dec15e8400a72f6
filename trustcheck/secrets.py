"""Committed secrets: provider key formats in any text file, filled-in .env and secrets files.

Findings say which provider's key and where, never the key: not even a part of it.
"""
from __future__ import annotations

import functools
import re

from .config import Settings
from .engine.catalog import providers, python_catalog
from .files import SourceFile, read_text
from .report.model import Finding, TraceStep
from .rules import load_rules

_ASSIGNMENT = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*["']?([^"'#\s]*)""")
_PLACEHOLDER = re.compile(r"(?i)^(|x+|\*+|\.+|<.*>|\$\{.*\}|\{\{.*\}\}|your|changeme|change_me|replace|todo|"
                          r"none|null|false|true|test|dummy|example|placeholder|sk-\.+|sk-x+|\.\.\.)$|your[_-]|here$|xxx|"
                          r"\.\.\.|example|placeholder|replace")
_SECRET_FILES = (".env", "secrets.toml", ".envrc")


def find_committed_secrets(files: list[SourceFile], settings: Settings) -> list[Finding]:
    rule = load_rules()["hardcoded-secret"]
    catalog = python_catalog()
    found: dict[tuple[str, int], Finding] = {}
    for file in files:
        text, _ = read_text(file.path, settings, check_lines=False)
        if text is None:
            continue
        name = file.rel.rsplit("/", 1)[-1]
        secret_file = name.startswith(".env") and not name.endswith((".example", ".sample", ".template")) \
            or name in _SECRET_FILES
        if not secret_file and not _may_hold_a_key(text):
            continue  # the common case
        for number, line in enumerate(text.splitlines(), start=1):
            provider = _key_format(line)
            if provider is None and secret_file:
                match = _ASSIGNMENT.match(line)
                if match and catalog.is_key_env(match.group(1).split(".")[-1]) and \
                        not _PLACEHOLDER.search(match.group(2)) and len(match.group(2)) >= 16:
                    provider = "provider"
            if provider is not None and (file.rel, number) not in found:
                found[(file.rel, number)] = Finding(
                    rule.id, rule.category, "info", file.rel, number, number,
                    rule.message.format(host=provider, call=""),
                    (TraceStep(file.rel, number, rule.note),))
    return list(found.values())


def _may_hold_a_key(text: str) -> bool:
    """Whether some provider's key format matches somewhere in `text`: first by the literal text
    each format starts with (`sk-`, `AIza`), found with `str.find`, many times faster than the
    patterns themselves over a text that holds none."""
    prefixes, pattern = _any_key_format()
    return (not prefixes or any(prefix in text for prefix in prefixes)) and bool(pattern.search(text))


@functools.cache
def _any_key_format() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """The literal starts of every key format (none when one has no literal start), and one
    pattern matching any format."""
    formats = [p.pattern for provider in providers().providers for p in provider.key_formats]
    prefixes = [_literal_start(f) for f in formats]
    return (tuple(prefixes) if all(prefixes) else ()), re.compile("|".join(f"(?:{f})" for f in formats))


def _literal_start(pattern: str) -> str:
    """`\\bsk-(?:proj)-...` -> "sk-": the text every match starts with."""
    pattern = pattern.removeprefix("^").removeprefix("\\b")
    start = re.match(r"[A-Za-z0-9_-]*", pattern).group(0)
    if pattern[len(start):len(start) + 1] in ("?", "*", "{"):  # the last character is optional
        start = start[:-1]
    return start


def _key_format(line: str) -> str | None:
    for provider in providers().providers:
        for pattern in provider.key_formats:
            match = pattern.search(line)
            if match and not _PLACEHOLDER.search(match.group(0)) and _varied(match.group(0)):
                return provider.name
    return None


def _varied(token: str) -> bool:
    """Real keys mix letters and digits; `sk-aaaa...` and `sk-1234...` are examples."""
    body = token.split("-")[-1] if "-" in token else token
    return any(c.isdigit() for c in body) and any(c.isalpha() for c in body) and len(set(body)) > 8
