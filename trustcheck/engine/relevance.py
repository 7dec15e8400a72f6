"""Which files can take part in a key's flow, decided from their text before anything is parsed.

Every source the analysis knows needs a name that says key (`api_key`, `OPENAI_API_KEY`, a field
labelled "API key", a storage entry "openaiKey"), a password field or prompt, or an incoming
request; the rules about the code itself (remote code, obfuscation) need a call to `exec`, `eval`
and the like. A file with none of these (a seed) can still take part when it is connected to one:

- it imports a file that has the key, directly or not: it may call a function that returns it;
- a file that has the key imports it: its functions may be handed the key;
- it shares a browser page's or a Streamlit session's state with one that has it;
- the analysis finds the key kept in its state (a module global, a class attribute, a store)
  and it is imported by other files: they may read it back (`holders`, after a first analysis).

In a language where some file names a key, every request handler is a seed too: a handler that
logs the whole request body logs the key when the app's own pages send it there.

    relevant = relevant_files(graph, texts)            # -> {"app/main.py", "app/keys.py", ...}
    more = expand(graph, holders(program), relevant)   # -> relevant, or more to analyze again

The other files are read and not parsed: no flow the analysis follows can reach them.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..rules import load_rules
from .catalog import language_catalog, python_catalog
from .context import is_server_path
from .file_graph import FileGraph, language_group
from .library import PASSWORD_KWARGS

# Words every name, label and field the catalog's name patterns accept contains (or, for a
# placeholder, starts with), lower-cased: a line without any of them names no key.
_KEY_WORDS = ("key", "token", "secret", "auth", "bearer", "passw", "sk-", "sk_", "aiza", "gsk_", "hf_", "r8_",
              "xai-", "pplx-")
_REQUEST = re.compile(r"req(?:uest)?\b")  # starts with its literal: searched as fast as str.find
_DECORATOR = re.compile(r"^[ \t]*@([\w.]+)", re.M)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:-[\w$]+)*")
_STRING = re.compile(r""""([^"\\\n]{1,200})"|'([^'\\\n]{1,200})'|`([^`\\\n]{1,200})`""")
# Too common to count alone (`key={item.id}`, `sorted(rows, key=...)`); they count in a request
# handler, where `req.body.key` or a route's `token` parameter is a request field.
_BARE = frozenset({"key", "keys", "token", "tokens", "secret", "secrets"})
# `type="password"`, `hide_input=True`: the words of library.PASSWORD_KWARGS.
_PASSWORD_WORDS = ("passw",) + tuple(name for name, wanted in PASSWORD_KWARGS.items() if wanted is True)
# A library's state is read back by the files naming it and the attribute holding the key
# (`openai.api_key` -> "openai", "api_key"); the process environment and Streamlit's session,
# by their own names (`os.getenv`, `from streamlit import session_state`).
_LIBRARY_STATE_WORDS = {("os", "environ"): ("environ",), ("os", "getenv"): ("environ",),
                        ("streamlit", "session_state"): ("session_state",)}


def relevant_files(graph: FileGraph, texts: dict[str, str | None]) -> set[str]:
    """The files the analysis must parse: those connected to a seed, and those it cannot read
    (parsing says why: binary, minified, too large)."""
    unread = {f.rel for f in graph.files if texts.get(f.rel) is None}
    return expand(graph, _seeds(graph, texts), set()) | unread


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
    libraries: set[str] = set()
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


def library_users(graph: FileGraph, texts: dict[str, str | None], libraries: set[tuple[str, ...]]) -> set[str]:
    """Files whose text names one of these libraries' state (all of its words)."""
    return {f.rel for f in graph.files if (text := texts.get(f.rel))
            and any(all(word in text for word in words) for words in libraries)}


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


def _seeds(graph: FileGraph, texts: dict[str, str | None]) -> set[str]:
    seeds = set()
    handlers = set()
    for file in graph.files:
        text = texts.get(file.rel)
        if not text:
            continue
        handler = _handles_requests(file, text, graph)
        if handler:
            handlers.add(file)
        lower = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
        if (file.language == "notebook" or _names_a_key(text, lower, handler) or _asks_for_password(lower, file)
                or _calls_code_rule_sink(text, language_group(file))):
            seeds.add(file.rel)
    languages = {language_group(f) for f in graph.files if f.rel in seeds}
    return seeds | {f.rel for f in handlers if language_group(f) in languages}


def _names_a_key(text: str, lower: str, in_handler: bool) -> bool:
    """Whether a name or a string on a line with a key word says key. `lower` is `text` with its
    ASCII letters lower-cased, so the two line up (`str.lower` can lengthen a text: "İ" becomes
    two characters)."""
    for line in _lines_with(text, lower, _KEY_WORDS):
        for match in _STRING.finditer(line):
            string = match.group(1) or match.group(2) or match.group(3)
            if _is_key_text(string):
                return True
        for name in _NAME.findall(line):
            if _is_key_name(name, in_handler) or "-" in name and any(
                    _is_key_name(part, in_handler) for part in name.split("-")):
                return True
    return False


def _lines_with(text: str, lower: str, words: tuple[str, ...]) -> set[str]:
    """The lines of `text` holding one of these (lower-case) words in `lower`: a few, found with
    `str.find`, which is many times faster than a regular expression over the whole text."""
    lines = set()
    for word in words:
        at = lower.find(word)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            lines.add(text[start:end])
            at = lower.find(word, end)
    return lines


@lru_cache(maxsize=65536)
def _is_key_name(name: str, in_handler: bool) -> bool:
    catalog = python_catalog()  # names.toml is the same for every language
    if catalog.is_key_name(name) or catalog.is_key_env(name):
        return True
    return (in_handler or name.lower() not in _BARE) and (catalog.is_key_field(name) or catalog.is_key_widget(name))


@lru_cache(maxsize=65536)
def _is_key_text(string: str) -> bool:
    """A label asking for a key, or a storage entry, field or variable named like one."""
    catalog = python_catalog()
    if catalog.key_label.search(string):
        return True
    return any(_is_key_name(part, True) for part in re.split(r"[.:/\s]+", string) if part)


def _asks_for_password(lower: str, file) -> bool:
    """A password field or hidden prompt, or a library call that is a source whatever it is
    called with (`getpass.getpass()`), in a lower-cased text."""
    if any(word in lower for word in _PASSWORD_WORDS):
        return True
    sources = _unconditional_sources(language_group(file))
    return any(all(word in lower for word in words) for words in sources)


@lru_cache(maxsize=None)
def _unconditional_sources(language: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(word.lower() for word in words)
                 for words in language_catalog(language).unconditional_source_words)


def _calls_code_rule_sink(text: str, language: str) -> bool:
    names, builtins, qualified = _code_rule_calls(language)
    if any(name in text for name in names) and builtins.search(text):
        return True
    return any(all(word in text for word in words) for words in qualified)


@lru_cache(maxsize=None)
def _code_rule_calls(language: str) -> tuple[tuple[str, ...], re.Pattern[str], tuple[tuple[str, ...], ...]]:
    """The functions the rules that need no key watch: builtins (`eval`, not `model.eval()`) by
    name and as a pattern, and a library's function by the words its path is made of
    (`vm.runInNewContext` -> ("vm", "runInNewContext"))."""
    names, builtins, qualified = set(), set(), set()
    for rule in load_rules().values():
        for sink in getattr(rule, language):
            if sink.needs_key:
                continue
            for call in sink.calls + sink.stores:
                *head, last = call.split(".")
                for name in last.strip("{}").split(","):
                    if head:
                        qualified.add((*head, name))
                    else:
                        names.add(name)
                        builtins.add(rf"(?<![.\w$]){re.escape(name)}\b")
    return tuple(sorted(names)), re.compile("|".join(sorted(builtins)) or "(?!)"), tuple(sorted(qualified))


def _handles_requests(file, text: str, graph: FileGraph) -> bool:
    """A request handler: importing a server framework, at a server file's path, naming a request
    (`req`, `request`) or a function reading one (`readBody`), or decorated as a route."""
    if file.rel in graph.server_files:
        return True
    language = language_group(file)
    if language == "javascript" and is_server_path(file.rel):
        return True
    words, decorators = _request_words(language)
    if any(word in text for word in words) or any(
            at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_$")
            for at in (match.start() for match in _REQUEST.finditer(text))):
        return True
    return "@" in text and any(name.rsplit(".", 1)[-1] in decorators for name in _DECORATOR.findall(text))


@lru_cache(maxsize=None)
def _request_words(language: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Names only code reading a request uses (`readBody`, `next/headers`), and the last names of
    route decorators (`@app.post` -> "post")."""
    catalog = language_catalog(language)
    words = set(catalog.request_readers) | {path.split(".")[0] for path in catalog.request_objects_raw}
    return tuple(sorted(words)), frozenset(catalog.route_decorators)
