"""Split a large repository into parts that can be analyzed apart, one worker process each.

A part is a set of files closed under imports (in both directions), found from the text
alone with regular expressions, before anything is parsed: a file and everything it imports
or is imported by stay together. Files that share state without importing each other stay
together too: Python modules touching Streamlit's session state or writing the process
environment, and everything that runs in a browser page (the DOM, web storage, extension
messaging, markup). The matching is deliberately loose: joining two parts that did not need
it only costs parallelism; splitting two that did would lose a flow.

    plan = partition(files, texts, workers=2)
    plan.parts     # -> [[SourceFile, ...], [SourceFile, ...]]
    plan.servers   # -> frozenset({"python"}): the languages in which the app has a server

Where a module runs depends on the whole app (a module no server imports is server code
when the app has a server), so each part is told which languages have a server elsewhere.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..files import SourceFile
from .catalog import language_catalog
from .context import is_test_path
from .modules import resolve_javascript

_PY_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
_PY_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_JS_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport|\brequire[ \t]*\(|\bimport[ \t]*\()[ \t]*["']([^"'\n]+)["']"""
                           r"""|\bsrc[ \t]*=[ \t]*["']([^"'\n]+)["']""")
# Plain substrings, looser than the code they look for (and much faster than a regex).
_PY_SHARED = ("session_state", "putenv", "environ.update", "environ.setdefault")
_PY_ENVIRON_WRITE = re.compile(r"environ[ \t]*\[[^\]\n]*\][ \t]*=[^=]")
_JS_SHARED = ("document", "window", "localStorage", "sessionStorage", "chrome.", "browser.", "globalThis",
              "self.", "postMessage")
_JS_ENV_WRITE = re.compile(r"process\.env\.\w+[ \t]*=[^=]")


@dataclass(frozen=True)
class Plan:
    parts: list[list[SourceFile]]
    servers: frozenset[str]  # languages with a server module somewhere in the app


def partition(files: list[SourceFile], texts: dict[str, str], workers: int) -> Plan:
    """At most `workers` lists of files, balanced by weight, each a union of whole parts; and the
    languages in which some module of the app (not a test) imports a server framework."""
    groups = _UnionFind(len(files))
    index = {f.rel: i for i, f in enumerate(files)}
    python = _PythonNames([f.rel for f in files if f.language == "python"])
    shared: dict[str, int] = {}
    servers: set[str] = set()
    for i, file in enumerate(files):
        text = texts.get(file.rel, "")
        if file.language == "python":
            names = _python_import_names(file.rel, text)
            targets = python.resolve(file.rel, names)
        else:
            names, targets = _javascript_imports(file, text, index)
        for target in targets:
            groups.join(i, index[target])
        if _imports_server(file, text, names):
            servers.add("python" if file.language == "python" else "javascript")
        channel = _shared_channel(file, text)
        if channel:
            groups.join(i, shared.setdefault(channel, i))
    parts: dict[int, list[SourceFile]] = {}
    for i, file in enumerate(files):
        parts.setdefault(groups.find(i), []).append(file)
    return Plan(_balance(list(parts.values()), texts, workers), frozenset(servers))


def _imports_server(file: SourceFile, text: str, names: list[str]) -> bool:
    if file.language in ("notebook", "markup") or is_test_path(file.rel):
        return False
    language = "python" if file.language == "python" else "javascript"
    if language == "javascript":
        if '"use server"' in text or "'use server'" in text:
            return True
        names = names + [n.replace(".", "_") for n in names]
    frameworks = language_catalog(language).server_frameworks
    return any(n == fw or n.startswith(fw + ".") or n.startswith(fw + "/") for n in names for fw in frameworks)


def _javascript_imports(file: SourceFile, text: str, index: dict[str, int]) -> tuple[list[str], set[str]]:
    """The module specifiers a script names, and the app's files among them."""
    names: list[str] = []
    found = set()
    for match in _JS_SPECIFIER.finditer(text):
        specifier = match.group(1) or match.group(2)
        if match.group(1):
            names.append(specifier)
        target = resolve_javascript(specifier, file.rel, index)
        if target is None and match.group(2) and not specifier.startswith((".", "/")) and "//" not in specifier:
            target = resolve_javascript("./" + specifier, file.rel, index)  # <script src="js/app.js">
        if target:
            found.add(target)
    return names, found


def _shared_channel(file: SourceFile, text: str) -> str | None:
    if file.language == "python":
        shared = any(s in text for s in _PY_SHARED) or ("environ" in text and _PY_ENVIRON_WRITE.search(text))
        return "python" if shared else None
    if file.language == "notebook":
        return "python"
    shared = any(s in text for s in _JS_SHARED) or ("process.env" in text and _JS_ENV_WRITE.search(text))
    return "browser" if shared or file.language == "markup" else None


class _PythonNames:
    """Every dotted name a Python file can be imported by (all suffixes of its path)."""

    def __init__(self, paths: list[str]):
        self.by_name: dict[str, list[str]] = {}
        for path in paths:
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                self.by_name.setdefault(".".join(parts[start:]), []).append(path)

    def resolve(self, path: str, names: list[str]) -> set[str]:
        """The app's files that these imported names (of the file at `path`) may be."""
        found = set()
        for name in names:
            for part in range(1, name.count(".") + 2):  # `a.b.c` imports `a` and `a.b` too
                found.update(self.by_name.get(".".join(name.split(".")[:part]), ()))
        found.discard(path)
        return found


def _python_import_names(path: str, text: str) -> list[str]:
    """Every dotted name an import statement names (relative ones made absolute from the root)."""
    names = []
    for match in _PY_IMPORT.finditer(text):
        names += [n.split()[0] for n in match.group(1).split(",") if n.split()]
    for match in _PY_FROM.finditer(text):
        dots, module, imported = match.groups()
        members = [n.split()[0] for n in imported.strip("()").replace("\n", " ").split(",") if n.split()]
        if dots:
            base = posixpath.dirname(path)
            for _ in range(len(dots) - 1):
                base = posixpath.dirname(base)
            prefix = ".".join(p for p in (base.replace("/", "."), module) if p)
        else:
            prefix = module
        names += [prefix] + [f"{prefix}.{m}" if prefix else m for m in members if m != "*"]
    return [n for n in names if n]


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _balance(parts: list[list[SourceFile]], texts: dict[str, str], bins: int) -> list[list[SourceFile]]:
    """Heaviest part first into the lightest bin."""
    loads = [[0.0, []] for _ in range(max(1, bins))]
    for part, weight in sorted(((p, _weight(p, texts)) for p in parts), key=lambda pw: -pw[1]):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += weight
        lightest[1].extend(part)
    return [files for _, files in loads if files]


def _weight(part: list[SourceFile], texts: dict[str, str]) -> float:
    """The analysis costs about the same per file whatever its size, a little more for a large
    one (fitted on the benchmark's repositories: 6.9 ms a file and 0.06 s a megabyte), and next
    to nothing for a file that will be skipped (no text: binary, minified, too large)."""
    return sum(1 + len(text) / 65536 if (text := texts.get(f.rel)) else 0.05 for f in part)
