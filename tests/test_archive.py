"""Archives of untrusted repositories: nothing may land outside the extraction folder."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from trustcheck.archive import extract_archive
from trustcheck.config import load_settings
from trustcheck.errors import ArchiveError
from trustcheck.scan import scan_path

APP = "import getpass\nkey = getpass.getpass()\nprint(key)\n"


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_tarball_like_a_forge_scans_from_its_top_folder(tmp_path, settings):
    archive = _tar(tmp_path / "repo.tar.gz", [_file("owner-repo-abc1234/cli.py", APP.encode())])
    report = scan_path(archive, settings)
    assert report.coverage.files == 1
    assert [(f.rule, f.file) for f in report.findings] == [("key-in-log-call", "cli.py")]


def test_tar_members_that_escape_are_skipped_not_written(tmp_path, settings):
    link = tarfile.TarInfo("top/evil-link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    hard = tarfile.TarInfo("top/hard")
    hard.type = tarfile.LNKTYPE
    hard.linkname = "top/app.py"
    device = tarfile.TarInfo("top/dev")
    device.type = tarfile.CHRTYPE
    archive = _tar(tmp_path / "evil.tar.gz", [
        _file("top/app.py", APP.encode()), _file("../outside.py", b"x = 1\n"),
        _file("/abs/path.py", b"x = 1\n"), (link, None), (hard, None), (device, None)])
    dest = tmp_path / "out"
    dest.mkdir()
    root, skipped = extract_archive(archive, dest, settings)
    reasons = {s.file: s.reason for s in skipped}
    assert not (tmp_path / "outside.py").exists()
    assert "a path outside" in reasons["../outside.py"]
    assert "absolute" in reasons["/abs/path.py"]
    assert "link" in reasons["evil-link"] and "link" in reasons["hard"]  # relative to the scanned folder
    assert "device" in reasons["dev"]
    assert sorted(p.name for p in dest.rglob("*")) == ["app.py", "top"]


def test_zip_with_traversal_and_symlink_is_contained(tmp_path, settings):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("repo/app.py", APP)
        zf.writestr("../../escape.py", "x = 1\n")
        link = zipfile.ZipInfo("repo/link")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    report = scan_path(archive, settings)
    reasons = {s.file: s.reason for s in report.coverage.skipped}
    assert "a path outside the archive's folder" == reasons["../../escape.py"]
    assert "symbolic link" in reasons["link"]
    assert report.coverage.files == 1


def test_archive_bomb_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.py", "#" * 5_000_000)
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveError, match="compression ratio"):
        extract_archive(archive, dest, load_settings({}, max_compression_ratio=50))
    with pytest.raises(ArchiveError, match="expands to more than"):
        extract_archive(archive, tmp_path, load_settings({}, max_extracted_bytes=1_000_000))


def test_too_many_members_and_too_deep_paths(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(30):
            zf.writestr(f"f{i}.py", "x = 1\n")
        zf.writestr("/".join(["d"] * 12) + "/deep.py", "x = 1\n")
    with pytest.raises(ArchiveError, match="more than 10 files"):
        extract_archive(archive, tmp_path / "a", load_settings({}, max_archive_members=10))
    (tmp_path / "b").mkdir()
    _, skipped = extract_archive(archive, tmp_path / "b", load_settings({}, max_path_depth=5))
    assert any("nested deeper" in s.reason for s in skipped)


def test_oversized_archive_is_refused_before_reading(tmp_path):
    archive = _tar(tmp_path / "repo.tar.gz", [_file("a/app.py", APP.encode())])
    with pytest.raises(ArchiveError, match="larger than"):
        extract_archive(archive, tmp_path, load_settings({}, max_archive_bytes=10))
