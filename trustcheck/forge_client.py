"""HTTP to one forge's configured hosts and to no other host.

Redirects are followed by hand so that every hop is checked against the forge's hosts before it
is contacted, and the token header is chosen per hop (only the API's origin gets it). A 5xx or a
connection error is retried once. Every answer the forge can give becomes a domain error.
"""
from __future__ import annotations

import email.utils
import json
import time
from pathlib import Path
from typing import Any, Callable, Protocol
from urllib.parse import urljoin, urlsplit

import requests

from . import __version__
from .config import Settings
from .errors import ArchiveTooLarge, ForgeUnavailable, RateLimited, RedirectRefused, RepositoryNotFound

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in scan.py

_MAX_REDIRECTS = 5
_CHUNK = 1 << 16
_NOT_FOUND = (401, 403, 404, 409, 410, 422)  # forges hide private repositories behind these


class HostPolicy(Protocol):
    label: str

    def allows(self, url: str) -> bool: ...

    def auth_headers(self, url: str) -> dict[str, str]: ...


def new_session() -> requests.Session:
    session = requests.Session()
    # No proxies, .netrc credentials or CA overrides from the environment: the hosts and headers
    # chosen here are the only ones used.
    session.trust_env = False
    session.headers["User-Agent"] = f"trustcheck/{__version__}"
    return session


class ForgeClient:
    def __init__(self, policy: HostPolicy, settings: Settings, session: requests.Session):
        self.policy = policy
        self.settings = settings
        self.session = session

    def get_json(self, url: str, *, missing: str) -> Any:
        """GET a JSON answer; `missing` is the message for a 404 (or a 401/403 that is not a
        rate limit: forges answer those for private repositories)."""
        try:
            return json.loads(self.get_text(url, missing=missing))
        except ValueError:
            raise ForgeUnavailable(f"{self.policy.label} answered something that is not JSON") from None

    def get_text(self, url: str, *, missing: str) -> str:
        with self._open(url, missing) as response:
            body = b"".join(self._chunks(response, self.settings.max_api_bytes))
        return body.decode(response.encoding or "utf-8", errors="replace")

    def download(self, url: str, target: Path, *, missing: str, limit: int,
                 progress: Progress | None = None) -> int:
        """Stream `url` into a new file `target`; stop and raise ArchiveTooLarge as soon as more
        than `limit` bytes arrive. Returns the byte count."""
        with self._open(url, missing) as response:
            declared = response.headers.get("Content-Length", "")
            total = int(declared) if declared.isdigit() else 0
            if total > limit:
                raise self._too_large(limit)
            size = 0
            with open(target, "xb") as out:
                for chunk in self._chunks(response, limit):
                    out.write(chunk)
                    size += len(chunk)
                    if progress:
                        progress("downloading", size, total)
        return size

    def _chunks(self, response: requests.Response, limit: int):
        deadline = time.monotonic() + self.settings.download_seconds
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise self._too_large(limit)
                if time.monotonic() > deadline:
                    raise ForgeUnavailable(f"the download from {self.policy.label} took longer than "
                                           f"{self.settings.download_seconds:g} seconds")
                yield chunk
        except requests.RequestException:
            raise ForgeUnavailable(f"the connection to {self.policy.label} broke off during a download") from None

    def _too_large(self, limit: int) -> ArchiveTooLarge:
        return ArchiveTooLarge(f"the download from {self.policy.label} is larger than the limit of {limit:,} bytes")

    def _open(self, url: str, missing: str) -> requests.Response:
        for _ in range(_MAX_REDIRECTS + 1):
            if not self.policy.allows(url):
                raise RedirectRefused(f"{self.policy.label} redirected to {urlsplit(url).netloc or url!r}, "
                                      "which is not one of its configured hosts; it was not contacted")
            response = self._send(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                response.close()
                continue
            if response.status_code < 300:
                return response
            response.close()
            raise self._error(response, missing)
        raise ForgeUnavailable(f"{self.policy.label} redirected more than {_MAX_REDIRECTS} times")

    def _send(self, url: str) -> requests.Response:
        timeout = (self.settings.http_connect_timeout, self.settings.http_timeout)
        for attempt in (1, 2):
            try:
                response = self.session.get(url, headers=self.policy.auth_headers(url), timeout=timeout,
                                            allow_redirects=False, stream=True)
            except requests.Timeout:
                failure = f"did not answer within {self.settings.http_timeout:g} seconds"
            except requests.RequestException:
                failure = "could not be reached"
            else:
                if response.status_code < 500:
                    return response
                failure = f"answered HTTP {response.status_code}"
                response.close()
            if attempt == 1:
                time.sleep(self.settings.http_retry_delay)
        raise ForgeUnavailable(f"{self.policy.label} {failure} (tried twice); try again later")

    def _error(self, response: requests.Response, missing: str) -> Exception:
        status, headers = response.status_code, response.headers
        remaining = headers.get("X-RateLimit-Remaining", headers.get("RateLimit-Remaining"))
        if status == 429 or (status == 403 and (remaining == "0" or "Retry-After" in headers)):
            wait = retry_after(headers)
            return RateLimited(f"{self.policy.label}'s rate limit for this site is used up; "
                               f"try again {_in(wait)}.", wait)
        if status in _NOT_FOUND:
            return RepositoryNotFound(missing)
        return ForgeUnavailable(f"{self.policy.label} answered HTTP {status}")


def retry_after(headers: Any, now: float | None = None) -> int | None:
    """Seconds until a rate limit resets: Retry-After (seconds or a date), else the reset time."""
    now = time.time() if now is None else now
    value = (headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return int(value)
    if value:
        try:
            return max(0, round(email.utils.parsedate_to_datetime(value).timestamp() - now))
        except (TypeError, ValueError):
            pass
    reset = (headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset") or "").strip()
    return max(0, round(int(reset) - now)) if reset.isdigit() else None


def _in(seconds: int | None) -> str:
    if seconds is None:
        return "later"
    if seconds < 90:
        return f"in {seconds} seconds"
    if seconds < 90 * 60:
        return f"in about {round(seconds / 60)} minutes"
    return f"in about {round(seconds / 3600)} hours"
