"""A prefilled "new issue" link for the app's author, per forge, within the length forges
accept. The body is shortened by whole findings (report.markdown), never mid-link."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

# forge -> (path of the new-issue page, title parameter, body parameter)
PREFILL = {
    "github": ("/issues/new", "title", "body"),
    "gitlab": ("/-/issues/new", "issue[title]", "issue[description]"),
    "codeberg": ("/issues/new", "title", "body"),
    "huggingface": ("/discussions/new", "title", "description"),
}
MIN_BODY = 400


@dataclass(frozen=True)
class IssueLink:
    url: str | None  # None: the forge has no prefill; show the text to copy
    page: str  # the forge's new-issue page, for copying the text into
    title: str
    body: str


def issue_link(forge: str, web_url: str, title: str, body_within: Callable[[int | None], str],
               limit: int) -> IssueLink:
    """`body_within(max_chars)` renders the body in at most that many characters (None: all)."""
    full = body_within(None)
    prefill = PREFILL.get(forge)
    if prefill is None:
        return IssueLink(None, web_url + "/issues/new", title, full)
    path, title_param, body_param = prefill
    base = f"{web_url}{path}?{quote(title_param)}={quote(title)}&{quote(body_param)}="

    def url_for(body: str) -> str:
        return base + quote(body, safe="")

    if len(whole := url_for(full)) <= limit:
        return IssueLink(whole, web_url + path, title, full)
    low, high, best = MIN_BODY, len(full), None
    while low <= high:  # the longest body whose link fits
        middle = (low + high) // 2
        body = body_within(middle)
        if len(url_for(body)) <= limit:
            best, low = body, middle + 1
        else:
            high = middle - 1
    body = best if best is not None else body_within(MIN_BODY)
    return IssueLink(url_for(body) if len(url_for(body)) <= limit else None, web_url + path, title, body)
