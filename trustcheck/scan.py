"""One scan: a folder or an archive in, a `Report` out. The CLI and the web site both call
`scan_path`; neither has analysis logic of its own."""
from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Callable

from .archive import extract_archive, is_archive
from .config import Settings, load_settings
from .engine.pipeline import ENGINE_VERSION, Workers, analyze_sources, deadline_after
from .engine.context import extension_folders, is_test_path
from .errors import TargetError
from .fetch import Fetched, fetch_repository
from .files import MINIFIED, discover
from .report.model import Coverage, Finding, Report, Target, TraceStep
from .rules import load_rules
from .secrets import find_committed_secrets

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?/", re.I)


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


def scan_repository(url: str, settings: Settings | None = None, progress: Progress | None = None) -> Report:
    """Download one commit of a public repository (or the repository behind an app's URL) and
    scan it. Errors say what went wrong: not a repository URL, private or missing, too large."""
    settings = settings or load_settings()
    with tempfile.TemporaryDirectory(prefix="trustcheck-") as tmp:
        return scan_fetched(fetch_repository(url, Path(tmp) / "repo", settings, progress), url, settings, progress)


def scan_fetched(fetched: Fetched, text: str, settings: Settings, progress: Progress | None = None) -> Report:
    """Scan a downloaded commit; `text` is what the user asked for (a URL)."""
    report = scan_folder(fetched.root, settings, Target(text, fetched.repo, fetched.commit, fetched.forge), progress)
    report.coverage.skipped[:0] = fetched.skipped  # what the download left out
    return report


def looks_like_url(target: str) -> bool:
    """`https://github.com/o/r`, `github.com/o/r`: not a local path (which is tried first)."""
    return "://" in target or bool(_BARE_HOST.match(target))


def scan_folder(root: Path, settings: Settings, target: Target, progress: Progress | None = None) -> Report:
    started = time.monotonic()
    deadline = deadline_after(settings.scan_seconds)
    inventory = discover(root, settings)
    with Workers(settings, len(inventory.sources)) as workers:
        committed = workers.aside(find_committed_secrets, inventory.text_files, settings)
        analysis = analyze_sources(inventory.sources, settings, deadline, extension_folders(_manifests(inventory)),
                                   progress, workers)
        secrets = committed() + _minified_bundles(inventory, analysis)
    analyzed = set(analysis.analyzed) | set(analysis.unrelated)
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


def _minified_bundles(inventory, analysis) -> list[Finding]:
    """Scripts skipped as minified: reported (info), since nobody can review what they do."""
    rule = load_rules()["minified-bundle"]
    scripts = {f.rel for f in inventory.sources if f.language in ("javascript", "typescript", "tsx", "markup")}
    return [Finding(rule.id, rule.category, "info", skip.file, 1, 1, rule.message.format(host="", call=""),
                    (TraceStep(skip.file, 1, rule.note),))
            for skip in analysis.skipped if skip.file in scripts and skip.reason.startswith(MINIFIED)]


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
