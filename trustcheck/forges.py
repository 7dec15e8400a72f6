"""What a user pastes -> which repository to fetch.

Hosts are matched against the configured forge base URLs (config.Settings), never against a
hard-coded list, so the same parser serves github.com and a fake forge on 127.0.0.1. Nothing here
touches the network: app URLs (`*.streamlit.app`, ambiguous `*.hf.space`) come back as an
`AppRef`, resolved to a repository at fetch time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Literal
from urllib.parse import SplitResult, unquote, urlsplit

from .config import Settings
from .errors import UnsupportedURL

Forge = Literal["github", "gitlab", "codeberg", "bitbucket", "huggingface"]

_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_SHORTHAND = re.compile(r"([A-Za-z0-9-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?")
_SCP = re.compile(r"[\w.-]+@([\w.-]+):(.+)")  # git@github.com:owner/repo.git
_SUBDOMAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class RepoRef:
    """A repository on a forge, as named by a URL."""

    forge: Forge
    owner: str
    """The account, organisation or, on GitLab, the full namespace path (`group/sub`)."""
    name: str
    ref: str | None = None
    """The branch, tag or commit the URL names; None means the default branch."""
    subpath: str | None = None
    """A folder inside the repository the URL points at. Where a URL cannot tell a folder from a
    file (Gitea's and Bitbucket's `/src/`), a file here means the whole repository is scanned."""
    gitea_url: str | None = None
    """The web base URL of a Gitea/Forgejo host other than Codeberg (settings.gitea_urls)."""

    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class AppRef:
    """An app's own address: its repository is found at fetch time, from the app's page
    (Streamlit) or by asking the forge's API which Space the subdomain is (Hugging Face)."""

    kind: Literal["streamlit", "huggingface"]
    name: str
    """The subdomain: `NAME.streamlit.app`, `OWNER-SPACE.hf.space`."""
    url: str


def accepted_inputs(settings: Settings) -> str:
    """The sentence that tells a user what they may paste."""
    github = _host(urlsplit(settings.github_url))
    return (f"Paste the URL of a public repository on {github}, {_host(urlsplit(settings.gitlab_url))}, "
            f"{_host(urlsplit(settings.codeberg_url))} (or another configured Gitea/Forgejo host), "
            f"{_host(urlsplit(settings.bitbucket_url))} or a Hugging Face Space, or an app URL "
            f"(NAME.{settings.streamlit_app_domain}, NAME.{settings.huggingface_space_domain}); "
            f"for example https://{github}/OWNER/REPO or OWNER/REPO.")


def parse_target(text: str, settings: Settings) -> RepoRef | AppRef:
    """Parse a pasted repository or app URL; raise UnsupportedURL for anything else."""
    raw = text.strip()
    if not raw or len(raw) > 2048 or any(c.isspace() or ord(c) < 32 for c in raw):
        raise UnsupportedURL(accepted_inputs(settings))
    if match := _SHORTHAND.fullmatch(raw):
        return _repo("github", match[1], match[2], settings)
    ignore_port = False
    if match := _SCP.fullmatch(raw):
        raw, ignore_port = f"https://{match[1]}/{match[2]}", True
    elif "://" not in raw:
        raw = "https://" + raw
    try:
        url = urlsplit(raw)
        url.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        raise UnsupportedURL(accepted_inputs(settings)) from None
    if url.scheme not in ("http", "https") or not url.hostname:
        raise UnsupportedURL(accepted_inputs(settings))
    segments = [unquote(s) for s in url.path.split("/") if s]
    for forge, base, gitea_url in _web_bases(settings):
        rest = _below(url, segments, urlsplit(base), ignore_port)
        if rest is not None:
            return replace(_PATH_PARSERS[forge](rest, settings), gitea_url=gitea_url)
    return _app(url, settings)


def _web_bases(settings: Settings) -> list[tuple[Forge, str, str | None]]:
    bases: list[tuple[Forge, str, str | None]] = [
        ("github", settings.github_url, None), ("gitlab", settings.gitlab_url, None),
        ("codeberg", settings.codeberg_url, None), ("bitbucket", settings.bitbucket_url, None),
        ("huggingface", settings.huggingface_url, None)]
    bases += [("codeberg", url.rstrip("/"), url.rstrip("/")) for url in split_list(settings.gitea_urls)]
    return bases


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _host(url: SplitResult, ignore_port: bool = False) -> str:
    """Host name without `www.`, with the port only where it is not the scheme's default."""
    host = (url.hostname or "").lower().removeprefix("www.")
    default = {"http": 80, "https": 443}.get(url.scheme)
    return host if ignore_port or url.port in (None, default) else f"{host}:{url.port}"


def _below(url: SplitResult, segments: list[str], base: SplitResult, ignore_port: bool) -> list[str] | None:
    """The path segments after the base URL's, if `url` is on that base (scheme aside)."""
    if _host(url, ignore_port) != _host(base, ignore_port):
        return None
    prefix = [s for s in base.path.split("/") if s]
    return segments[len(prefix):] if segments[:len(prefix)] == prefix else None


def _repo(forge: Forge, owner: str, name: str, settings: Settings, ref: str | None = None,
          subpath: list[str] | None = None) -> RepoRef:
    name = name.removesuffix(".git")
    owners = owner.split("/") if forge == "gitlab" else [owner]  # GitLab: group/subgroup/...
    if not all(_NAME.fullmatch(part) and part not in (".", "..") for part in [*owners, name]):
        raise UnsupportedURL(f"{owner}/{name} is not a repository name. " + accepted_inputs(settings))
    if subpath and any(part in (".", "..") for part in subpath):
        raise UnsupportedURL("the folder in that URL is not a plain path inside the repository")
    if ref is not None and (not ref or len(ref) > 255):
        raise UnsupportedURL("the branch, tag or commit in that URL is not valid")
    return RepoRef(forge, owner, name, ref, "/".join(subpath) if subpath else None)


def _owner_and_name(segments: list[str], settings: Settings) -> tuple[str, str, list[str]]:
    if len(segments) < 2:
        raise UnsupportedURL("that URL names an account, not a repository. " + accepted_inputs(settings))
    return segments[0], segments[1], segments[2:]


def _github(segments: list[str], settings: Settings) -> RepoRef:
    owner, name, rest = _owner_and_name(segments, settings)
    kind, args = (rest[0], rest[1:]) if rest else ("", [])
    if kind == "tree" and args:  # a folder: scan it (a branch with a slash is read as branch/folder)
        return _repo("github", owner, name, settings, args[0], args[1:])
    if kind in ("blob", "commit") and args:  # a file: scan its whole repository
        return _repo("github", owner, name, settings, args[0])
    if kind == "releases" and args[:1] == ["tag"] and len(args) > 1:
        return _repo("github", owner, name, settings, args[1])
    return _repo("github", owner, name, settings)


def _gitlab(segments: list[str], settings: Settings) -> RepoRef:
    project, rest = (segments[:segments.index("-")], segments[segments.index("-") + 1:]) \
        if "-" in segments else (segments, [])
    if len(project) < 2:
        raise UnsupportedURL("that URL names a group, not a project. " + accepted_inputs(settings))
    owner, name = "/".join(project[:-1]), project[-1]
    kind, args = (rest[0], rest[1:]) if rest else ("", [])
    if kind == "tree" and args:
        return _repo("gitlab", owner, name, settings, args[0], args[1:])
    if kind in ("blob", "commit") and args:
        return _repo("gitlab", owner, name, settings, args[0])
    return _repo("gitlab", owner, name, settings)


def _gitea(segments: list[str], settings: Settings) -> RepoRef:
    owner, name, rest = _owner_and_name(segments, settings)
    if len(rest) >= 3 and rest[0] == "src" and rest[1] in ("branch", "tag", "commit"):
        return _repo("codeberg", owner, name, settings, rest[2], rest[3:])
    if len(rest) >= 2 and rest[0] == "commit":
        return _repo("codeberg", owner, name, settings, rest[1])
    return _repo("codeberg", owner, name, settings)


def _bitbucket(segments: list[str], settings: Settings) -> RepoRef:
    owner, name, rest = _owner_and_name(segments, settings)
    if len(rest) >= 2 and rest[0] in ("src", "commits", "branch"):
        return _repo("bitbucket", owner, name, settings, rest[1], rest[2:] if rest[0] == "src" else None)
    return _repo("bitbucket", owner, name, settings)


def _huggingface(segments: list[str], settings: Settings) -> RepoRef:
    if segments[:1] != ["spaces"]:
        raise UnsupportedURL("on Hugging Face only Spaces are apps (huggingface.co/spaces/OWNER/SPACE). "
                             + accepted_inputs(settings))
    owner, name, rest = _owner_and_name(segments[1:], settings)
    kind, args = (rest[0], rest[1:]) if rest else ("", [])
    if kind == "tree" and args:
        return _repo("huggingface", owner, name, settings, args[0], args[1:])
    if kind in ("blob", "resolve", "commit") and args:
        return _repo("huggingface", owner, name, settings, args[0])
    return _repo("huggingface", owner, name, settings)


_PATH_PARSERS: dict[Forge, Callable[[list[str], Settings], RepoRef]] = {
    "github": _github, "gitlab": _gitlab, "codeberg": _gitea, "bitbucket": _bitbucket,
    "huggingface": _huggingface}


def _app(url: SplitResult, settings: Settings) -> RepoRef | AppRef:
    host = (url.hostname or "").lower()
    apps: tuple[tuple[Literal["huggingface", "streamlit"], str], ...] = (
        ("huggingface", settings.huggingface_space_domain), ("streamlit", settings.streamlit_app_domain))
    for kind, domain in apps:
        name = host.removesuffix("." + domain.lower())
        if name != host and _SUBDOMAIN.fullmatch(name):
            if kind == "huggingface" and name.count("-") == 1:
                return _repo("huggingface", *name.split("-"), settings)
            return AppRef(kind, name, f"https://{host}")
    raise UnsupportedURL(accepted_inputs(settings))
