"""What the files of an app say about each other, read from their text with regular expressions
before anything is parsed: which of the app's files each one imports, which share state without
importing each other, and in which languages the app has a server.

    graph = file_graph(files, texts)
    graph.imports["app/main.py"]     # -> {"app/services/chat.py", "app/util.py"}
    graph.channels["web/app.js"]     # -> "browser": it touches the page's globals or storage
    graph.servers                    # -> frozenset({"python"})

Files share state without importing each other through a channel: Python modules touching
Streamlit's session state or writing the process environment ("python"), and everything that
runs in a browser page: the DOM, web storage, extension messaging, markup ("browser").
The matching is deliberately loose: an edge too many only costs time; one too few would lose a
flow (see `partition` and `relevance`, which use it).
"""
from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass

from ..files import SourceFile
from .catalog import language_catalog
from .context import import_roots, is_server_path, is_test_path
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
class FileGraph:
    files: list[SourceFile]
    imports: dict[str, set[str]]  # path -> the app's files it imports
    channels: dict[str, str]  # path -> the state it shares with files it does not import
    server_files: frozenset[str]  # files (not tests) importing a server framework
    servers: frozenset[str]  # languages in which some file imports a server framework

    def importers(self) -> dict[str, set[str]]:
        """path -> the app's files that import it."""
        found: dict[str, set[str]] = {f.rel: set() for f in self.files}
        for path, targets in self.imports.items():
            for target in targets:
                found[target].add(path)
        return found


def language_group(file: SourceFile) -> str:
    """"python" for Python modules and notebooks, "javascript" for every script and page."""
    return "python" if file.language in ("python", "notebook") else "javascript"


def file_graph(files: list[SourceFile], texts: dict[str, str | None]) -> FileGraph:
    index = {f.rel: i for i, f in enumerate(files)}
    python = _PythonNames([f.rel for f in files if f.language == "python"])
    imports: dict[str, set[str]] = {}
    channels: dict[str, str] = {}
    server_files = set()
    for file in files:
        text = texts.get(file.rel) or ""
        if file.language == "python":
            names = _python_import_names(file.rel, text)
            imports[file.rel] = python.resolve(file.rel, names)
        else:
            names, imports[file.rel] = _javascript_imports(file, text, index)
        if _imports_server(file, text, names):
            server_files.add(file.rel)
        channel = _shared_channel(file, text)
        if channel:
            channels[file.rel] = channel
    servers = frozenset(language_group(f) for f in files if f.rel in server_files)
    return FileGraph(files, imports, channels, frozenset(server_files), servers)


def _imports_server(file: SourceFile, text: str, names: list[str]) -> bool:
    if file.language in ("notebook", "markup") or is_test_path(file.rel):
        return False
    language = language_group(file)
    if language == "javascript":
        if '"use server"' in text or "'use server'" in text or is_server_path(file.rel):
            return True
        names = names + [n.replace(".", "_") for n in names]
    frameworks = _frameworks(language)
    return any(root in frameworks for name in names for root in import_roots(name))


@functools.cache
def _frameworks(language: str) -> frozenset[str]:
    return frozenset(language_catalog(language).server_frameworks)


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
        if target and target != file.rel:
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
