"""One scan: a folder or an archive in, a `Report` out. The CLI and the web site both call
`scan_path`; neither has analysis logic of its own."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from .archive import extract_archive, is_archive
from .config import Settings, load_settings
from .engine.pipeline import ENGINE_VERSION, analyze_sources, deadline_after
from .engine.context import extension_folders, is_test_path
from .errors import TargetError
from .files import discover
from .report.model import Coverage, Report, Target
from .secrets import find_committed_secrets

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def scan_path(path: Path, settings: Settings | None = None, target: Target | None = None,
              progress: Progress | None = None) -> Report:
    """Scan a local folder or a .zip/.tar.gz archive of one."""
    settings = settings or load_settings()
    target = target or Target(str(path))
    if not path.exists():
        raise TargetError(f"{path} does not exist")
    if path.is_dir():
        return scan_folder(path, settings, target, progress)
    if path.is_file() and is_archive(path):
        with tempfile.TemporaryDirectory(prefix="trustcheck-") as tmp:
            if progress:
                progress("extracting", 0, 0)
            root, skipped = extract_archive(path, Path(tmp), settings)
            report = scan_folder(root, settings, target, progress)
            report.coverage.skipped[:0] = skipped
            return report
    raise TargetError(f"{path} is not a folder or a .zip/.tar.gz archive")


def scan_folder(root: Path, settings: Settings, target: Target, progress: Progress | None = None) -> Report:
    started = time.monotonic()
    deadline = deadline_after(settings.scan_seconds)
    inventory = discover(root, settings)
    analysis = analyze_sources(inventory.sources, settings, deadline, extension_folders(_manifests(inventory)),
                               progress)
    secrets = find_committed_secrets(inventory.text_files, settings)
    analyzed = set(analysis.analyzed)
    coverage = Coverage(
        files=len(analyzed),
        bytes=sum(f.size for f in inventory.sources if f.rel in analyzed),
        complete=analysis.complete,
        skipped=sorted(inventory.skipped + analysis.skipped, key=lambda s: s.file),
        parsed_with_errors=sorted(analysis.parsed_with_errors),
    )
    position = lambda f: (f.file, f.line)  # noqa: E731
    findings = sorted(analysis.findings + [s for s in secrets if not is_test_path(s.file)], key=position)
    test_findings = sorted(analysis.test_findings + [s for s in secrets if is_test_path(s.file)], key=position)
    return Report(target=target, findings=findings, test_findings=test_findings,
                  expected_uses=analysis.expected_uses, coverage=coverage,
                  seconds=time.monotonic() - started, engine_version=ENGINE_VERSION,
                  app_kind=analysis.app_kind, security_policy=_security_policy(root))


def _manifests(inventory) -> dict[str, str]:
    """The text of every manifest.json (a browser extension's), by path."""
    found = {}
    for file in inventory.text_files:
        if file.rel.rsplit("/", 1)[-1] == "manifest.json":
            try:
                found[file.rel] = Path(file.path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
    return found


def _security_policy(root: Path) -> str | None:
    """Where the repository says how to report a vulnerability privately, if it does."""
    for candidate in ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", "SECURITY.rst", "SECURITY.txt"):
        if (root / candidate).is_file() and not (root / candidate).is_symlink():
            return candidate
    return None
