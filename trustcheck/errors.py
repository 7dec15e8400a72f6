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
