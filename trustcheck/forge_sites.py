"""Each forge as configured: its API and web base URLs, the hosts allowed to serve its archives,
its server-side token, and the shape of its web links (a repository's page, a line at a commit)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from .config import Settings
from .errors import UnsupportedURL
from .forges import Forge, RepoRef, split_list

_LABELS: dict[Forge, str] = {"github": "GitHub", "gitlab": "GitLab", "codeberg": "Codeberg",
                             "bitbucket": "Bitbucket", "huggingface": "Hugging Face"}


@dataclass(frozen=True)
class ForgeSite:
    forge: Forge
    label: str
    """The forge's name in messages ("GitHub", or a Gitea host's name)."""
    api_url: str
    web_url: str
    archive_hosts: tuple[str, ...]
    """Other hosts the API may redirect downloads to: `host` or `host:port`."""
    token_env: str | None
    """The environment variable holding an optional server-side token for the API."""
    auth_scheme: str = "Bearer"

    def allows(self, url: str) -> bool:
        """Whether `url` may be contacted: the API or web origin, or an archive host (over HTTPS,
        or the API's own scheme, so that production never downgrades to plain HTTP)."""
        target = urlsplit(url)
        if target.scheme not in ("http", "https") or not target.hostname:
            return False
        if _origin(target) in (_origin(urlsplit(self.api_url)), _origin(urlsplit(self.web_url))):
            return True
        if target.scheme not in ("https", urlsplit(self.api_url).scheme):
            return False
        return any(_host_matches(target, entry) for entry in self.archive_hosts)

    def auth_headers(self, url: str) -> dict[str, str]:
        """The token header, for the API's origin only (never an archive host or the web site)."""
        token = os.environ.get(self.token_env, "").strip() if self.token_env else ""
        if token and _origin(urlsplit(url)) == _origin(urlsplit(self.api_url)):
            return {"Authorization": f"{self.auth_scheme} {token}"}
        return {}


def _origin(url: SplitResult) -> tuple[str, str, int | None]:
    return url.scheme, (url.hostname or "").lower(), url.port or {"http": 80, "https": 443}.get(url.scheme)


def _host_matches(url: SplitResult, entry: str) -> bool:
    host, _, port = entry.lower().partition(":")
    return (url.hostname or "").lower() == host and (not port or str(url.port) == port)


def site_for(ref: RepoRef, settings: Settings) -> ForgeSite:
    if ref.gitea_url is not None:
        if ref.gitea_url not in [url.rstrip("/") for url in split_list(settings.gitea_urls)]:
            raise UnsupportedURL(f"{ref.gitea_url} is not a configured Gitea/Forgejo host")
        return ForgeSite("codeberg", urlsplit(ref.gitea_url).netloc, f"{ref.gitea_url}/api/v1",
                         ref.gitea_url, (), None, "token")
    return forge_site(ref.forge, settings)


def forge_site(forge: Forge, settings: Settings) -> ForgeSite:
    return ForgeSite(
        forge, _LABELS[forge],
        getattr(settings, f"{forge}_api_url").rstrip("/"), getattr(settings, f"{forge}_url").rstrip("/"),
        tuple(split_list(getattr(settings, f"{forge}_archive_hosts"))),
        f"TRUSTCHECK_{forge.upper()}_TOKEN", "token" if forge == "codeberg" else "Bearer")


def repo_web_url(site: ForgeSite, repo: str) -> str:
    """The repository's page; `repo` is "owner/name" (a GitLab owner may hold subgroups)."""
    path = quote(repo, safe="/")
    return f"{site.web_url}/spaces/{path}" if site.forge == "huggingface" else f"{site.web_url}/{path}"


def line_url(forge: Forge, web_url: str, commit: str, path: str, line: int | None = None) -> str:
    """A permalink to a file (and line) at a commit, in the forge's own URL shape."""
    path = quote(path, safe="/")
    if forge == "bitbucket":
        return f"{web_url}/src/{commit}/{path}" + (f"#lines-{line}" if line else "")
    middle = {"gitlab": "-/blob", "codeberg": "src/commit"}.get(forge, "blob")
    # GitHub renders notebooks and Markdown: a line anchor needs the plain view
    plain = "?plain=1" if forge == "github" and line and path.endswith(_RENDERED) else ""
    return f"{web_url}/{middle}/{commit}/{path}{plain}" + (f"#L{line}" if line else "")


_RENDERED = (".ipynb", ".md", ".markdown", ".rst", ".svg", ".geojson", ".csv")
