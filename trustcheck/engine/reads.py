"""What reading `obj.attr` and `obj[key]` gives: object fields, module attributes, entries of
mappings built in the code, and the parts of an incoming HTTP request."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .paths import deeper, path_text
from .values import CLEAN, Text, Value, join_all

if TYPE_CHECKING:
    from .interp import Frame
    from .program import Program

USER_TEXT = frozenset({Text("", False, "user")})
CONFIG_TEXT = frozenset({Text("", False, "config")})
# References that give an object an identity of its own: reading a part of it reads that part,
# not everything the object holds.
_IDENTITIES = {"inst", "class", "lmod", "req", "state", "dom", "event"}
_PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "PUBLIC_", "NUXT_PUBLIC_", "GATSBY_")
_GLOBAL_OBJECTS = {("window",), ("globalThis",), ("self",)}  # window.localStorage is localStorage
_CHANNEL_WORDS = {"headers": "request header", "query": "query parameter", "cookies": "cookie",
                  "body": "request field"}
_CARRIER_WORDS = {"headers": "the request's headers", "body": "the request body",
                  "query": "the query string", "cookies": "the request's cookies"}


def is_singleton(path: tuple) -> bool:
    """A module attribute (os.environ, st.session_state): one object for the whole process.
    Not an environment variable: its value is a string, with nothing of its own to read or write
    (`{ value: process.env.KEY }.value` is the key; `(process.env[name] || {}).x = v` stays local)."""
    if "()" in path or path[0].startswith("?"):
        return False
    return not any(path[:len(env)] == env and len(path) > len(env) for env in _ENVIRONMENTS)


_ENVIRONMENTS = (("os", "environ"), ("process", "env"))


def const_text(value: Value) -> str | None:
    texts = [t for t in value.strs if t.complete]
    return texts[0].prefix if len(texts) == 1 and len(value.strs) == 1 else None


def passes_through(obj: Value) -> bool:
    """Whether reading a part of `obj` gives what `obj` holds (a string, a dict, a library
    object) rather than a part with its own identity (a field, a module attribute)."""
    return not any(r[0] in _IDENTITIES or (r[0] == "mod" and is_singleton(r[1])) for r in obj.refs)


class Reads:
    def __init__(self, program: Program):
        self.program = program

    @property
    def catalog(self):
        """The catalogue of the language of the code being run."""
        return self.program.catalog

    def attr(self, obj: Value, name: str, f: Frame) -> Value:
        refs: set = set()
        extra = CLEAN
        strs: frozenset = frozenset()
        for ref in obj.refs:
            tag = ref[0]
            if tag == "mod":
                path = (name,) if ref[1] in _GLOBAL_OBJECTS else deeper(ref[1], name)
                refs.add(("mod", path))
                if is_singleton(ref[1]):
                    extra = extra.join(self.program.heap_subtree(("m", path)))
                    extra = extra.join(self.read_source(path, name, f))
                    if self.catalog.request_objects.match(path):
                        refs.add(("req", "any"))
                else:
                    extra = extra.join(self.read_source(path, name, f))
                strs = strs | self.read_text(path)
            elif tag == "lmod":
                extra = extra.join(self.program.module_attr(ref[1], name))
            elif tag == "inst":
                extra = extra.join(self.member(ref, name, f))
            elif tag == "class":
                extra = extra.join(self.member(ref, name, f))
            elif tag == "super":
                extra = extra.join(self.super_member(ref[1], ref[2], name))
            elif tag == "req":
                extra = extra.join(self.request_part(ref[1], name, f))
            elif tag == "event" and name in ("target", "currentTarget", "srcElement"):
                refs.add(("dom", ref[1]))
            elif tag in ("store", "rootstore"):
                extra = extra.join(self.program.calls.stores.attr(ref, name))
            elif tag == "slicestate":  # `state.apiKey` in a reducer
                extra = extra.join(self.program.heap.get(("store", ref[1]), CLEAN).field(name))
            elif tag == "context" and name == "Provider":
                refs.add(("provider", ref[1]))
            elif tag == "dom" and name == "value":
                extra = extra.join(self.program.calls.scripts.element_value([ref], f))
        if obj.fields is not None and name in obj.fields and passes_through(obj):
            return obj.field(name).join(Value(strs=strs, refs=frozenset(refs))).join(extra)  # {fn, key}.fn
        taint = obj.taint if passes_through(obj) else {}
        if obj.fields is not None and passes_through(obj):  # d.get: a method, not what d holds
            taint = obj.field(name).taint
        return Value(taint, strs, frozenset(refs)).join(extra)

    def index(self, obj: Value, index: Value, f: Frame) -> Value:
        name = const_text(index)
        refs: set = set()
        extra = CLEAN
        part = obj.field(name) if passes_through(obj) else CLEAN
        for ref in obj.refs:
            tag = ref[0]
            if tag == "mod":
                path = deeper(ref[1], "[]")
                refs.add(("mod", path))
                if is_singleton(ref[1]) and name is not None:
                    extra = extra.join(self.program.heap_subtree(("m", ref[1] + (name,))))
                extra = extra.join(self.read_source(path, name, f))
                extra = extra.join(Value(strs=self.read_text(path)))
            elif tag == "req":
                part = CLEAN
                extra = extra.join(self.request_field(ref[1], name, f))
            elif tag == "inst":
                extra = extra.join(self.program.heap.get(("f",) + ref[1:] + ("[]",), CLEAN))
            elif tag == "state":  # const [value, setValue] = useState(...)
                if name == "0":
                    extra = extra.join(self.program.heap.get(("state", ref[1]), CLEAN))
                elif name == "1":
                    refs.add(("setter", ref[1]))
        return Value(part.taint, part.strs or obj.strs, frozenset(refs) | part.refs, part.fields,
                     part.open).join(extra)

    # objects of the app's classes ----------------------------------------------------------

    def member(self, ref: tuple, name: str, f: Frame) -> Value:
        """`obj.name` for an instance ("inst", class, site) or a class ("class", class)."""
        program = self.program
        ckey = ref[1]
        instance = ref[0] == "inst"
        method = program.find_method(ckey, name)
        if method is not None:
            func = program.function(method)[1]
            if instance and func.decorated_with("property"):
                return f.program.calls.call_method(("func", method, ref, None), f)
            if func.decorated_with("staticmethod"):
                bound = None
            elif func.decorated_with("classmethod"):
                bound = ("class", ckey)
            else:
                bound = ref if instance else None
            return Value(refs=frozenset({("func", method, bound, None)}))
        if name == "__dict__":
            return program.instance_fields(ref)
        cells = [("f", owner, None, name) for owner in program.class_ancestors(ckey)]
        if instance:
            cells.insert(0, ("f", ckey, ref[2], name))
        value = join_all(program.heap.get(cell, CLEAN) for cell in cells)
        if instance and ref[2] == "entry" and cells[0] not in program.heap.cells and program.external_bases(ckey):
            # a framework's class (a pycord Modal): the framework calls this method on an instance
            value = value.join(program.heap.field_of_any(ckey, name))  # the program made somewhere
        refs = {("cell", cells[0])}
        for base in program.external_bases(ckey):
            refs.add(("mod", base + (("()", name) if instance else (name,))))
        return value.join(Value(refs=frozenset(refs)))

    def super_member(self, ckey: tuple, instance: tuple | None, name: str) -> Value:
        program = self.program
        for owner in program.class_ancestors(ckey)[1:]:
            method = program.find_method(owner, name, inherited=False)
            if method is not None:
                return Value(refs=frozenset({("func", method, instance, None)}))
        return Value(refs=frozenset(("mod", base + (name,)) for base in program.external_bases(ckey)))

    # the incoming request of a server route -----------------------------------------------

    def request_part(self, channel: str, name: str, f: Frame) -> Value:
        part = self.catalog.request_channels.get(name)
        if part is not None:
            return self.carrier(part, f).join(Value(refs=frozenset({("req", part)})))
        if self.catalog.is_key_field(name):
            return self.request_field(channel, name, f)
        return Value(strs=USER_TEXT, refs=frozenset({("req", channel)}))

    def request_field(self, channel: str, name: str | None, f: Frame) -> Value:
        if name is None:
            return self.carrier(channel, f).join(Value(refs=frozenset({("req", channel)})))
        if self.catalog.is_key_field(name):
            self.program.request_key_channels.add((f.module.language, channel))
            where = _CHANNEL_WORDS.get(channel, "request field")
            return self.program.source_value(f.module.path, f.line, f"{where} {name}", "request")
        return Value(strs=USER_TEXT)

    def carrier(self, channel: str, f: Frame) -> Value:
        """The whole of a request part: it holds the key when the app reads one from there."""
        label = _CARRIER_WORDS.get(channel, "the request")
        return self.program.source_value(f.module.path, f.line, label, f"carrier:{channel}")

    # library attributes -------------------------------------------------------------------

    def read_source(self, path: tuple, name: str | None, f: Frame) -> Value:
        out = CLEAN
        catalog = self.catalog
        for spec in catalog.read_sources.match(path):
            if spec.when == "key-env-name" and not (name and catalog.is_key_env(name)):
                continue
            if spec.when == "key-attribute" and not (name and catalog.is_key_name(name)):
                continue
            shown = path_text(path[:-1]) + f"[{name!r}]" if path[-1] == "[]" else path_text(path)
            strs = CONFIG_TEXT if spec.origin == "env" else USER_TEXT
            if name and name.startswith(_PUBLIC_PREFIXES):
                self.program.report("key-in-public-env-variable", f, f.line, f.line, {}, call=name)
            out = out.join(self.program.source_value(f.module.path, f.line, shown, spec.origin, strs))
        return out

    def read_text(self, path: tuple) -> frozenset:
        """What reading this library attribute gives as text: configuration, fetched content,
        a command-line argument."""
        catalog = self.catalog
        if catalog.config_reads.match(path):
            return CONFIG_TEXT
        if catalog.fetchers.match(path):
            return frozenset({Text("", False, "remote")})
        if catalog.user_reads.match(path):
            return USER_TEXT
        return frozenset()


