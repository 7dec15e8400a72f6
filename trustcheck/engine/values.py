"""Abstract values: what the analyzer knows about a runtime value.

A `Value` says three things at once:
- `taint`: which key sources it carries and how (the key itself, or an object built with it),
  each with the `Trace` of steps that brought it here;
- `strs`: what its text could be, as known prefixes (enough to tell where a URL points);
- `refs`: what it refers to (a library API path, a function or class of the app, an instance,
  a heap cell, a request object), which decides what calling it or reading from it does.
Values are immutable; joins build new ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

KEY = "key"  # the secret itself, or a string or container that holds it
HOLDER = "holder"  # an object built with it: requests made with it carry it, printing it does not

MAX_STRS = 8
MAX_REFS = 16
MAX_TRACE = 24


@dataclass(frozen=True, slots=True)
class Source:
    """Where a key enters the program."""
    id: int
    file: str
    line: int
    label: str  # "st.text_input (password)", "getpass()", "request header X-Api-Key", ...
    origin: str  # user | env | request | param | carrier:<channel>


@dataclass(frozen=True, slots=True)
class Step:
    file: str
    line: int
    note: str


class Trace:
    """A persistent list of steps, newest last; sharing tails keeps extension cheap."""
    __slots__ = ("step", "prev", "length")

    def __init__(self, step: Step, prev: Trace | None = None):
        self.step = step
        self.prev = prev
        self.length = 1 + (prev.length if prev else 0)

    def add(self, step: Step) -> Trace:
        if self.step == step or self.length >= MAX_TRACE:
            return self
        return Trace(step, self)

    def steps(self) -> list[Step]:
        out: list[Step] = []
        node: Trace | None = self
        while node is not None:
            out.append(node.step)
            node = node.prev
        return out[::-1]


@dataclass(frozen=True, slots=True)
class Text:
    """A possible text: `prefix` is known; `complete` says whether it is all of the text.
    `origin` says who chose it: code, config (environment, config file), user, remote,
    decoded (base64 and the like) or unknown."""
    prefix: str
    complete: bool
    origin: str = "code"


UNKNOWN_TEXT = Text("", False, "unknown")

Ref = tuple  # ("mod", path) | ("lmod", name) | ("func", key, self_cls, closure) | ("class", key)
#             | ("inst", key) | ("cell", key) | ("req", channel)


REST = "*"  # in `fields`: what every entry may also be (the keyless side of a join)


class Value:
    """`fields` (a dict from constant keys to values) is known for mappings built in the code:
    `cfg["model"]` is then just what was stored under "model". `open` says entries with keys
    the analysis could not see may exist too, so a missing key reads as the whole value."""
    __slots__ = ("taint", "strs", "refs", "fields", "open", "_fp")

    def __init__(self, taint: dict | None = None, strs: frozenset = frozenset(),
                 refs: frozenset = frozenset(), fields: dict | None = None, open: bool = True):
        self.taint: dict[tuple[int, str], Trace] = taint or {}
        self.strs: frozenset[Text] = strs
        self.refs: frozenset[Ref] = refs
        self.fields: dict[str, Value] | None = fields
        self.open = open
        self._fp = None

    def __repr__(self) -> str:
        shown = f", fields={sorted(self.fields)}" if self.fields is not None else ""
        return f"Value(taint={sorted(self.taint)}, strs={set(self.strs)}, refs={set(self.refs)}{shown})"

    @property
    def tainted(self) -> bool:
        return bool(self.taint)

    def has_key(self) -> bool:
        return any(kind == KEY for _, kind in self.taint)

    def fingerprint(self) -> tuple:
        """What a function's behaviour can depend on (traces excluded): the memo key part."""
        if self._fp is None:
            fields = None if self.fields is None else frozenset(
                (name, value.fingerprint()) for name, value in self.fields.items())
            self._fp = (frozenset(self.taint), self.strs, self.refs, fields, self.open)
        return self._fp

    def same_as(self, other: Value) -> bool:
        return self.fingerprint() == other.fingerprint()

    def field(self, name: str | None) -> Value:
        """What reading entry `name` gives (the whole value when it cannot be told apart)."""
        if name is None or self.fields is None:
            return self
        found = self.fields.get(name)
        if found is None and name.isdigit():  # a tuple's or list's item
            found = self.fields.get("#" + name)
        if found is not None:
            found = found if not self.open else found.join(self._unnamed())
        else:
            found = self._unnamed() if self.open else CLEAN
        rest = self.fields.get(REST)
        return found if rest is None else found.join(rest)

    def _unnamed(self) -> Value:
        """The part of an open mapping that is not under a known key."""
        return Value(self.taint, self.strs, self.refs) if self.open else CLEAN

    def with_field(self, name: str, value: Value) -> Value:
        whole = Value(self.taint, self.strs, self.refs).join(value.taint_only())
        if self.fields is None and not self.is_empty():  # `config = yaml.safe_load(f)`, then
            fields = {REST: Value(self.taint, self.strs, self.refs), name: value}  # `config["k"] = key`:
            return Value(whole.taint, whole.strs, whole.refs, fields, False)  # other entries are as before
        fields = dict(self.fields or {})
        fields[name] = value
        return Value(whole.taint, whole.strs, whole.refs, fields, self.open)

    def join(self, other: Value) -> Value:
        if other is self or other.is_empty():
            return self
        if self.is_empty():
            return other
        taint = self.taint
        if other.taint:
            taint = dict(self.taint)
            for fact, trace in other.taint.items():
                mine = taint.get(fact)
                if mine is None or trace.length < mine.length:
                    taint[fact] = trace
        strs = self.strs | other.strs if other.strs else self.strs
        if len(strs) > MAX_STRS:
            strs = frozenset(sorted(strs, key=lambda t: (t.origin != "code", -len(t.prefix)))[:MAX_STRS])
        refs = self.refs | other.refs if other.refs else self.refs
        if len(refs) > MAX_REFS:
            refs = frozenset(sorted(refs, key=repr)[:MAX_REFS])
        fields = None
        is_open = True
        if self.fields is not None and other.fields is not None:
            fields = dict(self.fields)
            for name, value in other.fields.items():
                mine = fields.get(name)
                fields[name] = value if mine is None else mine.join(value)
            is_open = self.open or other.open
        elif self.fields is not None and not other.taint:  # `cond ? {headers: key, label} : sdk.call()`
            fields, is_open = _with_rest(self.fields, other), self.open
        elif other.fields is not None and not self.taint:
            fields, is_open = _with_rest(other.fields, self), other.open
        return Value(taint, strs, refs, fields, is_open)

    def is_empty(self) -> bool:
        return not self.taint and not self.strs and not self.refs and self.fields is None

    def with_step(self, step: Step) -> Value:
        if not self.taint:
            return self
        fields = None if self.fields is None else {
            name: value.with_step(step) for name, value in self.fields.items()}
        return Value({fact: trace.add(step) for fact, trace in self.taint.items()}, self.strs, self.refs,
                     fields, self.open)

    def taint_only(self, kinds: tuple[str, ...] = (KEY, HOLDER)) -> Value:
        """The taint of this value, without its text or references."""
        if not self.taint:
            return CLEAN
        return Value({f: t for f, t in self.taint.items() if f[1] in kinds})

    def as_kind(self, kind: str) -> Value:
        """The same sources, carried as `kind` (a client built with the key holds it)."""
        if not self.taint:
            return CLEAN
        taint: dict[tuple[int, str], Trace] = {}
        for (src, _), trace in self.taint.items():
            fact = (src, kind)
            if fact not in taint or trace.length < taint[fact].length:
                taint[fact] = trace
        return Value(taint)

    def with_refs(self, refs: frozenset) -> Value:
        return Value(self.taint, self.strs, refs, self.fields, self.open)

    def with_strs(self, strs: frozenset) -> Value:
        return Value(self.taint, strs, self.refs, self.fields, self.open)


CLEAN = Value()


def join_all(values) -> Value:
    out = CLEAN
    for value in values:
        out = out.join(value)
    return out


def _with_rest(fields: dict[str, Value], other: Value) -> dict[str, Value]:
    """`fields`, joined with a value of no known entries and no key: any entry read may also be
    what reading it from that value gives (its text and references), never a key."""
    out = dict(fields)
    part = Value(strs=other.strs, refs=other.refs)
    out[REST] = part if REST not in out else out[REST].join(part)
    return out


@lru_cache(maxsize=65536)
def text_value(text: str, origin: str = "code") -> Value:
    """A known text (values are never changed once made, so one serves every use)."""
    return Value(strs=frozenset((Text(text, True, origin),)))


_SCHEME_ONLY = re.compile(r"(?i)(https?|wss?)://")
_SCHEMED = re.compile(r"(?i)(https?|wss?)(://|:|$)")


def concat_texts(left: frozenset[Text], right: frozenset[Text]) -> frozenset[Text]:
    """Possible texts of `left + right`; an unknown left side leaves nothing known."""
    if not left:
        return frozenset()
    out = set()
    for a in left:
        if not a.complete:
            out.add(a)
            continue
        if not right:
            out.add(Text(a.prefix, False, a.origin))
            continue
        scheme_only = bool(_SCHEME_ONLY.fullmatch(a.prefix))
        for b in right:
            if scheme_only and _SCHEMED.match(b.prefix):  # `"https://" + url` where url has one:
                out.add(b)                                # the code adds it only when missing
            else:  # the origin of "https://" + host is the host's
                out.add(Text(a.prefix + b.prefix, b.complete, a.origin if a.prefix and not scheme_only else b.origin))
    if len(out) > MAX_STRS:
        out = set(sorted(out, key=lambda t: -len(t.prefix))[:MAX_STRS])
    return frozenset(out)
