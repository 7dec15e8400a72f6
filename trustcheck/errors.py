"""Errors a user can cause, each with the HTTP status and CLI exit code it maps to.

Library code raises these; only the edges (the CLI, the web views) catch them and show the
message: one line, never a traceback."""
from __future__ import annotations


class TrustcheckError(Exception):
    http_status = 400
    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TargetError(TrustcheckError):
    """The scan target is missing, unreadable or not something we can scan."""


class ArchiveError(TrustcheckError):
    """An archive is corrupt, too large, or tries to write outside its folder."""
    http_status = 422


class UnsupportedURL(TrustcheckError):
    """What the user pasted is not a repository or app URL we know how to fetch."""


class RepositoryNotFound(TrustcheckError):
    """The forge has no public repository (or branch, tag, commit) by that name."""
    http_status = 404


class RateLimited(TrustcheckError):
    """The forge's rate limit for this site is used up; `retry_after` is in seconds, if known."""
    http_status = 429

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ArchiveTooLarge(ArchiveError):
    """A download went over its byte limit (it was stopped there)."""
    http_status = 413


class ForgeUnavailable(TrustcheckError):
    """The forge timed out, failed (5xx after a retry) or answered something unexpected."""
    http_status = 502


class RedirectRefused(ForgeUnavailable):
    """The forge redirected to a host that is not configured for it; we never follow those."""


class AppSourceNotFound(TrustcheckError):
    """An app's page (a *.streamlit.app or *.hf.space URL) did not lead to one repository."""
    http_status = 422
