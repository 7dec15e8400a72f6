"""The rule catalogue: every rule is complete, loads, and its documented example does what
the documentation says (fires), while its fix does not."""
from __future__ import annotations

from pathlib import Path

import pytest

from trustcheck.rules import DOC_FIELDS, RULES_DIR, RuleError, load_rule, load_rules

RULES = sorted(load_rules().values(), key=lambda r: r.id)


def test_every_rule_file_is_registered():
    assert {p.stem for p in RULES_DIR.glob("*.toml")} == set(load_rules())


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_documentation_is_complete(rule):
    for name in DOC_FIELDS:
        assert getattr(rule, name).strip(), f"{rule.id}: {name} is empty"
    assert rule.message and rule.note
    assert "{host}" in rule.message or "{call}" in rule.message or not rule.python
    if rule.scored:
        assert rule.cwe.startswith("CWE-")


EXAMPLE_FILES = {"python": "app.py", "javascript": "app.js", "html": "index.html"}


@pytest.mark.parametrize("rule", [r for r in RULES if r.example_runs], ids=lambda r: r.id)
def test_documented_example_fires_and_fix_does_not(rule, scan_app):
    name = EXAMPLE_FILES[rule.example_language]
    fired = {f.rule for f in scan_app({name: rule.example}).findings}
    assert rule.id in fired, f"the example of {rule.id} does not trigger it"
    fixed = {f.rule for f in scan_app({name: rule.example_fixed}).findings}
    assert rule.id not in fixed, f"the fixed example of {rule.id} still triggers it"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_rule_whose_id_differs_from_its_file_name_is_refused(tmp_path):
    with pytest.raises(RuleError, match="must equal the file name"):
        load_rule(_write(tmp_path, "a-rule.toml", 'id = "other"\n'))


def test_a_rule_with_missing_documentation_is_refused(tmp_path):
    with pytest.raises(RuleError, match="missing"):
        load_rule(_write(tmp_path, "a-rule.toml", 'id = "a-rule"\ncategory = "logging"\ntitle = "t"\n'))


def test_a_rule_with_a_bad_pattern_or_key_is_refused(tmp_path):
    base = RULES_DIR.joinpath("key-in-log-call.toml").read_text().split("[[python]]")[0]
    with pytest.raises(RuleError, match="unknown sink keys"):
        load_rule(_write(tmp_path, "key-in-log-call.toml", base + '[[python]]\ncals = ["print"]\n'))
    with pytest.raises(RuleError, match="needs `calls` or `stores`"):
        load_rule(_write(tmp_path, "key-in-log-call.toml", base + '[[python]]\ndata = ["*"]\n'))
