"""Safe extraction of .zip and .tar(.gz) archives of untrusted repositories.

Only regular files and folders are written, each under the destination: absolute paths, `..`,
links (symbolic and hard), devices and FIFOs are skipped and recorded. The archive's size, the
number of members, the total extracted size (counted as bytes are written, not trusted from
headers), the compression ratio and the path depth are all limited (see config.Settings).
"""
from __future__ import annotations

import stat
import tarfile
import zipfile
from pathlib import Path
from typing import IO

from .config import Settings
from .errors import ArchiveError
from .report.model import Skip

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
_CHUNK = 1 << 16


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _safe_name(name: str, settings: Settings) -> tuple[str | None, str | None]:
    """(relative path, None) or (None, why it may not be written)."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None, "an absolute path"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None, "a path outside the archive's folder"
    if len(parts) > settings.max_path_depth:
        return None, f"nested deeper than {settings.max_path_depth} folders"
    return ("/".join(parts) or None), None


class _Budget:
    def __init__(self, archive_size: int, settings: Settings):
        self.settings = settings
        self.archive_size = max(archive_size, 1)
        self.written = 0
        self.members = 0

    def member(self) -> None:
        self.members += 1
        if self.members > self.settings.max_archive_members:
            raise ArchiveError(f"the archive has more than {self.settings.max_archive_members:,} files")

    def add(self, count: int) -> None:
        self.written += count
        if self.written > self.settings.max_extracted_bytes:
            raise ArchiveError(f"the archive expands to more than {self.settings.max_extracted_bytes:,} bytes")
        if self.written > 1_000_000 and self.written / self.archive_size > self.settings.max_compression_ratio:
            raise ArchiveError("the archive's compression ratio is suspiciously high (a zip bomb?)")


def _copy(source: IO[bytes], target: Path, budget: _Budget) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as out:
        while True:
            chunk = source.read(_CHUNK)
            if not chunk:
                break
            budget.add(len(chunk))
            out.write(chunk)


def extract_archive(archive: Path, dest: Path, settings: Settings) -> tuple[Path, list[Skip]]:
    """Extract into `dest`; return the folder to scan (the archive's single top folder, as
    forges wrap repositories, or `dest`) and what was not extracted."""
    try:
        size = archive.stat().st_size
    except OSError as err:
        raise ArchiveError(f"cannot read {archive.name}: {err.strerror}") from None
    if size > settings.max_archive_bytes:
        raise ArchiveError(f"the archive is larger than {settings.max_archive_bytes:,} bytes")
    budget = _Budget(size, settings)
    try:
        if zipfile.is_zipfile(archive):
            skipped = _extract_zip(archive, dest, settings, budget)
        elif tarfile.is_tarfile(archive):
            skipped = _extract_tar(archive, dest, settings, budget)
        else:
            raise ArchiveError(f"{archive.name} is not a zip or tar archive")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as err:
        raise ArchiveError(f"{archive.name} is corrupt or truncated ({type(err).__name__})") from None
    entries = [e for e in dest.iterdir()]
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else dest
    prefix = root.name + "/" if root != dest else ""
    return root, [Skip(s.file[len(prefix):] if s.file.startswith(prefix) else s.file, s.reason) for s in skipped]


def _extract_zip(archive: Path, dest: Path, settings: Settings, budget: _Budget) -> list[Skip]:
    skipped: list[Skip] = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            budget.member()
            name, problem = _safe_name(info.filename, settings)
            mode = info.external_attr >> 16
            if problem is None and stat.S_ISLNK(mode):
                problem = "a symbolic link (not extracted)"
            if problem is not None:
                skipped.append(Skip(info.filename, problem))
                continue
            if name is None or info.is_dir():
                continue
            with zf.open(info) as source:
                _copy(source, dest / name, budget)
    return skipped


def _extract_tar(archive: Path, dest: Path, settings: Settings, budget: _Budget) -> list[Skip]:
    skipped: list[Skip] = []
    with tarfile.open(archive, mode="r:*") as tf:
        for member in tf:
            budget.member()
            name, problem = _safe_name(member.name, settings)
            if problem is None and not (member.isfile() or member.isdir()):
                kind = "a link" if member.issym() or member.islnk() else "a device or special file"
                problem = f"{kind} (not extracted)"
            if problem is not None:
                skipped.append(Skip(member.name, problem))
                continue
            if name is None or member.isdir():
                continue
            source = tf.extractfile(member)
            if source is not None:
                _copy(source, dest / name, budget)
    return skipped
