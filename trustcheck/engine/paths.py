"""API paths and the patterns that match them.

An API path names what an expression refers to after imports and assignments are resolved:
`requests.post`, `logging.getLogger().info`, `pymongo.MongoClient()[].users.insert_one`.
It is a tuple of segments; `()` is a call and `[]` a subscript. A name the analysis could not
resolve starts with `?` and its lower-case name (`?logger.info`).

Patterns are written the same way, with `*` for one segment, `**` for any number of segments
and `{a,b}` for alternatives: `logging.getLogger().{info,warning}`, `pymongo.**.insert_one`.
"""
from __future__ import annotations

import re
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")
_CACHE_LIMIT = 100_000
_SEGMENT = re.compile(r"[^.()\[\]]+|\(\)|\[\]")

MAX_PATH = 12  # a library object's path stops growing here (a recursive walk over its children)


def deeper(path: tuple[str, ...], part: str) -> tuple[str, ...]:
    """`path` + `part`: the API path of an attribute, item or call result of a library object."""
    return path if len(path) >= MAX_PATH else path + (part,)


def split_path(text: str) -> tuple[str, ...]:
    """`a.b().c[]` -> ("a", "b", "()", "c", "[]"). Braces never hold dots, so a split works."""
    return tuple(token for piece in text.split(".") for token in _SEGMENT.findall(piece))


def path_text(path: tuple[str, ...]) -> str:
    out = ""
    for segment in path:
        if segment in ("()", "[]"):
            out += segment
        else:
            out += ("." if out else "") + segment
    return out


def _segment_regex(segment: str) -> str:
    if segment == "*":
        return r"/[^/]+"
    if segment == "**":
        return r"(?:/[^/]+)*"
    if "{" in segment:
        prefix, _, rest = segment.partition("{")
        options, _, suffix = rest.partition("}")
        alternatives = "|".join(re.escape(o.strip()) for o in options.split(","))
        return "/" + re.escape(prefix) + f"(?:{alternatives})" + re.escape(suffix)
    return "/" + re.escape(segment)


def compile_pattern(text: str) -> re.Pattern[str]:
    if re.search(r"\{[^}]*\.[^}]*\}", text):
        raise ValueError(f"alternatives in braces cannot contain dots: {text!r}")
    segments = split_path(text)
    if not segments:
        raise ValueError(f"empty API pattern {text!r}")
    return re.compile("".join(_segment_regex(s) for s in segments) + r"\Z")


def _last_names(text: str) -> set[str] | None:
    """The literal names the last segment can take, or None when it is a wildcard."""
    last = split_path(text)[-1]
    if "*" in last:
        return None
    if "{" in last:
        prefix, _, rest = last.partition("{")
        options, _, suffix = rest.partition("}")
        return {prefix + o.strip() + suffix for o in options.split(",")}
    return {last}


def canonical(path: tuple[str, ...]) -> str:
    return "".join("/" + s for s in path)


class PatternIndex(Generic[T]):
    """Patterns, each with a payload, indexed by their last segment for speed."""

    def __init__(self) -> None:
        self._by_last: dict[str, list[tuple[re.Pattern[str], T]]] = {}
        self._wild: list[tuple[re.Pattern[str], T]] = []
        self._cache: dict[tuple[str, ...], list[T]] = {}

    def add(self, patterns: Iterable[str], payload: T) -> None:
        for text in patterns:
            compiled = compile_pattern(text)
            names = _last_names(text)
            if names is None:
                self._wild.append((compiled, payload))
            else:
                for name in names:
                    self._by_last.setdefault(name, []).append((compiled, payload))
        self._cache.clear()

    def match(self, path: tuple[str, ...]) -> list[T]:
        """The payloads of every pattern matching `path` (paths repeat: answers are cached)."""
        found = self._cache.get(path)
        if found is None:
            if len(self._cache) > _CACHE_LIMIT:  # a long-running site scans many programs
                self._cache.clear()
            found = self._cache[path] = self._match(path) if path else []
        return found

    def _match(self, path: tuple[str, ...]) -> list[T]:
        text = canonical(path)
        found: list[T] = []
        for compiled, payload in self._by_last.get(path[-1], ()):
            if compiled.match(text) and payload not in found:
                found.append(payload)
        for compiled, payload in self._wild:
            if compiled.match(text) and payload not in found:
                found.append(payload)
        return found
