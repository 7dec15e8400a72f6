"""The terminal report: the verdict first, then each finding with its trace."""
from __future__ import annotations

from .model import Finding, Report
from .words import USER_ADVICE, VERDICT_WORDS, location, summary

_COLORS = {"high": "\033[1;31m", "medium": "\033[1;33m", "low": "\033[1;32m", "unknown": "\033[1;35m",
           "info": "\033[2m"}
_RESET = "\033[0m"


def render_text(report: Report, color: bool = False) -> str:
    def paint(text: str, level: str) -> str:
        return f"{_COLORS.get(level, '')}{text}{_RESET}" if color else text

    cov = report.coverage
    lines = [paint(f"Verdict: {report.verdict.upper()}", report.verdict), VERDICT_WORDS[report.verdict],
             summary(report), "",
             f"Scanned {report.target.input}: {cov.files} file{'s' if cov.files != 1 else ''} analyzed, "
             f"{len(cov.skipped)} skipped, {report.seconds:.2f} s"
             + ("" if cov.complete else " (stopped early: the scan is incomplete)")]
    scored = [f for f in report.findings if f.severity != "info"]
    notes = [f for f in report.findings if f.severity == "info"]
    if scored:
        lines += ["", "Findings:"]
        for finding in scored:
            lines += _finding(finding, paint)
    if notes:
        lines += ["", "Also noted (not scored):"]
        for finding in notes:
            lines += _finding(finding, paint, with_trace=False)
    if report.expected_uses:
        lines += ["", "Expected uses:"]
        lines += [f"  {u.file}:{u.line}  {u.message}" for u in report.expected_uses]
    if report.test_findings:
        lines += ["", f"In test code ({len(report.test_findings)}, not scored):"]
        lines += [f"  {location(f)}  {f.message}  [{f.rule}]" for f in report.test_findings]
    if cov.skipped:
        lines += ["", "Skipped:"]
        lines += [f"  {s.file}  {s.reason}" for s in cov.skipped[:20]]
        if len(cov.skipped) > 20:
            lines.append(f"  … and {len(cov.skipped) - 20} more (see --format json)")
    if scored:
        lines += ["", "If you use this app:"] + [f"  - {advice}" for advice in USER_ADVICE]
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, paint, with_trace: bool = True) -> list[str]:
    head = f"  {paint(finding.severity.upper(), finding.severity)}  {finding.category}  {finding.message}"
    out = [head, f"    at {location(finding)}  [{finding.rule}]"]
    if with_trace and len(finding.trace) > 1:
        out += [f"      {step.file}:{step.line}  {step.note}" for step in finding.trace]
    return out
