"""What the files of an app say about each other before anything is parsed (from their
`TextFacts`): which of the app's files each one imports, which share state without importing
each other, and in which languages the app has a server.

    graph = file_graph(files, facts)
    graph.imports["app/main.py"]     # -> {"app/services/chat.py", "app/util.py"}
    graph.channels["web/app.js"]     # -> "browser": it touches the page's globals or storage
    graph.servers                    # -> frozenset({"python"})

Files share state without importing each other through a channel: Python modules touching
Streamlit's session state or writing the process environment ("python"), and everything that
runs in a browser page: the DOM, web storage, extension messaging, markup ("browser").
An edge too many only costs time; one too few would lose a flow (see `partition` and
`relevance`, which use it).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..files import SourceFile
from .modules import resolve_javascript
from .text_facts import TextFacts


@dataclass(frozen=True)
class FileGraph:
    files: list[SourceFile]
    facts: dict[str, TextFacts]  # path -> what its text says
    imports: dict[str, set[str]]  # path -> the app's files it imports
    channels: dict[str, str]  # path -> the state it shares with files it does not import
    servers: frozenset[str]  # languages in which some file imports a server framework

    def importers(self) -> dict[str, set[str]]:
        """path -> the app's files that import it."""
        found: dict[str, set[str]] = {f.rel: set() for f in self.files}
        for path, targets in self.imports.items():
            for target in targets:
                found[target].add(path)
        return found


def file_graph(files: list[SourceFile], facts: list[TextFacts]) -> FileGraph:
    index = {f.rel: i for i, f in enumerate(files)}
    python = _PythonNames([f.rel for f in files if f.language == "python"])
    by_path = {fact.rel: fact for fact in facts}
    imports: dict[str, set[str]] = {}
    for file in files:
        fact = by_path[file.rel]
        if file.language == "python":
            imports[file.rel] = python.resolve(file.rel, fact.imports)
        else:
            imports[file.rel] = _javascript_imports(file.rel, fact, index)
    channels = {fact.rel: fact.channel for fact in facts if fact.channel}
    servers = frozenset(fact.language for fact in facts if fact.server)
    return FileGraph(files, by_path, imports, channels, servers)


def _javascript_imports(path: str, fact: TextFacts, index: dict[str, int]) -> set[str]:
    """The app's files a script imports or a page loads."""
    found = {resolve_javascript(specifier, path, index) for specifier in fact.imports}
    for source in fact.sources:
        target = resolve_javascript(source, path, index)
        if target is None and not source.startswith((".", "/")) and "//" not in source:
            target = resolve_javascript("./" + source, path, index)  # <script src="js/app.js">
        found.add(target)
    found.discard(None)
    found.discard(path)
    return found


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

    def resolve(self, path: str, names: tuple[str, ...]) -> set[str]:
        """The app's files that these imported names (of the file at `path`) may be."""
        found = set()
        for name in names:
            for part in range(1, name.count(".") + 2):  # `a.b.c` imports `a` and `a.b` too
                found.update(self.by_name.get(".".join(name.split(".")[:part]), ()))
        found.discard(path)
        return found
