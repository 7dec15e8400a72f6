"""What the report page shows, built from a stored report: links to lines at the scanned
commit, plain words, the prefilled issue, downloads and the badge."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Callable
from urllib.parse import quote

from ..forge_sites import line_url
from ..report.markdown import issue_title, render_markdown
from ..report.model import Finding, Report
from ..report.words import CATEGORY_WORDS, USER_ADVICE, VERDICT_WORDS, summary
from ..rules import Rule, load_rules
from .context import host_of, public_base, settings
from .issues import IssueLink, issue_link
from .store import StoredReport

SEVERITY_WORDS = {"high": "High", "medium": "Medium", "low": "Low", "info": "Note"}


def report_path(host: str, repo: str, commit: str, subpath: str | None = None) -> str:
    path = f"/r/{host}/{quote(repo, safe='/')}/{commit}"
    return path + (f"?path={quote(subpath)}" if subpath else "")


@dataclass
class ReportView:
    report: Report
    forge: str
    repo: str
    commit: str
    web_url: str
    subpath: str | None
    excerpts: dict
    path: str  # this report's permalink, relative to the site
    url: str  # and absolute

    @classmethod
    def build(cls, stored: StoredReport) -> ReportView:
        extras = stored.extras
        web_url = extras["web_url"]
        key = stored.key
        path = report_path(host_of(web_url), key.repo, key.commit, key.subpath or None)
        return cls(Report.from_dict(stored.report), key.forge, key.repo, key.commit, web_url,
                   key.subpath or None, extras.get("excerpts", {}), path, public_base() + path)

    # links --------------------------------------------------------------------------------

    def line(self, file: str, line: int | None = None) -> str:
        path = f"{self.subpath}/{file}" if self.subpath else file
        return line_url(self.forge, self.web_url, self.commit, path, line)

    def excerpt(self, finding: Finding) -> list[tuple[int, str, bool]]:
        """(line number, text, is it one of the finding's lines)."""
        lines = self.excerpts.get(f"{finding.file}:{finding.line}", [])
        return [(n, text, finding.line <= n <= finding.end_line) for n, text in lines]

    def download(self, fmt: str) -> str:
        base = self.path.split("?")[0]
        query = f"?path={quote(self.subpath)}" if self.subpath else ""
        return f"{base}.{fmt}{query}"

    @property
    def commit_url(self) -> str:
        middle = {"gitlab": "-/commit", "bitbucket": "commits"}.get(self.forge, "commit")
        return f"{self.web_url}/{middle}/{self.commit}"

    @property
    def badge_path(self) -> str:
        return f"/badge/{host_of(self.web_url)}/{quote(self.repo, safe='/')}.svg"

    @property
    def badge_url(self) -> str:
        return public_base() + self.badge_path

    @property
    def security_policy_url(self) -> str | None:
        policy = self.report.security_policy
        return self.line(policy) if policy else None

    # words --------------------------------------------------------------------------------

    @property
    def verdict(self) -> str:
        return self.report.verdict

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS[self.verdict]

    @property
    def summary(self) -> str:
        return summary(self.report)

    @property
    def scored(self) -> list[Finding]:
        return [f for f in self.report.findings if f.severity != "info"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.report.findings if f.severity == "info"]

    @property
    def rules(self) -> dict[str, Rule]:
        return load_rules()

    @property
    def user_advice(self) -> tuple[str, ...]:
        return USER_ADVICE

    @property
    def author_advice(self) -> list[tuple[Rule, str]]:
        """Each rule that fired, once, with its fix."""
        seen, out = set(), []
        for finding in self.scored + self.notes:
            rule = self.rules[finding.rule]
            if rule.id not in seen:
                seen.add(rule.id)
                out.append((rule, " ".join(rule.fix.split())))
        return out

    @staticmethod
    def severity_words(severity: str) -> str:
        return SEVERITY_WORDS[severity]

    @staticmethod
    def category_words(category: str) -> str:
        return CATEGORY_WORDS.get(category, category.replace("-", " "))

    @cached_property
    def issue(self) -> IssueLink:
        report = self.report

        def body(max_chars: int | None) -> str:
            return render_markdown(report, link=self.line, report_url=self.url, max_chars=max_chars)

        return issue_link(self.forge, self.web_url, issue_title(report), body, settings().issue_url_limit)


class ViewCache:
    """Report views and their rendered pages by stored report, the most recently used kept. A
    stored report never changes, and building its view and issue link (the whole issue body
    quoted into a URL) and rendering its page cost far more than serving the text again."""

    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[tuple, list] = OrderedDict()  # key -> [view, rendered page or None]
        self._lock = threading.Lock()

    def view(self, stored: StoredReport) -> ReportView:
        return self._entry(stored)[0]

    def page(self, stored: StoredReport, render: Callable[[ReportView], str]) -> str:
        entry = self._entry(stored)
        if entry[1] is None:
            entry[1] = render(entry[0])
        return entry[1]

    def _entry(self, stored: StoredReport) -> list:
        key = (stored.key, stored.created, public_base())
        with self._lock:
            if (entry := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                return entry
        entry = [ReportView.build(stored), None]
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry
