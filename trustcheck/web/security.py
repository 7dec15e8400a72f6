"""The site's own safety: security headers with a strict Content-Security-Policy, CSRF tokens
for the HTML form, and a per-client limit on new scans."""
from __future__ import annotations

import hmac
import secrets
import time

from flask import Flask, Response, abort, request, session

from .database import Database

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(("/r/", "/scans/", "/api/")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def csrf_token() -> str:
    token = session.get("csrf")
    if token is None:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    sent = request.form.get("csrf", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="The form expired. Please reload the page and try again.")


class RateLimiter:
    """At most `limit` new scans per client in a sliding window, counted in the site's database
    so that the limit holds across all the processes serving the site."""

    def __init__(self, limit: int, database: Database, window: float = 3600.0):
        self.limit = limit
        self.window = window
        self._db = database
        with database.writing() as db:
            db.execute("CREATE TABLE IF NOT EXISTS submissions (client TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS by_client ON submissions (client, at)")

    def allow(self, client: str) -> float:
        """0 when allowed (and counted), else the seconds to wait."""
        now = time.time()
        with self._db.writing() as db:
            db.execute("DELETE FROM submissions WHERE at <= ?", (now - self.window,))
            count, first = db.execute("SELECT count(*), min(at) FROM submissions WHERE client = ?",
                                      (client,)).fetchone()
            if count >= self.limit:
                return self.window - (now - first)
            db.execute("INSERT INTO submissions VALUES (?, ?)", (client, now))
            return 0.0


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
