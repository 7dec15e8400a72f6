"""A Hugging Face Space has no archive endpoint: its files are downloaded one by one, under the
limits an archive gets (file count, total bytes, the path rules of archive extraction)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from .archive import _safe_name  # the very path rules archive extraction applies
from .config import Settings
from .errors import ArchiveTooLarge, RedirectRefused, RepositoryNotFound
from .forge_api import Resolved
from .forge_client import ForgeClient, Progress
from .forge_sites import ForgeSite
from .report.model import Skip


def download_space(client: ForgeClient, site: ForgeSite, space: Resolved, dest: Path, settings: Settings,
                   progress: Progress | None = None) -> list[Skip]:
    """Write the Space's files under `dest`; return what was not written and why."""
    if len(space.files) > settings.max_archive_members:
        raise ArchiveTooLarge(f"the Space has more than {settings.max_archive_members:,} files")
    base = f"{site.web_url}/spaces/{quote(space.repo)}/resolve/{space.commit}"
    skipped: list[Skip] = []
    total = 0

    def step(stage: str, done: int, _size: int) -> None:
        if progress:
            progress(stage, total + done, 0)

    for name in space.files:
        rel, problem = _safe_name(name, settings)
        if problem is not None:
            skipped.append(Skip(name, problem))
            continue
        if rel is None:
            continue
        target = dest / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            total += client.download(f"{base}/{quote(rel)}", target, limit=settings.max_file_bytes, progress=step,
                                     missing=f"{rel} is missing from {space.repo} at {space.commit[:12]}")
        except ArchiveTooLarge:
            target.unlink(missing_ok=True)
            skipped.append(Skip(rel, f"larger than {settings.max_file_bytes:,} bytes (not downloaded)"))
        except RedirectRefused:  # Git LFS files live on a CDN host; they are large binaries
            skipped.append(Skip(rel, "stored on another host, probably Git LFS (not downloaded)"))
        except RepositoryNotFound as err:
            skipped.append(Skip(rel, err.message))
        except OSError:
            skipped.append(Skip(rel, "clashes with another file of the Space (not written)"))
        if total > settings.max_archive_bytes:
            raise ArchiveTooLarge(f"the Space's files add up to more than {settings.max_archive_bytes:,} bytes")
    return skipped
