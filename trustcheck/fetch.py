"""Repository URL -> forge API -> streamed archive with limits -> safe extraction.

Two steps, so that a caller with a store of reports can skip the download: `resolve_repository`
asks the forge which commit a URL means (a few small API calls); `fetch_repository` downloads and
extracts that commit (given a URL, it resolves first). Only the configured forge hosts are
contacted (forge_client); extraction is archive.extract_archive's.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .app_pages import find_app_repository
from .archive import extract_archive
from .config import Settings
from .errors import TargetError
from .forge_api import Resolved, resolve
from .forge_client import ForgeClient, Progress, new_session
from .forge_sites import ForgeSite, line_url, repo_web_url, site_for
from .forges import AppRef, Forge, RepoRef, parse_target
from .report.model import Skip
from .spaces import download_space


@dataclass(frozen=True)
class Resolution:
    """A repository resolved to one commit, before anything is downloaded."""

    ref: RepoRef
    """What is fetched (an app URL already replaced by its repository)."""
    site: ForgeSite
    resolved: Resolved

    @property
    def forge(self) -> Forge:
        return self.site.forge

    @property
    def repo(self) -> str:
        return self.resolved.repo

    @property
    def commit(self) -> str:
        return self.resolved.commit

    @property
    def default_branch(self) -> str:
        return self.resolved.default_branch

    @property
    def web_url(self) -> str:
        return repo_web_url(self.site, self.resolved.repo)


@dataclass(frozen=True)
class Fetched:
    root: Path
    """The folder to scan: the repository's top folder, or the folder the URL pointed at."""
    repo: str
    """"owner/name" as the forge spells it (a GitLab owner may hold subgroups)."""
    commit: str
    """The full SHA that was downloaded."""
    default_branch: str
    forge: Forge
    web_url: str
    """The repository's page on the forge."""
    skipped: list[Skip]
    """What was not extracted or downloaded, and why; paths relative to the repository."""
    subpath: str | None = None
    """The folder (relative to the repository) that `root` is, when the URL named one."""

    def line_url(self, path: str, line: int | None = None) -> str:
        """A permalink at the scanned commit to `path` (relative to `root`) and line."""
        return line_url(self.forge, self.web_url, self.commit, f"{self.subpath}/{path}" if self.subpath else path,
                        line)


def resolve_repository(ref_or_url: RepoRef | AppRef | str, settings: Settings,
                       progress: Progress | None = None) -> Resolution:
    """Which repository and commit a URL means (reports the stage ("resolving", 0, 0))."""
    target = parse_target(ref_or_url, settings) if isinstance(ref_or_url, str) else ref_or_url
    if progress:
        progress("resolving", 0, 0)
    with new_session() as session:
        ref = find_app_repository(target, settings, session) if isinstance(target, AppRef) else target
        site = site_for(ref, settings)
        return Resolution(ref, site, resolve(ForgeClient(site, settings, session), site, ref))


def fetch_repository(ref_or_url: RepoRef | AppRef | str | Resolution, dest: Path, settings: Settings,
                     progress: Progress | None = None) -> Fetched:
    """Download one commit of a public repository into `dest` (created if needed; best empty).

    Stages reported: ("resolving", 0, 0) unless given a Resolution, ("downloading", bytes so far,
    total or 0), ("extracting", 0, 0)."""
    plan = ref_or_url if isinstance(ref_or_url, Resolution) else resolve_repository(ref_or_url, settings, progress)
    resolved = plan.resolved
    dest.mkdir(parents=True, exist_ok=True)
    with new_session() as session:
        client = ForgeClient(plan.site, settings, session)
        if resolved.archive_url is None:
            root, skipped = dest, download_space(client, plan.site, resolved, dest, settings, progress)
        else:
            root, skipped = _download_archive(client, resolved.archive_url, resolved, dest, settings, progress)
    folder = _subfolder(root, plan.ref.subpath, resolved)
    return Fetched(folder or root, plan.repo, plan.commit, plan.default_branch, plan.forge, plan.web_url, skipped,
                   plan.ref.subpath if folder else None)


def _download_archive(client: ForgeClient, url: str, resolved: Resolved, dest: Path, settings: Settings,
                      progress: Progress | None) -> tuple[Path, list[Skip]]:
    with tempfile.TemporaryDirectory(prefix="trustcheck-download-") as tmp:
        archive = Path(tmp) / "repository.tar.gz"
        client.download(url, archive, limit=settings.max_archive_bytes, progress=progress,
                        missing=f"the archive of {resolved.repo} at {resolved.commit[:12]} is not available")
        if progress:
            progress("extracting", 0, 0)
        return extract_archive(archive, dest, settings)


def _subfolder(root: Path, subpath: str | None, resolved: Resolved) -> Path | None:
    """The folder a URL pointed at; None for none, or for a file (Gitea's and Bitbucket's
    `/src/` URLs name files and folders alike: a file means its whole repository)."""
    if not subpath:
        return None
    folder = root / subpath
    inside = folder.resolve().is_relative_to(root.resolve())
    if inside and folder.is_dir():
        return folder
    if inside and folder.is_file():
        return None
    raise TargetError(f"there is no folder {subpath!r} in {resolved.repo} at {resolved.commit[:12]}")
