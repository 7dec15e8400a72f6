"""What the views share: the app's services, the client's address, forge hosts in URLs."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app, request

from ..config import Settings
from ..forge_sites import forge_site
from ..forges import split_list
from .jobs import JobManager
from .security import RateLimiter
from .store import ReportStore

if TYPE_CHECKING:
    from .view import ViewCache

FORGES = ("github", "gitlab", "codeberg", "bitbucket", "huggingface")


def settings() -> Settings:
    return current_app.extensions["trustcheck"]["settings"]


def store() -> ReportStore:
    return current_app.extensions["trustcheck"]["store"]


def jobs() -> JobManager:
    return current_app.extensions["trustcheck"]["jobs"]


def views() -> ViewCache:
    return current_app.extensions["trustcheck"]["views"]


def limiter() -> RateLimiter:
    return current_app.extensions["trustcheck"]["limiter"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def forges_at(host: str) -> list[str]:
    """The forges whose web site is at `host` (as shown in permalinks, e.g. "github.com")."""
    config = settings()
    found = [forge for forge in FORGES if urlsplit(forge_site(forge, config).web_url).netloc == host]
    if any(urlsplit(url).netloc == host for url in split_list(config.gitea_urls)):
        found.append("codeberg")
    return found


def host_of(web_url: str) -> str:
    return urlsplit(web_url).netloc


def public_base() -> str:
    return (settings().public_url or request.host_url).rstrip("/")
