"""The rule catalogue: one TOML file per rule in this folder, its name the rule's id.

A rule carries its identity (category, severity, CWE), its documentation (what it finds, why
it matters, an example, the fix) and, per language, the sinks it matches. The CLI, SARIF rule
help, the web site's /rules pages and the issue text all read the same text from here.
Dropping a file into this folder registers the rule; a broken file fails loudly at load time.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..engine.paths import compile_pattern

RULES_DIR = Path(__file__).parent
CATEGORIES = {"exfiltration", "logging", "persistence", "relay", "remote-code", "obfuscation",
              "hardcoded-secret", "insecure-transport", "key-in-url", "display", "unmasked-input",
              "unverified-destination"}
SCORED = {"exfiltration", "logging", "persistence"}
SEVERITIES = ("high", "medium", "low", "info")
CONTEXTS = ("server", "local", "browser")
LANGUAGES = ("python", "javascript")  # the sink blocks a rule may have: [[python]], [[javascript]]
DOC_FIELDS = ("title", "summary", "why", "example", "fix", "example_fixed")


class RuleError(ValueError):
    """A rule file is malformed."""


@dataclass(frozen=True)
class SinkSpec:
    """Where a rule fires: calls (or stores to) API paths, and which arguments carry the key."""
    rule: str
    calls: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    data: tuple[str, ...] = ("*",)  # "*": every argument; "0": first; "kw:json"; "receiver"
    url: tuple[str, ...] = ()  # where the destination is read from (HTTP sinks)
    default_url: str = ""  # the destination when those give none (the AI SDK's useChat: /api/chat)
    host: str = ""  # a fixed destination (an analytics service, an email server)
    when: str = ""  # an engine predicate the call must satisfy
    requires: tuple[str, ...] = ()  # argument roles that must be present
    excludes: tuple[str, ...] = ()  # argument roles that must be absent
    holders: bool = False  # an object built with the key counts too
    needs_key: bool = True  # false for rules about the code itself (remote code, obfuscation)
    imports: tuple[str, ...] = ()  # only when the program imports one of these
    unless_imports: tuple[str, ...] = ()
    note: str = ""  # the trace's last step; {call} and {host} are filled in


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    title: str
    summary: str
    why: str
    example: str
    fix: str
    example_fixed: str
    severity: dict[str, str]  # context (server/local/browser) -> severity; absent: not reported
    cwe: str = ""
    confidence: str = "high"
    message: str = ""  # the finding's message; {call} and {host} are filled in
    note: str = ""  # the trace's last step, unless a sink says otherwise
    references: tuple[str, ...] = ()
    limitations: str = ""
    example_language: str = "python"
    example_runs: bool = True  # false when the example cannot be scanned as it is written
    python: tuple[SinkSpec, ...] = field(default=())
    javascript: tuple[SinkSpec, ...] = field(default=())

    @property
    def scored(self) -> bool:
        return self.category in SCORED

    def severity_in(self, context: str) -> str | None:
        if not self.scored:
            return "info"
        return self.severity.get(context)


def _sink(rule_id: str, raw: dict) -> SinkSpec:
    known = set(SinkSpec.__dataclass_fields__) - {"rule"}
    unknown = set(raw) - known
    if unknown:
        raise RuleError(f"{rule_id}: unknown sink keys {sorted(unknown)}")
    spec = SinkSpec(rule=rule_id, **{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
    if not spec.calls and not spec.stores:
        raise RuleError(f"{rule_id}: a sink needs `calls` or `stores`")
    for pattern in spec.calls + spec.stores:
        try:
            compile_pattern(pattern)
        except Exception as err:  # re.error, ValueError
            raise RuleError(f"{rule_id}: bad API pattern {pattern!r}: {err}") from None
    return spec


def load_rule(path: Path) -> Rule:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{path.name}: {err}") from None
    rule_id = raw.get("id")
    if rule_id != path.stem:
        raise RuleError(f"{path.name}: id {rule_id!r} must equal the file name")
    missing = [f for f in ("category", *DOC_FIELDS) if not str(raw.get(f, "")).strip()]
    if missing:
        raise RuleError(f"{rule_id}: missing {', '.join(missing)}")
    if raw["category"] not in CATEGORIES:
        raise RuleError(f"{rule_id}: unknown category {raw['category']!r}")
    severity = raw.get("severity", {})
    if isinstance(severity, str):
        severity = {context: severity for context in CONTEXTS}
    if raw["category"] in SCORED and not severity:
        raise RuleError(f"{rule_id}: a scored rule needs a severity")
    for context, level in severity.items():
        if context not in CONTEXTS or level not in SEVERITIES:
            raise RuleError(f"{rule_id}: bad severity {context}={level}")
    sinks = {language: tuple(_sink(rule_id, s) for s in raw.get(language, [])) for language in LANGUAGES}
    fields = {k: v for k, v in raw.items() if k not in (*LANGUAGES, "severity")}
    fields["references"] = tuple(raw.get("references", ()))
    unknown = set(fields) - set(Rule.__dataclass_fields__)
    if unknown:
        raise RuleError(f"{rule_id}: unknown keys {sorted(unknown)}")
    return Rule(severity=severity, **sinks, **fields)


@cache
def load_rules() -> dict[str, Rule]:
    """Every rule in this folder, by id."""
    rules = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        rule = load_rule(path)
        rules[rule.id] = rule
    return rules
