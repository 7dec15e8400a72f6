"""Every fixture app under tests/fixtures/<language>/<app>/ is scanned and the findings must be
exactly what its inline annotations say (see tests/annotations.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotations import read_expectations
from trustcheck.scan import scan_path

FIXTURES = Path(__file__).parent / "fixtures"
APPS = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())


def _describe(items: set) -> str:
    return "\n".join(f"  {file}:{line}  {rule}" for rule, file, line in sorted(items, key=lambda x: (x[1], x[2])))


@pytest.mark.parametrize("app", APPS, ids=[f"{p.parent.name}/{p.name}" for p in APPS])
def test_fixture_app_reports_exactly_its_annotations(app: Path, settings):
    expected = read_expectations(app)
    assert expected.ruleid or expected.ok or expected.todoruleid, f"{app} has no annotations"
    report = scan_path(app, settings)
    found = {(f.rule, f.file, f.line) for f in report.findings + report.test_findings}
    missing = expected.reported - found
    extra = found - expected.reported
    fixed = expected.todoruleid & found
    assert not (missing or extra or fixed), (
        (f"missing:\n{_describe(missing)}\n" if missing else "")
        + (f"unexpected:\n{_describe(extra)}\n" if extra else "")
        + (f"now found, turn todoruleid into ruleid:\n{_describe(fixed)}\n" if fixed else ""))
    assert not (expected.ok & found)
