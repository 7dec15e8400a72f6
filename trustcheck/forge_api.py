"""Each forge's documented API: a repository reference -> its canonical name, default branch,
commit SHA and where to download that commit (SPEC, "Fetching").

Answers are checked before use: a SHA must look like one and a name like a name, since both go
into file paths, permalinks and further requests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from .errors import ForgeUnavailable, RepositoryNotFound
from .forge_client import ForgeClient
from .forge_sites import ForgeSite
from .forges import RepoRef

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REPO = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+")


@dataclass(frozen=True)
class Resolved:
    repo: str
    """The canonical "owner/name", as the forge spells it."""
    commit: str
    default_branch: str
    archive_url: str | None
    """A .tar.gz of the commit; None for a Hugging Face Space, fetched file by file."""
    files: tuple[str, ...] = ()
    """A Space's files (its `siblings`)."""


def resolve(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    return _RESOLVERS[site.forge](client, site, ref)


def _q(part: str) -> str:
    return quote(part, safe="")


def _missing(site: ForgeSite, ref: RepoRef) -> str:
    return f"{site.label} has no public repository {ref.slug} (it is missing or private)"


def _ref_missing(site: ForgeSite, ref: RepoRef, name: str) -> str:
    return f"{name!r} is not a branch, tag or commit of {ref.slug} on {site.label}"


def _field(data: Any, path: str, site: ForgeSite) -> Any:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    if data is None:
        raise ForgeUnavailable(f"{site.label}'s answer has no {path}")
    return data


def _text(data: Any, path: str, site: ForgeSite, pattern: re.Pattern[str] | None = None) -> str:
    value = _field(data, path, site)
    if not isinstance(value, str) or not value or (pattern and not pattern.fullmatch(value)):
        raise ForgeUnavailable(f"{site.label}'s answer has an unexpected {path}")
    return value


def _public(hidden: bool, site: ForgeSite, ref: RepoRef) -> None:
    """A server token may see private repositories; the site must not show them to anyone.
    (Anonymous answers may leave the visibility out: only public repositories reach them.)"""
    if hidden:
        raise RepositoryNotFound(_missing(site, ref))


def _github(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    base = f"{site.api_url}/repos/{_q(ref.owner)}/{_q(ref.name)}"
    repo = client.get_json(base, missing=_missing(site, ref))
    _public(repo.get("private") is True or repo.get("visibility", "public") != "public", site, ref)
    branch = _text(repo, "default_branch", site)
    wanted = ref.ref or branch
    commit = client.get_json(f"{base}/commits/{_q(wanted)}", missing=_ref_missing(site, ref, wanted))
    sha = _text(commit, "sha", site, _SHA)
    return Resolved(_text(repo, "full_name", site, _REPO), sha, branch, f"{base}/tarball/{sha}")


def _gitlab(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    base = f"{site.api_url}/projects/{_q(ref.slug)}"
    project = client.get_json(base, missing=_missing(site, ref))
    _public(project.get("visibility", "public") != "public", site, ref)
    branch = project.get("default_branch")
    if not isinstance(branch, str) or not branch:
        raise RepositoryNotFound(f"{ref.slug} on {site.label} has no commits yet")
    wanted = ref.ref or branch
    commit = client.get_json(f"{base}/repository/commits/{_q(wanted)}", missing=_ref_missing(site, ref, wanted))
    sha = _text(commit, "id", site, _SHA)
    return Resolved(_text(project, "path_with_namespace", site, _REPO), sha, branch,
                    f"{base}/repository/archive.tar.gz?sha={sha}")


def _gitea(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    base = f"{site.api_url}/repos/{_q(ref.owner)}/{_q(ref.name)}"
    repo = client.get_json(base, missing=_missing(site, ref))
    _public(repo.get("private") is True or repo.get("internal") is True, site, ref)
    branch = _text(repo, "default_branch", site)
    if ref.ref:  # a branch, tag or SHA: Gitea's single-commit endpoint takes any of them
        commit = client.get_json(f"{base}/git/commits/{_q(ref.ref)}", missing=_ref_missing(site, ref, ref.ref))
        sha = _text(commit, "sha", site, _SHA)
    else:
        head = client.get_json(f"{base}/branches/{_q(branch)}", missing=_ref_missing(site, ref, branch))
        sha = _text(head, "commit.id", site, _SHA)
    return Resolved(_text(repo, "full_name", site, _REPO), sha, branch, f"{base}/archive/{sha}.tar.gz")


def _bitbucket(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    base = f"{site.api_url}/repositories/{_q(ref.owner)}/{_q(ref.name)}"
    repo = client.get_json(base, missing=_missing(site, ref))
    _public(repo.get("is_private") is True, site, ref)
    branch = _text(repo, "mainbranch.name", site)
    wanted = ref.ref or branch
    commit = client.get_json(f"{base}/commit/{_q(wanted)}", missing=_ref_missing(site, ref, wanted))
    sha = _text(commit, "hash", site, _SHA)
    name = _text(repo, "full_name", site, _REPO)
    return Resolved(name, sha, branch, f"{site.web_url}/{quote(name)}/get/{sha}.tar.gz")


def _huggingface(client: ForgeClient, site: ForgeSite, ref: RepoRef) -> Resolved:
    url = f"{site.api_url}/spaces/{_q(ref.owner)}/{_q(ref.name)}"
    missing = _missing(site, ref).replace("repository", "Space")
    space = client.get_json(url + (f"/revision/{_q(ref.ref)}" if ref.ref else ""), missing=missing)
    _public(space.get("private") is True or bool(space.get("gated")), site, ref)
    siblings = _field(space, "siblings", site)
    if not isinstance(siblings, list):
        raise ForgeUnavailable(f"{site.label}'s answer has an unexpected siblings")
    files = tuple(s["rfilename"] for s in siblings if isinstance(s, dict) and isinstance(s.get("rfilename"), str))
    return Resolved(_text(space, "id", site, _REPO), _text(space, "sha", site, _SHA), "main", None, files)


_RESOLVERS: dict[str, Callable[[ForgeClient, ForgeSite, RepoRef], Resolved]] = {
    "github": _github, "gitlab": _gitlab, "codeberg": _gitea, "bitbucket": _bitbucket,
    "huggingface": _huggingface}
