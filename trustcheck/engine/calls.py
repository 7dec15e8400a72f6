"""What calls, attribute reads and subscripts do to values.

Calls into the app's own code are analyzed (once per distinct kind of argument: see
`Program.memo`). Calls into libraries are described by the catalogue: sources, sinks,
sanitizers, clients, callbacks; a library the catalogue does not know passes the key through
(a function of the key is assumed to still hold it, unless its name says it masks or hashes).
"""
from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from . import ir
from .catalog import providers, python_catalog
from .hosts import Destination, destinations
from .paths import path_text
from .values import CLEAN, HOLDER, KEY, UNKNOWN_TEXT, Text, Value, join_all

if TYPE_CHECKING:
    from .interp import Frame, Interpreter
    from .program import Program

MAX_DEPTH = 14
USER_TEXT = frozenset({Text("", False, "user")})
PASSWORD_KWARGS = {"type": "password", "input_type": "password", "password": True, "hide_input": True,
                   "is_password": True, "secret": True}
REQUEST_GETTERS = {"get", "getlist", "get_all", "getone", "getfirst", "pop", "__getitem__", "get_header",
                   "getheader", "get_argument", "get_query_argument", "get_body_argument"}
_STRING_METHODS = {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "encode", "decode", "replace",
                   "removeprefix", "removesuffix", "split", "splitlines", "partition", "rpartition", "ljust",
                   "rjust", "center", "zfill", "title", "capitalize", "swapcase", "format", "join", "expandtabs",
                   "translate", "as_posix", "__str__", "__repr__"}
_KEYED_READS = {("os", "getenv"): ("os", "environ")}  # functions that read one entry of a mapping
TEXT_PRESERVING = {("str",), ("urllib", "parse", "urljoin"), ("urljoin",), ("requests", "compat", "urljoin"),
                   ("posixpath", "join"), ("os", "path", "join"), ("yarl", "URL"), ("httpx", "URL")}


class CallArgs:
    """Evaluated arguments of one call, addressable by the roles rules use ("0", "kw:url",
    "*", "receiver")."""
    __slots__ = ("pos", "kw", "star", "recv", "expr")

    def __init__(self, pos: list[Value], kw: dict[str, Value], star: Value, recv: Value | None,
                 expr: ir.Call):
        self.pos = pos
        self.kw = kw
        self.star = star  # what `*args` / `**kwargs` at the call site spread
        self.recv = recv
        self.expr = expr

    def role(self, role: str) -> Value | None:
        if role == "receiver":
            return self.recv
        if role.startswith("kw:"):
            return self.kw.get(role[3:])
        if role.isdigit():
            index = int(role)
            return self.pos[index] if index < len(self.pos) else None
        if role == "*":
            return join_all([*self.pos, *self.kw.values(), self.star])
        return None

    def present(self, roles: str) -> bool:
        return any(self.role(r) is not None for r in roles.split("|"))

    def values(self, roles: tuple[str, ...]) -> list[Value]:
        return [v for r in roles for alt in r.split("|") if (v := self.role(alt)) is not None]

    def expr_of(self, role: str) -> ir.Expr | None:
        if role.startswith("kw:"):
            return next((v for k, v in self.expr.kwargs if k == role[3:]), None)
        if role.isdigit() and int(role) < len(self.expr.args):
            return self.expr.args[int(role)]
        return None

    def everything(self) -> Value:
        out = join_all([*self.pos, *self.kw.values(), self.star])
        return out.join(self.recv) if self.recv is not None else out


class CallHandler:
    def __init__(self, program: Program, interp: Interpreter):
        self.program = program
        self.interp = interp
        self.catalog = python_catalog()
        self.rules = program.rules

    # reading from objects -----------------------------------------------------------------

    def attr(self, obj: Value, name: str, f: Frame) -> Value:
        refs: set = set()
        extra = CLEAN
        strs: frozenset = frozenset()
        for ref in obj.refs:
            tag = ref[0]
            if tag == "mod":
                path = ref[1] + (name,)
                refs.add(("mod", path))
                if _is_singleton(ref[1]):
                    cell = self.program.heap.get(("m", path))
                    if cell is not None:
                        extra = extra.join(cell)
                    extra = extra.join(self._read_source(path, name, f))
                    if self.catalog.request_objects.match(path):
                        refs.add(("req", "any"))
                strs = strs | self._read_text(path)
            elif tag == "lmod":
                extra = extra.join(self.program.module_attr(ref[1], name))
            elif tag == "inst":
                extra = extra.join(self._member(ref[1], name, f, instance=True))
            elif tag == "class":
                extra = extra.join(self._member(ref[1], name, f, instance=False))
            elif tag == "super":
                extra = extra.join(self._super_member(ref[1], name))
            elif tag == "req":
                extra = extra.join(self._request_part(ref[1], name, f))
        return Value(obj.taint, strs, frozenset(refs)).join(extra)

    def index(self, obj: Value, index: Value, f: Frame) -> Value:
        name = _const_text(index)
        refs: set = set()
        extra = CLEAN
        taint = obj.taint
        strs = obj.strs
        for ref in obj.refs:
            tag = ref[0]
            if tag == "mod":
                path = ref[1] + ("[]",)
                refs.add(("mod", path))
                if _is_singleton(ref[1]):
                    if name is not None:
                        cell = self.program.heap.get(("m", ref[1] + (name,)))
                        if cell is not None:
                            extra = extra.join(cell)
                    extra = extra.join(self._read_source(path, name, f))
                strs = strs | self._read_text(path)
            elif tag == "req":
                taint = {}
                extra = extra.join(self._request_field(ref[1], name, f))
            elif tag == "inst":
                extra = extra.join(self.program.heap.get(("f", ref[1], "[]"), CLEAN))
        return Value(taint, strs, frozenset(refs)).join(extra)

    def _read_text(self, path: tuple) -> frozenset:
        """What reading this library attribute gives as text: configuration, fetched content."""
        if self.catalog.config_reads.match(path):
            return frozenset({Text("", False, "config")})
        if self.catalog.fetchers.match(path):
            return frozenset({Text("", False, "remote")})
        return frozenset()

    def _member(self, ckey: tuple, name: str, f: Frame, instance: bool) -> Value:
        program = self.program
        method = program.find_method(ckey, name)
        if method is not None:
            func = program.function(method)[1]
            if instance and _decorated(func, "property"):
                ref = ("func", method, ckey, None)
                return self.call_function(ref, CallArgs([], {}, CLEAN, None, _NO_CALL), f)
            bound = ckey if instance and not _decorated(func, "staticmethod") else None
            if _decorated(func, "classmethod"):
                bound = ckey
            return Value(refs=frozenset({("func", method, bound, None)}))
        cell = ("f", ckey, name)
        value = program.heap.get(cell, CLEAN)
        for owner in program.class_ancestors(ckey):
            if owner != ckey:
                value = value.join(program.heap.get(("f", owner, name), CLEAN))
        refs = {("cell", cell)}
        for base in program.external_bases(ckey):
            refs.add(("mod", base + (("()", name) if instance else (name,))))
        return value.join(Value(refs=frozenset(refs)))

    def _super_member(self, ckey: tuple, name: str) -> Value:
        program = self.program
        for owner in program.class_ancestors(ckey)[1:]:
            method = program.find_method(owner, name, inherited=False)
            if method is not None:
                return Value(refs=frozenset({("func", method, ckey, None)}))
        return Value(refs=frozenset(("mod", base + (name,)) for base in program.external_bases(ckey)))

    # the incoming request of a server route -----------------------------------------------

    def _request_part(self, channel: str, name: str, f: Frame) -> Value:
        part = self.catalog.request_channels.get(name)
        if part is not None:
            return self._carrier(part, f).join(Value(refs=frozenset({("req", part)})))
        if self.catalog.is_key_field(name):
            return self._request_field(channel, name, f)
        return Value(strs=USER_TEXT, refs=frozenset({("req", channel)}))

    def _request_field(self, channel: str, name: str | None, f: Frame) -> Value:
        if name is None:
            return self._carrier(channel, f).join(Value(refs=frozenset({("req", channel)})))
        if self.catalog.is_key_field(name):
            self.program.request_key_channels.add(channel)
            where = {"headers": "request header", "query": "query parameter", "cookies": "cookie",
                     "body": "request field"}.get(channel, "request field")
            return self.source(f, f.line, f"{where} {name}", "request")
        return Value(strs=USER_TEXT)

    def _carrier(self, channel: str, f: Frame) -> Value:
        """The whole of a request part: it holds the key when the app reads one from there."""
        label = {"headers": "the request's headers", "body": "the request body",
                 "query": "the query string", "cookies": "the request's cookies"}.get(channel, "the request")
        return self.source(f, f.line, label, f"carrier:{channel}")

    def request_call(self, channel: str, method: str, args: CallArgs, f: Frame) -> Value:
        if method in REQUEST_GETTERS:
            return self._request_field(channel, _const_text(args.pos[0]) if args.pos else None, f)
        part = self.catalog.request_channels.get(method, channel)
        return self._carrier(part, f).join(Value(refs=frozenset({("req", part)})))

    # sources ------------------------------------------------------------------------------

    def source(self, f: Frame, line: int, label: str, origin: str, strs=USER_TEXT) -> Value:
        return self.program.source_value(f.module.path, line, label, origin, strs)

    def _read_source(self, path: tuple, name: str | None, f: Frame) -> Value:
        out = CLEAN
        for spec in self.catalog.read_sources.match(path):
            if spec.when == "key-env-name" and not (name and self.catalog.is_key_env(name)):
                continue
            out = out.join(self.source(f, f.line, f"{path_text(path[:-1] if path[-1] == '[]' else path)}"
                                       f"{'[' + repr(name) + ']' if path[-1] == '[]' else ''}",
                                       spec.origin, frozenset({Text("", False, "config")})))
        return out

    def _call_source(self, path: tuple, args: CallArgs, e: ir.Call, f: Frame) -> Value:
        out = CLEAN
        call = path_text(path)
        password = _password_kwarg(args)
        for spec in self.catalog.call_sources.match(path):
            if spec.when == "key-env-name":
                name = _const_text(args.pos[0]) if args.pos else None
                if name and self.catalog.is_key_env(name):
                    out = out.join(self.source(f, e.line, f"{call}({name!r})", spec.origin,
                                               frozenset({Text("", False, "config")})))
            elif spec.when == "widget-for-key":
                if password:
                    out = out.join(self.source(f, e.line, f"{call}, password field", spec.origin))
                elif self._asks_for_key(args):
                    out = out.join(self.source(f, e.line, f"{call}, labelled as a key", spec.origin))
                    self.program.report("unmasked-key-input", f, e.line, e.end_line, {}, call=call)
            else:
                out = out.join(self.source(f, e.line, f"{call}()", spec.origin))
        if not out.taint and password:
            out = self.source(f, e.line, f"{call}, password field", "user")
        if out.taint and path and path[0] == "streamlit":
            widget_key = _const_text(args.kw["key"]) if "key" in args.kw else None
            if widget_key:
                self.program.heap_write(("m", ("streamlit", "session_state", widget_key)), out)
        return out

    def _asks_for_key(self, args: CallArgs) -> bool:
        labels = [args.pos[0]] if args.pos else []
        labels += [args.kw[k] for k in ("label", "prompt", "placeholder", "text", "message") if k in args.kw]
        return any(self.catalog.key_label.search(t.prefix) for v in labels for t in v.strs)

    # calls --------------------------------------------------------------------------------

    def call(self, e: ir.Call, f: Frame) -> Value:
        interp = self.interp
        func = e.func
        if type(func) is ir.Attr:
            recv = interp.eval(func.obj, f)
            callee = self.attr(recv, func.attr, f)
            method = func.attr
        else:
            recv = None
            callee = interp.eval(func, f)
            method = func.id if type(func) is ir.Name else ""
        if type(func) is ir.Name and func.id == "super":
            return Value(refs=frozenset({("super", f.cls)})) if f.cls else CLEAN
        args = self._evaluate_args(e, recv, f)
        result = CLEAN
        handled = False
        for ref in callee.refs:
            tag = ref[0]
            if tag == "func":
                result = result.join(self.call_function(ref, args, f))
                handled = True
            elif tag == "class":
                result = result.join(self.instantiate(ref[1], args, f))
                handled = True
            elif tag == "mod":
                result = result.join(self.library_call(ref[1], args, f))
                handled = True
            elif tag == "req":
                result = result.join(self.request_call(ref[1], method, args, f))
                handled = True
        if not handled:
            result = self.opaque_call(method, callee, args, f)
        if recv is not None and method in self.catalog.mutators:
            self._mutate(func.obj, method, args, f)
        return result

    def _mutate(self, target: ir.Expr, method: str, args: CallArgs, f: Frame) -> None:
        """`d.update({"k": v})`, `d.setdefault("k", v)`, `items.append(v)`: the object now holds
        the values, under their keys when the keys are known."""
        e = args.expr
        first = e.args[0] if e.args else None
        if method == "update" and type(first) is ir.Dict and None not in first.keys:
            for key, value in zip(first.keys, first.values):
                self.interp.store(ir.Index(target, key), self.interp.eval(value, f), f)
            return
        if method in ("setdefault", "__setitem__", "set", "put") and len(e.args) == 2 and type(first) is ir.Const:
            self.interp.store(ir.Index(target, first), args.pos[1], f)
            return
        added = join_all([*args.pos, *args.kw.values()]).taint_only()
        if added.taint:
            self.interp.store_into(target, added, f)

    def _evaluate_args(self, e: ir.Call, recv: Value | None, f: Frame) -> CallArgs:
        evaluate = self.interp.eval
        pos: list[Value] = []
        star = CLEAN
        for arg in e.args:
            if type(arg) is ir.Starred:
                star = star.join(evaluate(arg.value, f))
            else:
                pos.append(evaluate(arg, f))
        kw: dict[str, Value] = {}
        for name, value in e.kwargs:
            if name is None:
                star = star.join(evaluate(value, f))
            else:
                kw[name] = evaluate(value, f)
        return CallArgs(pos, kw, star, recv, e)

    def call_function(self, ref: tuple, args: CallArgs, f: Frame) -> Value:
        program = self.program
        _, fkey, bound_cls, closure_id = ref
        module, func = program.function(fkey)
        positional = list(args.pos)
        if bound_cls is not None:
            first = "class" if _decorated(func, "classmethod") else "inst"
            positional.insert(0, Value(refs=frozenset({(first, bound_cls)})))
        bound: dict[str, Value] = {}
        used_kw: set[str] = set()
        line = args.expr.line
        for i, param in enumerate(func.params):
            if param.kind == "varargs":
                value = join_all(positional[i:]).join(args.star)
            elif param.kind == "kwargs":
                value = join_all(v for k, v in args.kw.items() if k not in used_kw).join(args.star)
            else:
                value = positional[i] if param.kind == "normal" and i < len(positional) else args.kw.get(param.name)
                if value is None and args.star.taint:
                    value = args.star
                if value is None:
                    value = program.default_value(module, param.default) if param.default is not None else CLEAN
                else:
                    used_kw.add(param.name)
            if value.taint and line:
                value = value.with_step(program.step(f, line, f"passed to {func.name}() as {param.name}"))
            bound[param.name] = value
        return program.run_function(fkey, bound, bound_cls, closure_id, f)

    def instantiate(self, ckey: tuple, args: CallArgs, f: Frame) -> Value:
        program = self.program
        refs = {("inst", ckey)}
        bases = program.external_bases(ckey)
        refs.update(("mod", base + ("()",)) for base in bases)
        init = program.find_method(ckey, "__init__")
        if init is not None:
            self.call_function(("func", init, ckey, None), args, f)
            return Value(refs=frozenset(refs))
        for name, value in args.kw.items():
            program.heap_write(("f", ckey, name), value)
        result = Value(args.everything().as_kind(KEY).taint, frozenset(), frozenset(refs))
        for base in bases:
            result = result.join(self.library_call(base, args, f).taint_only())
        return result

    def opaque_call(self, method: str, callee: Value, args: CallArgs, f: Frame) -> Value:
        """A call of something the analysis knows only by its content: a method of a string,
        dict or list, or a value from outside the program."""
        catalog = self.catalog
        if method and catalog.sanitizer_names.search(method):
            return CLEAN
        recv = args.recv
        self._run_callbacks(args, f)
        if recv is None:
            return args.everything().as_kind(KEY) if args.everything().has_key() else CLEAN
        if method in catalog.predicate_methods:
            return CLEAN
        taint = recv.taint_only((KEY,))
        if recv.strs or method in catalog.propagating_methods:
            taint = taint.join(args.everything().taint_only((KEY,)))
        return Value(taint.taint, _string_method(method, recv, args))

    def library_call(self, path: tuple, args: CallArgs, f: Frame) -> Value:
        catalog = self.catalog
        e = args.expr
        result = self._call_source(path, args, e, f)
        sent = False
        for spec in catalog.sink_calls.match(path):
            sent |= self._check_sink(spec, path, args, e.line, e.end_line, f)
        callbacks = catalog.callbacks.match(path)
        for spec in callbacks:
            self._wired_callback(spec, args, f)
        if not callbacks:
            self._run_callbacks(args, f)
        if not sent:
            self._check_client(path, args, f)
        keyed = _KEYED_READS.get(path) or (path[:-1] if path[-1:] in (("get",), ("pop",)) else None)
        if keyed and _is_singleton(keyed) and args.pos:
            name = _const_text(args.pos[0])
            if name is not None:
                result = result.join(self.program.heap.get(("m", keyed + (name,)), CLEAN))
        everything = args.everything()
        last = path[-1] if path else ""
        is_class = last[:1].isupper() and not last.isupper()
        # a method of the value itself (a dict's .get, a string's .strip) keeps the key
        kept = args.recv.taint_only((KEY,)) if args.recv is not None and (
            last in catalog.propagating_methods or last in _STRING_METHODS) else CLEAN
        if catalog.sanitizers.match(path) or catalog.sanitizer_names.search(last) or last in catalog.predicate_methods:
            taint = CLEAN
        elif catalog.is_consumer(path):
            taint = everything.as_kind(HOLDER) if is_class and everything.taint else kept
        elif is_class and any(catalog.credential_keywords.match(k) and v.taint for k, v in args.kw.items()):
            taint = everything.as_kind(HOLDER)
        else:
            taint = everything.taint_only((KEY,))
        return result.join(Value(taint.taint, self._library_text(path, args), frozenset({("mod", path + ("()",))})))

    def _library_text(self, path: tuple, args: CallArgs) -> frozenset:
        catalog = self.catalog
        if catalog.config_readers.match(path):
            default = args.pos[1] if len(args.pos) > 1 else args.kw.get("default")
            return frozenset({Text(t.prefix, t.complete, "config") for t in (default.strs if default else ())}
                             | {Text("", False, "config")})
        if catalog.fetchers.match(path + ("()",)) or catalog.fetchers.match(path):
            return frozenset({Text("", False, "remote")})
        if catalog.decoders.match(path) and args.pos:
            return frozenset(_decode(t) for t in args.pos[0].strs)
        if path in TEXT_PRESERVING and args.pos:
            first = args.pos[0].strs
            return first if len(args.pos) == 1 else frozenset(Text(t.prefix, False, t.origin) for t in first)
        if path and path[0] in ("streamlit", "gradio") or path in (("input",), ("getpass", "getpass")):
            return USER_TEXT
        if path[-1:] and path[-1][:1].isupper() and self.catalog.is_consumer(path):
            for keyword in sorted(self.catalog.base_url_keywords & args.kw.keys()):
                return args.kw[keyword].strs
            if args.pos and args.pos[0].strs:
                return args.pos[0].strs
        return frozenset()

    # callbacks ----------------------------------------------------------------------------

    def _wired_callback(self, spec, args: CallArgs, f: Frame) -> None:
        functions = [r for v in args.values(spec.function) for r in v.refs if r[0] == "func"]
        if not functions:
            return
        inputs: list[Value] = [Value(strs=USER_TEXT)] + [CLEAN] * (spec.leading - 1) if spec.leading else []
        broadcast = None
        for role in spec.inputs:
            expr = args.expr_of(role)
            if expr is None:
                continue
            if type(expr) is ir.Seq:
                inputs.extend(self.interp.eval(item, f) for item in expr.items)
            else:
                broadcast = self.interp.eval(expr, f)
            break
        # a handler receives what the components hold, not the components
        inputs = [Value(v.taint, v.strs or USER_TEXT) for v in inputs]
        broadcast = Value(broadcast.taint, USER_TEXT) if broadcast is not None else CLEAN
        call_args = CallArgs(inputs, {}, broadcast, None, args.expr)
        result = join_all(self.call_function(ref, call_args, f) for ref in functions)
        for role in spec.outputs:
            expr = args.expr_of(role)
            if expr is None:
                continue
            targets = expr.items if type(expr) is ir.Seq else (expr,)
            for target in targets:
                if result.taint and type(target) in (ir.Name, ir.Attr, ir.Index):
                    self.interp.store_into(target, result.taint_only(), f)
                    if type(target) is ir.Name:
                        self.program.externally_written.add((f.module.path, target.id))
            break

    def _run_callbacks(self, args: CallArgs, f: Frame) -> None:
        """A function handed to code the analysis cannot see is assumed to be called with
        the call's `args=` or its other arguments."""
        passed = [(i, v) for i, v in enumerate(args.pos) if any(r[0] == "func" for r in v.refs)]
        passed += [(None, v) for k, v in args.kw.items() if k != "args" and any(r[0] == "func" for r in v.refs)]
        if not passed:
            return
        extra = args.kw.get("args")
        for index, value in passed:
            if extra is not None:
                expr = args.expr_of("kw:args")
                pos = [self.interp.eval(i, f) for i in expr.items] if type(expr) is ir.Seq else [extra]
            else:
                pos = [v for i, v in enumerate(args.pos) if i != index]
            call_args = CallArgs(pos, {}, CLEAN, None, args.expr)
            for ref in value.refs:
                if ref[0] == "func":
                    self.call_function(ref, call_args, f)

    # sinks --------------------------------------------------------------------------------

    def _check_sink(self, spec, path: tuple, args: CallArgs, line: int, end_line: int, f: Frame) -> bool:
        """Report what the sink receives; True when it was an HTTP-like sink with a URL."""
        if not self.program.imports_allow(spec):
            return False
        if any(not args.present(r) for r in spec.requires) or any(args.present(r) for r in spec.excludes):
            return False
        if spec.when and not self._predicate(spec.when, args):
            return False
        kinds = (KEY, HOLDER) if spec.holders else (KEY,)
        facts = {}
        for value in args.values(spec.data):
            for fact, trace in value.taint.items():
                if fact[1] in kinds and (fact not in facts or trace.length < facts[fact].length):
                    facts[fact] = trace
        call = path_text(path)
        if not spec.needs_key:
            self.program.report(spec.rule, f, line, end_line, {}, call=call, host=spec.host)
            return False
        if spec.url:
            url = self._url_texts(spec.url, args)
            self._report_destination(spec.rule, url, facts, call, line, end_line, f,
                                     key_in_url=self._url_value(spec.url, args))
            return True
        if facts:
            self.program.report(spec.rule, f, line, end_line, facts, call=call, host=spec.host)
        return False

    def _url_value(self, roles: tuple[str, ...], args: CallArgs) -> Value:
        for role in roles:
            value = args.role(role)
            if value is not None and role != "receiver":
                return value
        return CLEAN

    def _url_texts(self, roles: tuple[str, ...], args: CallArgs) -> frozenset:
        texts: frozenset = frozenset()
        for role in roles:
            value = args.role(role)
            if value is None:
                continue
            if role == "receiver":
                return texts or value.strs
            texts = value.strs or frozenset({UNKNOWN_TEXT})
            found = destinations(texts)
            if found and all(d.kind == "relative" for d in found) and args.recv is not None and args.recv.strs:
                return args.recv.strs
            return texts
        return texts

    def _report_destination(self, rule_id: str, texts, facts: dict, call: str, line: int, end_line: int,
                            f: Frame, key_in_url: Value = CLEAN) -> None:
        found = destinations(texts) or [Destination("unknown", "an undetermined host")]
        worst = found[0]
        if not facts:
            return
        program = self.program
        if worst.kind == "third-party":
            program.report(rule_id, f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind == "config":
            program.report("key-sent-to-configured-host", f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind == "unknown":
            program.report("key-sent-to-unresolved-host", f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind in ("provider", "loopback"):
            program.expected_use(f, line, f"sent to {worst.host}" + (" (a local server)" if worst.kind == "loopback" else ""))
        if key_in_url.has_key() and worst.kind not in ("provider", "loopback", "user", "relative"):
            program.report("key-in-url", f, line, end_line, key_in_url.taint, call=call, host=worst.host)
        for dest in found:
            if dest.scheme == "http" and dest.kind not in ("loopback", "relative"):
                program.report("insecure-transport", f, line, end_line, facts, call=call, host=dest.host)
                break

    def _check_client(self, path: tuple, args: CallArgs, f: Frame) -> None:
        """A call that takes the key together with a base URL is a client pointed there; a
        provider SDK's client built with the key and no base URL talks to its provider."""
        facts = {}
        for name, value in [*((str(i), v) for i, v in enumerate(args.pos)), *args.kw.items()]:
            for fact, trace in value.taint.items():
                if fact not in facts or trace.length < facts[fact].length:
                    facts[fact] = trace
        if not facts:
            return
        e = args.expr
        call = path_text(path)
        bases = [k for k in args.kw if k in self.catalog.base_url_keywords]
        if bases:
            texts = frozenset().union(*(args.kw[k].strs or frozenset({UNKNOWN_TEXT}) for k in bases))
            self._report_destination("key-in-redirected-client", texts, facts, call, e.line, e.end_line, f)
            return
        provider = providers().provider_of_package(path)
        if provider is not None:
            self.program.expected_use(f, e.line, f"sent to {provider.hosts[0]} through the {provider.name} SDK"
                                      if "*" not in provider.hosts[0] else f"used with the {provider.name} SDK")

    def check_store(self, path: tuple, value: Value, f: Frame) -> None:
        for spec in self.catalog.sink_stores.match(path):
            if not self.program.imports_allow(spec):
                continue
            kinds = (KEY, HOLDER) if spec.holders else (KEY,)
            facts = {fact: t for fact, t in value.taint.items() if fact[1] in kinds}
            if facts:
                call = path_text(path[:-1]) + "[...]" if path[-1] == "[]" else path_text(path)
                self.program.report(spec.rule, f, f.line, f.line, facts, call=call)

    def check_raise(self, s: ir.Raise, value: Value, f: Frame) -> None:
        facts = {fact: t for fact, t in value.taint.items() if fact[1] == KEY}
        if facts:
            self.program.report("key-in-exception-message", f, s.line, s.end_line, facts, call="raise")

    def _predicate(self, name: str, args: CallArgs) -> bool:
        first = args.pos[0] if args.pos else None
        if name == "sql-writes":
            texts = first.strs if first is not None else frozenset()
            reads = ("select", "with", "pragma", "create", "drop", "alter", "explain")
            return not texts or any(not t.prefix.strip().lstrip("(").lower().startswith(reads) for t in texts)
        if name == "remote-text":
            return first is not None and any(t.origin == "remote" for t in first.strs)
        if name == "decoded-text":
            return first is not None and any(t.origin == "decoded" for t in first.strs)
        raise ValueError(f"unknown sink predicate {name!r}")


_NO_CALL = ir.Call(ir.Opaque(()), (), (), 0, 0)


def _is_singleton(path: tuple) -> bool:
    """A module attribute (os.environ, st.session_state): one object for the whole process."""
    return "()" not in path and not path[0].startswith("?")


def _const_text(value: Value) -> str | None:
    texts = [t for t in value.strs if t.complete]
    return texts[0].prefix if len(texts) == 1 and len(value.strs) == 1 else None


def _password_kwarg(args: CallArgs) -> bool:
    for name, wanted in PASSWORD_KWARGS.items():
        value = args.kw.get(name)
        if value is None:
            continue
        if wanted is True and not value.strs and not value.refs:
            return True  # password=True: a literal True evaluates to a clean, textless value
        if isinstance(wanted, str) and any(t.prefix == wanted for t in value.strs):
            return True
    return False


def _decorated(func: ir.Function, name: str) -> bool:
    for decorator in func.decorators:
        if (type(decorator) is ir.Name and decorator.id == name) or \
                (type(decorator) is ir.Attr and decorator.attr == name):
            return True
    return False


def _string_method(method: str, recv: Value, args: CallArgs) -> frozenset:
    """Known text of `recv.method(...)` for the string methods that keep a URL's host."""
    if not recv.strs:
        return frozenset()
    if method == "format":
        out = set()
        for t in recv.strs:
            head, brace, _ = t.prefix.partition("{")
            if head or not brace:
                out.add(Text(head, t.complete and not brace, t.origin))
            else:
                first = args.pos[0].strs if args.pos else frozenset()
                out.update(Text(s.prefix, False, s.origin) for s in first)
        return frozenset(out)
    if method in ("strip", "rstrip", "lstrip", "lower", "upper", "removesuffix", "replace", "encode",
                  "decode", "casefold", "expandtabs"):
        return frozenset(Text(t.prefix, False, t.origin) for t in recv.strs)
    return frozenset()


def _decode(text: Text) -> Text:
    """A constant decoded the way obfuscated code hides hosts (base64, hex)."""
    if not text.complete:
        return Text("", False, "decoded")
    raw = text.prefix.strip()
    for decode in (lambda s: base64.b64decode(s, validate=True), bytes.fromhex, binascii.a2b_base64):
        try:
            return Text(decode(raw).decode("utf-8"), True, "decoded")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            continue
    return Text("", False, "decoded")
