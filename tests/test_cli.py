"""The command line as users and CI run it: formats, exit codes, bad targets."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, ROOT, run_cli
from fake_forge import serve_github, settings_for
from trustcheck.cli import main

APP = FIXTURES / "python" / "streamlit_basic"


def test_scan_prints_the_json_contract():
    result = run_cli("scan", str(APP), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= {"target", "verdict", "findings", "test_findings", "expected_uses", "coverage", "stats"}
    assert report["target"] == {"input": str(APP), "repo": None, "commit": None}
    assert report["verdict"] == "high"
    assert report["coverage"]["files"] == 1 and report["coverage"]["complete"] is True
    finding = next(f for f in report["findings"] if f["rule"] == "key-sent-to-third-party")
    assert finding["category"] == "exfiltration" and finding["severity"] == "high"
    assert finding["file"] == "app.py" and finding["end_line"] >= finding["line"]
    assert finding["trace"][0]["note"].startswith("key entered")
    assert finding["trace"][-1]["line"] == finding["line"]
    assert any("api.openai.com" in use["message"] for use in report["expected_uses"])


def test_text_output_starts_with_the_verdict():
    result = run_cli("scan", str(APP))
    assert result.returncode == 0
    assert result.stdout.startswith("Verdict: HIGH")
    assert "key entered" in result.stdout


def test_fail_on_exits_1_when_a_finding_reaches_the_threshold(tmp_path):
    assert run_cli("scan", str(APP), "--fail-on", "high").returncode == 1
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "app.py").write_text("import streamlit as st\nst.write('hello')\n")
    assert run_cli("scan", str(clean), "--fail-on", "low").returncode == 0


def test_missing_target_exits_2_with_one_line(tmp_path):
    result = run_cli("scan", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_a_file_that_is_not_an_archive_exits_2(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("hello")
    result = run_cli("scan", str(target))
    assert result.returncode == 2 and "not a folder" in result.stderr and "Traceback" not in result.stderr


def test_a_corrupt_archive_exits_2(tmp_path):
    target = tmp_path / "repo.zip"
    target.write_bytes(b"PK\x03\x04 this is not really a zip")
    result = run_cli("scan", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "repo.zip" in result.stderr


def test_empty_folder_has_verdict_unknown(tmp_path):
    result = run_cli("scan", str(tmp_path), "--format", "json")
    assert json.loads(result.stdout)["verdict"] == "unknown"


def test_rules_command_lists_and_documents_rules():
    listing = run_cli("rules")
    assert "key-in-log-call" in listing.stdout
    doc = run_cli("rules", "key-in-log-call")
    assert "## Why it matters" in doc.stdout and "## How to fix" in doc.stdout
    unknown = run_cli("rules", "no-such-rule")
    assert unknown.returncode == 2 and "no rule named" in unknown.stderr


def test_output_file_option(tmp_path):
    out = tmp_path / "report.sarif"
    assert run_cli("scan", str(APP), "--format", "sarif", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["version"] == "2.1.0"


def _forge_environment(forge, archive_host, monkeypatch):
    """TRUSTCHECK_* variables pointing every forge at the fake one, as a user would set them."""
    settings = settings_for(forge, archive_host)
    for name in ("github_api_url", "github_url", "github_archive_hosts", "gitlab_api_url", "gitlab_url",
                 "http_retry_delay"):
        monkeypatch.setenv(f"TRUSTCHECK_{name.upper()}", str(getattr(settings, name)))
    monkeypatch.delenv("TRUSTCHECK_GITHUB_TOKEN", raising=False)


def test_scan_fetches_a_public_repository_by_its_url(forge, codeload, monkeypatch, capsys):
    _forge_environment(forge, codeload, monkeypatch)
    sha = "89abcdef0123456789abcdef0123456789abcdef"
    serve_github(forge, codeload, "alice", "chat", sha, {"app.py": (APP / "app.py").read_text()})
    assert main(["scan", f"{forge.url}/gh/alice/chat", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["target"]["repo"] == "alice/chat" and report["target"]["commit"] == sha
    assert report["verdict"] == "high" and report["findings"][0]["file"] == "app.py"

    assert main(["scan", f"{forge.url}/gh/alice/missing"]) == 2
    assert "alice/missing" in capsys.readouterr().err


def test_a_url_of_no_forge_is_refused_with_what_is_accepted(capsys):
    assert main(["scan", "https://example.com/alice/chat"]) == 2
    assert "Paste the URL of a public repository" in capsys.readouterr().err


def test_a_reader_that_stops_early_gets_no_traceback():
    """`trustcheck rules | head -1`: the pipe closes before everything is written."""
    process = subprocess.Popen([sys.executable, "-m", "trustcheck", "rules"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first line
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert process.returncode == 0
