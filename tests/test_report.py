"""What every report says, whatever its format: no key text ever, honest coverage, verdicts."""
from __future__ import annotations

import json

import pytest

from conftest import FAKE_KEYS
from trustcheck.report import OutputFormat, render
from trustcheck.report.markdown import issue_title, render_markdown


@pytest.fixture
def leaky_report(scan_app):
    code = "\n".join(f"{name.upper()}_KEY = {key!r}" for name, key in FAKE_KEYS.items())
    return scan_app({
        "app.py": "import logging, requests, streamlit as st\n" + code + "\n"
                  "key = st.text_input('key', type='password')\n"
                  "logging.info('%s %s', key, OPENAI_KEY)\n"
                  "requests.post('https://x.example.net', json={'k': key, 'o': OPENAI_KEY})\n",
        ".env": f"OPENAI_API_KEY={FAKE_KEYS['openai']}\n",
    })


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_no_renderer_ever_prints_a_key(leaky_report, fmt):
    output = render(leaky_report, fmt)
    for key in FAKE_KEYS.values():
        assert key not in output
        assert key[8:24] not in output  # nor a recognisable piece of it


def test_committed_keys_are_found_in_code_and_env_files(leaky_report):
    found = {(f.file, f.rule) for f in leaky_report.findings if f.rule == "hardcoded-secret"}
    assert ("app.py", "hardcoded-secret") in found and (".env", "hardcoded-secret") in found
    providers = {f.message for f in leaky_report.findings if f.rule == "hardcoded-secret"}
    assert any("OpenAI" in m for m in providers) and any("Anthropic" in m for m in providers)


def test_placeholders_are_not_secrets(scan_app):
    report = scan_app({".env.example": "OPENAI_API_KEY=sk-...\n", ".env": "OPENAI_API_KEY=your-key-here\n",
                       "app.py": "KEY = 'sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n"})
    assert not [f for f in report.findings if f.rule == "hardcoded-secret"]


def test_nothing_analyzable_is_unknown_never_low(scan_app):
    report = scan_app({"README.md": "# hello\n", "data.bin": "\x00\x01binary"})
    assert report.coverage.files == 0 and report.verdict == "unknown"


def test_an_incomplete_scan_is_never_low(scan_app):
    report = scan_app({"app.py": "x = 1\n"}, scan_seconds=0)
    report.coverage.complete = False
    assert report.verdict == "unknown"


def test_skipped_files_say_why(scan_app):
    report = scan_app({
        "ok.py": "print('hello')\n",
        "broken.py": "def f(api_key:\n    print(\n",
        "min.py": "x = '" + "a" * 30_000 + "'\n",
        "big.py": "# " + "b" * 50 + "\n",
        "node_modules/pkg/index.py": "print(1)\n",
        "ui/types.d.ts": "export type A = string;\n",
    }, max_file_bytes=40)
    reasons = {s.file: s.reason for s in report.coverage.skipped}
    assert "minified or generated" in reasons["min.py"] or "larger than" in reasons["min.py"]
    assert "larger than" in reasons["big.py"]
    assert reasons["node_modules/"] == "installed dependencies"
    assert "ui/types.d.ts" not in reasons and report.coverage.files == 2  # type declarations hold no code
    assert "broken.py" not in reasons  # parsed with errors, analyzed anyway
    assert report.coverage.parsed_with_errors == ["broken.py"]


def test_binary_file_with_python_suffix_is_skipped(tmp_path, scan_app):
    report = scan_app({"blob.py": "\x00\x00\x00"})
    assert {s.file: s.reason for s in report.coverage.skipped}["blob.py"] == "a binary file"


def test_findings_in_test_code_are_listed_apart(scan_app):
    report = scan_app({
        "app.py": "import streamlit as st\nkey = st.text_input('k', type='password')\n",
        "tests/test_app.py": "import getpass\nprint(getpass.getpass())\n",
        "test_other.py": "import getpass\nprint(getpass.getpass())\n",
    })
    assert report.findings == [] and report.verdict == "low"
    assert {f.file for f in report.test_findings} == {"tests/test_app.py", "test_other.py"}


def test_test_modules_imported_by_the_app_count(scan_app):
    report = scan_app({
        "app.py": "import streamlit as st\nfrom fixtures.helpers import shout\n"
                  "shout(st.text_input('k', type='password'))\n",
        "fixtures/helpers.py": "def shout(text):\n    print(text)\n",
    })
    assert [(f.rule, f.file) for f in report.findings] == [("key-in-log-call", "fixtures/helpers.py")]


def test_markdown_issue_body_is_polite_and_shortened_whole(scan_app):
    app = {"app.py": "import streamlit as st, logging\nkey = st.text_input('k', type='password')\n"
                     + "".join(f"logging.info('{i} %s', key)\n" for i in range(30))}
    report = scan_app(app)
    full = render_markdown(report, link=lambda f, line: f"https://forge.example/blob/abc/{f}#L{line}")
    assert full.startswith("Hi! Thank you") and "https://forge.example/blob/abc/app.py#L3" in full
    short = render_markdown(report, link=lambda f, line: f"https://forge.example/blob/abc/{f}#L{line}",
                            report_url="https://trustcheck.example/r/1", max_chars=3000)
    assert len(short) <= 3000 and "more finding" in short and short.endswith("never shown in this report.\n")
    assert short.count("](https://forge.example/blob/abc/app.py#L") == short.count("#L")  # no link cut
    assert issue_title(report) == "Users' API keys may be logged"


def test_json_report_of_notebook_has_cells(scan_app):
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
         "source": ["import getpass\n", "%pip install requests\n", "key = getpass.getpass()\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
         "source": ["!echo hi\n", "print(key)"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    report = scan_app({"nb.ipynb": text})
    (finding,) = report.findings
    file_line = text.splitlines().index('    "print(key)"') + 1
    assert (finding.rule, finding.line, finding.cell, finding.cell_line) == ("key-in-log-call", file_line, 2, 2)
    assert finding.severity == "medium"  # a notebook is a local tool
    assert finding.trace[0].cell == 1 and finding.trace[0].cell_line == 3


def test_report_survives_a_json_round_trip(leaky_report):
    from trustcheck.report.model import Report
    data = leaky_report.to_dict()
    assert Report.from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_a_committed_minified_bundle_is_skipped_and_reported_for_review(scan_app):
    bundle = "!function(e){" + "var a=e.map(function(t){return t*2});" * 1_000 + "}([]);\n"
    report = scan_app({"static/app.min.js": bundle, "data/table.py": "T = [" + "1," * 20_000 + "]\n",
                       "app.py": "print('hello')\n"})
    reasons = {s.file: s.reason for s in report.coverage.skipped}
    assert reasons["static/app.min.js"].startswith("minified or generated")
    notes = [(f.rule, f.file, f.severity) for f in report.findings]
    assert notes == [("minified-bundle", "static/app.min.js", "info")]  # a generated Python table is data
    assert report.verdict == "low"


def test_a_relay_names_the_path_or_the_server_action_it_goes_through(scan_app):
    report = scan_app({
        "index.html": '<input id="key" type="password"><script type="module" src="main.js"></script>\n',
        "main.js": 'import { check } from "./actions.js";\n'
                   'const key = document.getElementById("key").value;\n'
                   'fetch("/api/save?from=ui", { method: "POST", body: JSON.stringify({ key }) });\n'
                   "check(key);\n",
        "actions.js": '"use server";\nexport async function check(key) { return key.length; }\n'})
    messages = {f.line: f.message for f in report.findings if f.rule == "key-relayed-to-own-server"}
    assert messages == {3: "API key sent from the browser to the app's own server (/api/save), which uses it "
                           "from there",
                        4: "API key sent from the browser to the app's own server (its server action check()), "
                           "which uses it from there"}


def test_a_bot_commands_argument_is_named_as_such_in_the_trace(scan_app):
    report = scan_app({"bot.py": "import logging\nfrom discord.ext import commands\n"
                                 "bot = commands.Bot(command_prefix='!')\n\n"
                                 "@bot.command()\nasync def setkey(ctx, api_key):\n"
                                 "    logging.warning('key %s', api_key)\n"})
    (finding,) = [f for f in report.findings if f.rule == "key-in-log-call"]
    assert finding.trace[0].note == "key entered: command argument api_key"
