"""Plain words for people: verdicts, categories and the advice shown with a report. Shared
by the text, Markdown and HTML renderers so they say the same thing."""
from __future__ import annotations

from .model import Finding, Report

VERDICT_WORDS = {
    "high": "High risk: this app's code sends, logs or stores your API key where others can read or use it.",
    "medium": "Medium risk: your API key may be kept or sent somewhere you did not expect.",
    "low": "Low risk: nothing in this app's code sends, logs or stores your key beyond its provider.",
    "unknown": "Unknown: nothing could be analyzed, so this report cannot say what happens to your key.",
}
CATEGORY_WORDS = {
    "exfiltration": "sent to another host",
    "logging": "written to a log",
    "persistence": "stored",
}
USER_ADVICE = (
    "Use a key made for this app alone, with a low spending limit, and delete it when you are done.",
    "Check the provider's usage page after trying the app; rotate the key at once if you see use you did not make.",
    "Static analysis reads the repository: the deployed app may run other code, and some flows cannot be seen.",
)


def summary(report: Report) -> str:
    """One short paragraph on where the key goes."""
    scored = [f for f in report.findings if f.severity != "info"]
    if report.verdict == "unknown":
        return VERDICT_WORDS["unknown"]
    parts = []
    for category, words in CATEGORY_WORDS.items():
        hits = [f for f in scored if f.category == category]
        if hits:
            places = sorted({f"{f.file}:{f.line}" for f in hits})
            parts.append(f"{words} ({len(hits)} place{'s' if len(hits) > 1 else ''}: {', '.join(places[:3])}"
                         f"{'…' if len(places) > 3 else ''})")
    if not parts:
        sent = sorted({u.message for u in report.expected_uses})
        tail = f" The key is {'; '.join(sent[:3])}." if sent else ""
        return "No place where the key is logged, stored or sent to a third party was found." + tail
    return "The key is " + "; ".join(parts) + "."


def location(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}"
    if finding.end_line > finding.line:
        where += f"-{finding.end_line}"
    if finding.cell is not None:
        where += f" (cell {finding.cell}, line {finding.cell_line})"
    return where
