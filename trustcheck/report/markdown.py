"""The issue body for an app's author: polite, specific, with permalinks and fixes.

`link(file, line)` turns a location into a URL (a permalink at the scanned commit); without
it locations are plain `file:line`. `max_chars` keeps the body within a forge's URL limit:
whole findings are dropped from the end and summarized, never cut in the middle.
"""
from __future__ import annotations

from typing import Callable

from ..rules import load_rules
from .model import Finding, Report
from .words import VERDICT_WORDS

Link = Callable[[str, int], str]


def _where(finding: Finding, link: Link | None) -> str:
    label = f"{finding.file} line {finding.line}"
    return f"[`{label}`]({link(finding.file, finding.line)})" if link else f"`{label}`"


def _step(file: str, line: int, link: Link | None) -> str:
    return f"[{file}:{line}]({link(file, line)})" if link else f"`{file}:{line}`"


def _section(number: int, finding: Finding, link: Link | None) -> str:
    rule = load_rules()[finding.rule]
    steps = "\n".join(f"   {i}. {_step(s.file, s.line, link)} {s.note}" for i, s in enumerate(finding.trace, start=1))
    return (f"### {number}. {finding.message}\n\n"
            f"{_where(finding, link)} ({finding.category}, {finding.severity})\n\n"
            f"How the key gets there:\n\n{steps}\n\n"
            f"**Why it matters:** {' '.join(rule.why.split())}\n\n"
            f"**How to fix:** {' '.join(rule.fix.split())}\n")


def issue_title(report: Report) -> str:
    scored = [f for f in report.findings if f.severity != "info"]
    if not scored:
        return "trustcheck: notes on how this app handles users' API keys"
    kinds = sorted({f.category for f in scored})
    return "Users' API keys may be " + " and ".join(
        {"exfiltration": "sent to a third party", "logging": "logged", "persistence": "stored"}[k] for k in kinds)


def render_markdown(report: Report, link: Link | None = None, report_url: str | None = None,
                    max_chars: int | None = None) -> str:
    scored = [f for f in report.findings if f.severity != "info"]
    head = ("Hi! Thank you for sharing this app. People are asked to paste their own API key into it, so I "
            "ran [trustcheck](https://github.com/trustcheck/trustcheck), a static analyzer that follows the "
            "key through the code, on this repository"
            + (f" at commit `{report.target.commit[:12]}`" if report.target.commit else "") + ". "
            "It found the places below. Static analysis can be wrong: if one of these is a false alarm, "
            "I'm sorry for the noise, and a short reply saying why would help.\n\n"
            f"**Verdict: {report.verdict}.** {VERDICT_WORDS[report.verdict]}\n\n")
    tail = (f"\nFull report: {report_url}\n" if report_url else "") + \
        "\nThe key itself is never shown in this report.\n"
    sections = [_section(i, f, link) for i, f in enumerate(scored, start=1)]
    body = head + "\n".join(sections) + tail
    if max_chars is None or len(body) <= max_chars:
        return body
    for count in range(len(sections) - 1, -1, -1):
        omitted = len(sections) - count
        note = f"\n…and {omitted} more finding{'s' if omitted != 1 else ''}, listed in the full report.\n"
        candidate = head + "\n".join(sections[:count]) + note + tail
        if len(candidate) <= max_chars:
            return candidate
    return (f"trustcheck found {len(scored)} place(s) where this app may expose users' API keys."
            + (f" Full report: {report_url}" if report_url else ""))
