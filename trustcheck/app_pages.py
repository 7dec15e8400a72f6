"""An app's own URL -> the repository behind it.

A Streamlit Community Cloud app's page links to its GitHub repository; the page is read from the
configured Streamlit address only (settings.streamlit_app_url), never from what the user typed.
A `*.hf.space` subdomain joins owner and Space with hyphens, so when either holds a hyphen the
Hub's API is asked which split exists.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import requests
from bs4 import BeautifulSoup

from .config import Settings
from .errors import AppSourceNotFound, RedirectRefused, RepositoryNotFound, UnsupportedURL
from .forge_client import ForgeClient
from .forge_sites import forge_site
from .forges import AppRef, RepoRef, parse_target

_MAX_SPLITS = 8
# github.com/<first segment>/... pages that are not repositories
_GITHUB_PAGES = {"about", "apps", "collections", "contact", "enterprise", "explore", "features", "join",
                 "login", "marketplace", "orgs", "pricing", "security", "settings", "site", "sponsors",
                 "topics"}


class _AppPage:
    """The host policy for one app page: its own origin, no token."""

    label = "the app's page"

    def __init__(self, url: str):
        self.origin = urlsplit(url)[:2]

    def allows(self, url: str) -> bool:
        return urlsplit(url)[:2] == self.origin

    def auth_headers(self, url: str) -> dict[str, str]:
        return {}


def find_app_repository(app: AppRef, settings: Settings, session: requests.Session) -> RepoRef:
    if app.kind == "huggingface":
        return _find_space(app, settings, session)
    url = settings.streamlit_app_url.format(name=app.name)
    ask = f"paste the URL of its repository instead (for example {settings.github_url}/OWNER/REPO)"
    try:
        page = ForgeClient(_AppPage(url), settings, session).get_text(
            url, missing=f"there is no public Streamlit app at {app.url}")
    except RedirectRefused:
        raise AppSourceNotFound(f"{app.url} sent us to another site (the app may be private); {ask}") from None
    repos = repository_links(page, settings)
    if not repos:
        raise AppSourceNotFound(f"the page of {app.url} does not link to its source repository; {ask}")
    if len(repos) > 1:
        names = ", ".join(r.slug for r in repos[:5])
        raise AppSourceNotFound(f"the page of {app.url} links to several repositories ({names}); {ask}")
    return repos[0]


def repository_links(html: str, settings: Settings) -> list[RepoRef]:
    """The distinct GitHub repositories an HTML page links to (links and meta tags)."""
    soup = BeautifulSoup(html, "html.parser")
    values = [tag.get("href") for tag in soup.find_all(["a", "link"])]
    values += [tag.get("content") for tag in soup.find_all("meta")]
    found: dict[str, RepoRef] = {}
    for value in values:
        ref = _github_repo(value, settings) if isinstance(value, str) else None
        if ref is not None:
            found.setdefault(ref.slug.lower(), ref)
    return list(found.values())


def _github_repo(value: str, settings: Settings) -> RepoRef | None:
    value = value.strip()
    if value.lower().startswith(("github.com/", "www.github.com/")):
        value = "https://" + value
    url = urlsplit(value)
    if (url.hostname or "").lower().removeprefix("www.") != "github.com":  # Streamlit deploys from there
        return None
    segments = [s for s in url.path.split("/") if s][:2]
    if len(segments) < 2 or segments[0].lower() in _GITHUB_PAGES or \
            [s.lower() for s in segments] == ["streamlit", "streamlit"]:  # the framework's own repository
        return None
    try:  # a link to github.com means the configured GitHub (the same one in production)
        ref = parse_target(f"{settings.github_url.rstrip('/')}/{'/'.join(segments)}", settings)
    except UnsupportedURL:
        return None
    return ref if isinstance(ref, RepoRef) else None


def _find_space(app: AppRef, settings: Settings, session: requests.Session) -> RepoRef:
    site = forge_site("huggingface", settings)
    client = ForgeClient(site, settings, session)
    parts = app.name.split("-")
    for cut in range(1, min(len(parts), _MAX_SPLITS + 1)):
        owner, space = "-".join(parts[:cut]), "-".join(parts[cut:])
        try:
            data = client.get_json(f"{site.api_url}/spaces/{quote(owner)}/{quote(space)}", missing="")
        except RepositoryNotFound:
            continue
        name = data.get("id") if isinstance(data, dict) else None
        if isinstance(name, str):
            try:
                ref = parse_target(f"{site.web_url}/spaces/{name}", settings)
            except UnsupportedURL:
                continue
            if isinstance(ref, RepoRef):
                return ref
    raise AppSourceNotFound(f"could not tell which Hugging Face Space {app.url} is; paste its URL instead "
                            f"({settings.huggingface_url}/spaces/OWNER/SPACE)")
