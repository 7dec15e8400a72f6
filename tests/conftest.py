"""Shared fixtures. The fake keys below are the only keys in the test suite: obviously fake,
one per provider, in the providers' formats (so that the committed-secret rule sees them)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fake_forge import FakeForge
from trustcheck.config import load_settings
from trustcheck.scan import scan_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

FAKE_KEYS = {
    "openai": "sk-proj-FAKE0trustcheck0test0key0000FAKE0trustcheck0test0key0000",
    "anthropic": "sk-ant-api03-FAKE0trustcheck0test0key0" + "0123456789abcdefFAKE" * 3 + "AA",
    "google": "AIzaFAKE0trustcheck0test0key0123456",
    "groq": "gsk_FAKE0trustcheck0test0key0000FAKE0trustcheck0test0key0000",
    "huggingface": "hf_FAKE0trustcheck0test0key0000FAKE0trustck",
}


@pytest.fixture
def forge():
    """A fake forge's API and web host (tests/fake_forge.py)."""
    server = FakeForge()
    yield server
    server.close()


@pytest.fixture
def codeload():
    """A second fake host, for archives: GitHub serves them from another host than its API."""
    server = FakeForge()
    yield server
    server.close()


@pytest.fixture
def settings():
    return load_settings({}, workers=1)


@pytest.fixture
def scan_app(tmp_path, settings):
    """Write {relative path: text} into a folder and scan it."""
    def scan(files: dict[str, str], **overrides):
        root = tmp_path / "app"
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return scan_path(root, load_settings({}, workers=1, **overrides) if overrides else settings)
    return scan


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in a separate process."""
    return subprocess.run([sys.executable, "-m", "trustcheck", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)
