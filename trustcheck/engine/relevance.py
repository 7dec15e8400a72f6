"""Which files can take part in a key's flow, decided from their text before anything is parsed.

Every source the analysis knows needs a name that says key, a password field or prompt, or an
incoming request; the rules about the code itself (remote code, obfuscation) need a call to
`exec`, `eval` and the like (see `text_facts` for these seeds). A file that is no seed can still
take part when it is connected to one:

- it imports a file that has the key, directly or not: it may call a function that returns it;
- a file that has the key imports it: its functions may be handed the key;
- it shares a browser page's or a Streamlit session's state with one that has it;
- the analysis finds the key kept in its state (a module global, a class attribute, a store)
  and it is imported by other files: they may read it back (`holders`, after a first analysis).

In a language where some file names a key, every request handler is a seed too: a handler that
logs the whole request body logs the key when the app's own pages send it there.

    relevant = relevant_files(graph)                   # -> {"app/main.py", "app/keys.py", ...}
    more = expand(graph, holders(program), relevant)   # -> relevant, or more to analyze again

The other files are read and not parsed: no flow the analysis follows can reach them.
"""
from __future__ import annotations

from .file_graph import FileGraph

# A library's state is read back by the files naming it and the attribute holding the key
# (`openai.api_key` -> "openai", "api_key"); the process environment and Streamlit's session,
# by their own names (`os.getenv`, `from streamlit import session_state`).
_LIBRARY_STATE_WORDS = {("os", "environ"): ("environ",), ("os", "getenv"): ("environ",),
                        ("streamlit", "session_state"): ("session_state",)}


def relevant_files(graph: FileGraph) -> set[str]:
    """The files the analysis must parse: those connected to a seed, and those it cannot read
    (parsing says why: binary, minified, too large)."""
    facts = graph.facts.values()
    seeds = {fact.rel for fact in facts if fact.seed}
    languages = {fact.language for fact in facts if fact.seed}
    seeds |= {fact.rel for fact in facts if fact.handler and fact.language in languages}
    unread = {fact.rel for fact in facts if fact.size is None}
    return expand(graph, seeds, set()) | unread


def expand(graph: FileGraph, holders: set[str], relevant: set[str]) -> set[str]:
    """`relevant` and what `holders` (files whose state may hold the key) connect to it: their
    importers, directly or not, hold it too; everything those import may be handed it; a
    shared channel makes all its files holders."""
    importers = graph.importers()
    members: dict[str, set[str]] = {}
    for path, channel in graph.channels.items():
        members.setdefault(channel, set()).add(path)
    held = _closure(holders, importers)
    found = set(relevant)
    while True:
        found |= _closure(held, graph.imports)
        touched = {path for channel, paths in members.items() if paths & found for path in paths}
        if touched <= held:
            return found
        held = _closure(held | touched, importers)


def holders(program) -> tuple[set[str], set[tuple[str, ...]]]:
    """The app's files whose state holds the key once the program is analyzed (a module global,
    an object's or class's field, a page's state or store), and the words naming the library
    state that holds it (`openai.api_key = key`: every file naming both may read it back)."""
    paths: set[str] = set()
    libraries: set[tuple[str, ...]] = set()
    for cell, value in program.heap.cells.items():
        if not _holds_taint(value):
            continue
        kind = cell[0]
        if kind == "g":
            paths.add(cell[1])
        elif kind == "f":
            paths.add(cell[1][0])
            paths.update(_site_path(cell[2]))
        elif kind in ("state", "store", "context"):
            paths.update(_site_path(cell[1]))
        elif kind == "m":
            head = tuple(part for part in cell[1][:2] if part != "[]")
            libraries.add(_LIBRARY_STATE_WORDS.get(head, head))
    return paths, libraries


def _site_path(site: object) -> tuple[str, ...]:
    return (site[0],) if isinstance(site, tuple) and site and isinstance(site[0], str) else ()


def _holds_taint(value, depth: int = 0) -> bool:
    if value.taint:
        return True
    return bool(value.fields) and depth < 8 and any(_holds_taint(v, depth + 1) for v in value.fields.values())


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    found = set(start)
    todo = list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found
