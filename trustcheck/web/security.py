"""The site's own safety: security headers with a strict Content-Security-Policy, CSRF tokens
for the HTML form, and a per-client limit on new scans."""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque

from flask import Flask, Response, abort, request, session

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
    """At most `limit` events per client in a sliding window (in memory, per process)."""

    def __init__(self, limit: int, window: float = 3600.0):
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> float:
        """0 when allowed (and counted), else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(client, deque())
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return self.window - (now - events[0])
            events.append(now)
            if len(self._events) > 100_000:  # forget idle clients
                for key in [k for k, v in self._events.items() if not v]:
                    del self._events[key]
            return 0.0


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
