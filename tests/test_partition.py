"""A large repository is analyzed in parts, one worker process each: the parts keep together
what shares data, and the findings are those of the whole program analyzed at once."""
from __future__ import annotations

import shutil
from dataclasses import replace

from trustcheck.config import load_settings
from trustcheck.engine.file_graph import file_graph
from trustcheck.engine.partition import partition
from trustcheck.engine import pipeline
from trustcheck.engine.pipeline import OUT_OF_TIME
from trustcheck.engine.text_facts import text_facts
from trustcheck.files import SourceFile, discover
from trustcheck.scan import scan_path

from conftest import FIXTURES


def _files(texts: dict[str, str]) -> list[SourceFile]:
    language = {"py": "python", "js": "javascript", "ts": "typescript", "tsx": "tsx", "html": "markup"}
    return [SourceFile("/nowhere/" + rel, rel, language[rel.rsplit(".", 1)[1]], len(text))
            for rel, text in texts.items()]


def _parts(texts: dict[str, str], files: list[SourceFile] | None = None, workers: int = 8):
    files = files or _files(texts)
    return partition(_graph(files, texts), files, workers)


def _graph(files: list[SourceFile], texts: dict[str, str]):
    return file_graph(files, [text_facts(f, texts[f.rel]) for f in files])


def _together(parts, *paths: str) -> bool:
    return any(set(paths) <= {f.rel for f in part} for part in parts)


def test_python_imports_of_every_shape_keep_modules_together():
    texts = {
        "app/main.py": "from app.services.chat import ask\nimport app.util as util\n",
        "app/services/chat.py": "from ..store import (\n    save,\n    load,\n)\n",
        "app/store.py": "from . import codec\n",
        "app/codec.py": "x = 1\n",
        "app/util.py": "y = 2\n",
        "tools/alone.py": "import json\n",
        "tools/other.py": "import requests\n",
    }
    parts = _parts(texts)
    assert _together(parts, "app/main.py", "app/services/chat.py", "app/store.py", "app/codec.py", "app/util.py")
    assert not _together(parts, "tools/alone.py", "tools/other.py")
    assert not _together(parts, "app/main.py", "tools/alone.py")


def test_javascript_imports_requires_and_script_tags_keep_files_together():
    texts = {
        "web/src/App.tsx": 'import { save } from "@/lib/keys";\nexport default () => null;\n',
        "web/src/lib/keys.ts": 'const store = require("./store");\nexport const save = store.put;\n',
        "web/src/lib/store.ts": "export function put(k: string) { return k; }\n",
        "site/index.html": '<script src="js/app.js"></script>\n',
        "site/js/app.js": 'import("./lazy.js");\n',
        "site/js/lazy.js": "export const x = 1;\n",
        "server/routes.js": 'const express = require("express");\n',
    }
    parts = _parts(texts)
    assert _together(parts, "web/src/App.tsx", "web/src/lib/keys.ts", "web/src/lib/store.ts")
    assert _together(parts, "site/index.html", "site/js/app.js", "site/js/lazy.js")
    assert not _together(parts, "server/routes.js", "web/src/App.tsx")


def test_modules_sharing_state_without_importing_each_other_stay_together():
    texts = {
        "pages/1_key.py": 'import streamlit as st\nst.session_state["key"] = st.text_input("Key")\n',
        "pages/2_chat.py": 'import streamlit as st\nprint(st.session_state["key"])\n',
        "setup_env.py": 'import os\nos.environ["OPENAI_API_KEY"] = k\n',
        "reader.py": "import os\nx = 1\n",
        "popup.js": 'chrome.storage.local.set({ key });\n',
        "background.js": 'chrome.storage.local.get("key", send);\n',
        "options.html": "<input type=password id=key>\n",
        "server.ts": 'import express from "express";\n',
    }
    parts = _parts(texts)
    assert _together(parts, "pages/1_key.py", "pages/2_chat.py", "setup_env.py")
    assert _together(parts, "popup.js", "background.js", "options.html")
    assert not _together(parts, "reader.py", "pages/1_key.py")
    assert not _together(parts, "server.ts", "popup.js")


def test_parts_are_balanced_across_workers_by_the_files_they_analyze():
    texts = {f"m{i}.py": "x = 1\n" * (i + 1) for i in range(10)}
    texts["bundle.min.js"] = ""  # to be skipped as minified: its megabyte costs nothing
    files = [replace(f, size=1_000_000) if f.rel == "bundle.min.js" else f for f in _files(texts)]
    parts = _parts(texts, files, workers=2)
    assert len(parts) == 2 and sum(len(p) for p in parts) == 11
    assert sorted(sum(bool(texts[f.rel]) for f in part) for part in parts) == [5, 5]


def test_server_languages_come_from_imports_outside_tests():
    texts = {"api.py": "from flask import Flask\n", "tests/test_ui.js": 'import express from "express";\n',
             "ui.js": 'import React from "react";\n'}
    assert _graph(_files(texts), texts).servers == frozenset({"python"})
    texts["actions.ts"] = '"use server";\nexport async function save() {}\n'
    assert _graph(_files(texts), texts).servers == frozenset({"python", "javascript"})


def _many_apps(tmp_path):
    """Several fixture apps side by side: a repository of independent parts."""
    root = tmp_path / "many"
    for name in ("python/flow_cross_module_imports", "python/src_env_in_server", "python/flow_classes_fields",
                 "web/browser_react_vite_props_hooks", "web/server_express_router_cjs"):
        shutil.copytree(FIXTURES / name, root / name.replace("/", "_"))
    return root


def _findings(report):
    return sorted((f.rule, f.file, f.line, tuple((s.file, s.line) for s in f.trace)) for f in report.findings)


def test_the_parts_in_workers_find_what_one_program_finds(tmp_path, monkeypatch):
    root = _many_apps(tmp_path)
    (root / "deploy.env").write_text("OPENAI_API_KEY=sk-proj-" + "a1B2c3D4e5" * 5 + "\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "_PARALLEL_READING", 1)  # read the files and committed keys in workers too
    monkeypatch.setattr(pipeline, "_SHARE", 3)
    settings = load_settings({}, workers=2, parallel_threshold=1)
    sources = discover(root, settings).sources
    texts = {f.rel: open(f.path).read() for f in sources}
    assert len(partition(_graph(sources, texts), sources, 2)) == 2
    whole = scan_path(root, load_settings({}, workers=1))
    in_parts = scan_path(root, settings)
    assert whole.findings and _findings(in_parts) == _findings(whole)
    assert any(f.rule == "hardcoded-secret" and f.file == "deploy.env" for f in in_parts.findings)
    assert in_parts.coverage.files == whole.coverage.files and in_parts.coverage.complete
    assert in_parts.app_kind == whole.app_kind


def test_a_scan_out_of_time_lists_the_files_it_did_not_analyze(tmp_path):
    root = _many_apps(tmp_path)
    report = scan_path(root, load_settings({}, workers=2, parallel_threshold=1, scan_seconds=0))
    not_analyzed = [s.file for s in report.coverage.skipped if s.reason == OUT_OF_TIME]
    assert not report.coverage.complete and report.verdict != "low"
    assert not_analyzed and report.coverage.files == 0
