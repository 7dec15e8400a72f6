"""SARIF 2.1.0 for code-scanning dashboards: rule help from the catalogue, the trace as a
codeFlow."""
from __future__ import annotations

import json

from ..rules import Rule, load_rules
from .model import Finding, Report, TraceStep

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "2.0", "info": "0.0"}
INFORMATION_URI = "https://github.com/trustcheck/trustcheck"


def rule_help_markdown(rule: Rule) -> str:
    example_lang = rule.example_language
    return (f"## What it finds\n{rule.summary}\n\n## Why it matters\n{rule.why.strip()}\n\n"
            f"## Example\n```{example_lang}\n{rule.example.strip()}\n```\n\n"
            f"## How to fix\n{rule.fix.strip()}\n\n```{example_lang}\n{rule.example_fixed.strip()}\n```\n")


def _rule(rule: Rule) -> dict:
    top = max(rule.severity.values(), key=["info", "low", "medium", "high"].index) if rule.scored else "info"
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": f"{rule.why.strip()}\n\nFix: {rule.fix.strip()}", "markdown": rule_help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[top]},
        "properties": {"tags": ["security", rule.category] + ([rule.cwe] if rule.cwe else []),
                       "security-severity": SECURITY_SEVERITY[top], "precision": rule.confidence},
    }


def _location(file: str, line: int, end_line: int | None = None, message: str | None = None) -> dict:
    region = {"startLine": line}
    if end_line and end_line >= line:
        region["endLine"] = end_line
    out = {"physicalLocation": {"artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"}, "region": region}}
    if message:
        out["message"] = {"text": message}
    return out


def _step(step: TraceStep, index: int) -> dict:
    return {"location": _location(step.file, step.line, message=step.note), "executionOrder": index + 1,
            "nestingLevel": 0}


def _result(finding: Finding, index: dict[str, int], in_tests: bool) -> dict:
    out = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.file, finding.line, finding.end_line)],
        "properties": {"category": finding.category, "severity": finding.severity, "testCode": in_tests},
    }
    if finding.trace:
        out["codeFlows"] = [{"threadFlows": [{"locations": [_step(s, i) for i, s in enumerate(finding.trace)]}]}]
    return out


def render_sarif(report: Report) -> str:
    rules = load_rules()
    ordered = sorted(rules.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(ordered)}
    results = [_result(f, index, False) for f in report.findings]
    results += [_result(f, index, True) for f in report.test_findings]
    run = {
        "tool": {"driver": {"name": "trustcheck", "version": report.engine_version,
                            "informationUri": INFORMATION_URI, "rules": [_rule(r) for r in ordered]}},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The root of the scanned repository."}}},
        "results": results,
        "properties": {"verdict": report.verdict, "coverage": report.coverage.to_dict()},
    }
    if report.target.repo and report.target.commit:
        run["versionControlProvenance"] = [{"repositoryUri": report.target.input,
                                            "revisionId": report.target.commit}]
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)
