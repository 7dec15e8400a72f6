"""What one file's text says before anything is parsed, read with regular expressions and
substring search: what it imports, whether it imports a server framework or handles requests,
which state it shares without importing (a channel), and whether it is a seed of a key's flow.

    facts = text_facts(file, text)
    facts.imports    # -> ("app.services.chat", ...): dotted names, or a script's specifiers
    facts.seed       # -> True: it names a key, asks for a password, or calls exec/eval

Files are read one by one, in worker processes for a large repository (see `pipeline`): only
these facts come back, not the texts. A seed is what every source of the analysis needs: a name
that says key the way the catalogue's name patterns do (`api_key`, `OPENAI_API_KEY`, a field
labelled "API key", an `x-api-key` header), a password field or prompt, a library call that is a
source whatever it is called with (`getpass.getpass()`), or a call the rules that need no key
watch (`exec`, `eval`). The matching is deliberately loose: a seed too many costs time, one too
few would lose a flow.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ..config import Settings
from ..files import SourceFile, read_text
from ..rules import load_rules
from .catalog import language_catalog, python_catalog
from .context import import_roots, is_server_path, is_test_path
from .library import PASSWORD_KWARGS

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

# Words every name, label and field the catalog's name patterns accept contains (or, for a
# placeholder, starts with), lower-cased: a line without any of them names no key.
_KEY_WORDS = ("key", "token", "secret", "auth", "bearer", "passw", "sk-", "sk_", "aiza", "gsk_", "hf_", "r8_",
              "xai-", "pplx-")
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:-[\w$]+)*")
_STRING = re.compile(r""""([^"\\\n]{1,200})"|'([^'\\\n]{1,200})'|`([^`\\\n]{1,200})`""")
# Too common to count alone (`key={item.id}`, `sorted(rows, key=...)`); they count in a request
# handler, where `req.body.key` or a route's `token` parameter is a request field.
_BARE = frozenset({"key", "keys", "token", "tokens", "secret", "secrets"})
# `type="password"`, `hide_input=True`: the words of library.PASSWORD_KWARGS.
_PASSWORD_WORDS = ("passw",) + tuple(name for name, wanted in PASSWORD_KWARGS.items() if wanted is True)
_REQUEST = re.compile(r"req(?:uest)?\b")  # starts with its literal: searched as fast as str.find
_DECORATOR = re.compile(r"^[ \t]*@([\w.]+)", re.M)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class TextFacts:
    rel: str
    language: str  # "python" (modules, notebooks) or "javascript" (scripts, pages)
    size: int | None  # characters; None for a file parsing will skip (binary, minified, too large)
    imports: tuple[str, ...] = ()  # Python: dotted names; scripts: module specifiers
    sources: tuple[str, ...] = ()  # a page's `src="js/app.js"`
    server: bool = False  # imports a server framework (tests aside)
    channel: str | None = None  # the state it shares with files it does not import
    handler: bool = False  # handles requests
    seed: bool = False  # names a key, asks for a password, or calls a code rule's function


def language_group(file: SourceFile) -> str:
    """"python" for Python modules and notebooks, "javascript" for every script and page."""
    return "python" if file.language in ("python", "notebook") else "javascript"


def read_facts(files: list[SourceFile], settings: Settings) -> list[TextFacts]:
    """Read these files and say what their texts say."""
    return [text_facts(file, read_text(file.path, settings)[0]) for file in files]


def text_facts(file: SourceFile, text: str | None) -> TextFacts:
    language = language_group(file)
    if text is None:
        return TextFacts(file.rel, language, None)
    if file.language == "python":
        imports, sources = tuple(_python_import_names(file.rel, text)), ()
    else:
        imports, sources = _javascript_specifiers(text)
    server = _imports_server(file, text, imports)
    handler = server or _handles_requests(file, text, language)
    lower = text.lower()
    if len(lower) != len(text):  # "İ" lower-cased is two characters: keep the two texts aligned
        lower = text.translate(_ASCII_LOWER)
    seed = (file.language == "notebook" or _names_a_key(text, lower, handler)
            or _asks_for_password(text, lower, language) or _calls_code_rule_sink(text, language))
    return TextFacts(file.rel, language, len(text), imports, sources, server, _shared_channel(file, text), handler,
                     seed)


# imports and shared state -------------------------------------------------------------------

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


def _javascript_specifiers(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The module specifiers a script imports, and the scripts a page loads (`src=`)."""
    specifiers, sources = [], []
    for match in _JS_SPECIFIER.finditer(text):
        if match.group(1):
            specifiers.append(match.group(1))
        else:
            sources.append(match.group(2))
    return tuple(specifiers), tuple(sources)


def _imports_server(file: SourceFile, text: str, names: tuple[str, ...]) -> bool:
    if file.language in ("notebook", "markup") or is_test_path(file.rel):
        return False
    language = language_group(file)
    if language == "javascript":
        if '"use server"' in text or "'use server'" in text or is_server_path(file.rel):
            return True
        names = names + tuple(n.replace(".", "_") for n in names)
    frameworks = _frameworks(language)
    return any(root in frameworks for name in names for root in import_roots(name))


@cache
def _frameworks(language: str) -> frozenset[str]:
    return frozenset(language_catalog(language).server_frameworks)


def _shared_channel(file: SourceFile, text: str) -> str | None:
    if file.language == "python":
        shared = any(s in text for s in _PY_SHARED) or ("environ" in text and _PY_ENVIRON_WRITE.search(text))
        return "python" if shared else None
    if file.language == "notebook":
        return "python"
    shared = any(s in text for s in _JS_SHARED) or ("process.env" in text and _JS_ENV_WRITE.search(text))
    return "browser" if shared or file.language == "markup" else None


# requests ---------------------------------------------------------------------------------

def _handles_requests(file: SourceFile, text: str, language: str) -> bool:
    """A request handler: at a server file's path, naming a request (`req`, `request`) or a
    function reading one (`readBody`), or decorated as a route."""
    if language == "javascript" and is_server_path(file.rel):
        return True
    words, decorators = _request_words(language)
    if any(word in text for word in words) or any(
            at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_$")
            for at in (match.start() for match in _REQUEST.finditer(text))):
        return True
    return "@" in text and any(name.rsplit(".", 1)[-1] in decorators for name in _DECORATOR.findall(text))


@cache
def _request_words(language: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Names only code reading a request uses (`readBody`, `next/headers`), and the last names of
    route decorators (`@app.post` -> "post")."""
    catalog = language_catalog(language)
    words = set(catalog.request_readers) | catalog.request_object_roots
    return tuple(sorted(words)), frozenset(catalog.route_decorators)


# seeds --------------------------------------------------------------------------------------

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


def _asks_for_password(text: str, lower: str, language: str) -> bool:
    """A password field or hidden prompt (its words looked for in the lower-cased text), or a
    library call that is a source whatever it is called with (`getpass.getpass()`)."""
    if any(word in lower for word in _PASSWORD_WORDS):
        return True
    return any(all(word in text for word in words) for words in language_catalog(language).unconditional_source_words)


def _calls_code_rule_sink(text: str, language: str) -> bool:
    names, builtins, qualified = _code_rule_calls(language)
    if any(name in text for name in names) and builtins.search(text):
        return True
    return any(all(word in text for word in words) for words in qualified)


@cache
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
