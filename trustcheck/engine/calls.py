"""What calls do to values: dispatch to the app's own functions and classes (analyzed once per
distinct kind of argument, see `Program.run_function`), to libraries (`library.Library`), or
to values the analysis only knows by their content (a string's methods, a dict's)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import ir
from .args import CallArgs
from .library import STRING_METHODS, Library, string_method
from .reads import USER_TEXT, Reads, const_text
from .scripts import Scripts
from .stores import TAGS as STORE_TAGS, Stores
from .values import CLEAN, KEY, Text, Value, join_all

if TYPE_CHECKING:
    from .interp import Frame, Interpreter
    from .program import Program

MAX_DEPTH = 14
# Mutating a library object that sends or stores what it is given does not make it hold that.
_HOLDING_PARTS = {"headers", "params", "cookies", "auth", "json", "data", "default_headers", "session_state"}


_NO_CALL = ir.Call(ir.Opaque(()), (), (), 0, 0)


class CallHandler:
    def __init__(self, program: Program, interp: Interpreter):
        self.program = program
        self.interp = interp
        self.reads = Reads(program)
        self.library = Library(program)
        self.scripts = Scripts(program, self)
        self.stores = Stores(program, self)

    @property
    def catalog(self):
        """The catalogue of the language of the code being run."""
        return self.program.catalog

    def attr(self, obj: Value, name: str, f: Frame) -> Value:
        return self.reads.attr(obj, name, f)

    def index(self, obj: Value, index: Value, f: Frame) -> Value:
        return self.reads.index(obj, index, f)

    def element(self, e: ir.Element, f: Frame) -> Value:
        return self.scripts.element(e, f)

    def check_store(self, path: tuple, value: Value, f: Frame) -> None:
        self.library.check_store(path, value, f)

    def check_redirect_store(self, path: tuple, holder: Value, value: Value, f: Frame) -> None:
        self.library.check_redirect_store(path, holder, value, f)

    def check_raise(self, line: int, end_line: int, value: Value, f: Frame) -> None:
        facts = {fact: t for fact, t in value.taint.items() if fact[1] == KEY}
        if facts:
            self.program.report("key-in-exception-message", f, line, end_line, facts, call="raise")

    # calls --------------------------------------------------------------------------------

    def call(self, e: ir.Call, f: Frame) -> Value:
        interp = self.interp
        func = e.func
        if type(func) is ir.Name and func.id == "super":
            return Value(refs=frozenset({("super", f.cls, f.instance)})) if f.cls else CLEAN
        if type(func) is ir.Attr:
            recv = interp.eval(func.obj, f)
            callee = self.attr(recv, func.attr, f)
            method = func.attr
        else:
            recv = None
            callee = interp.eval(func, f)
            method = func.id if type(func) is ir.Name else ""
        args = self._evaluate_args(e, recv, method, f)
        if type(func) is ir.Name and func.id == "setattr" and len(e.args) == 3 and type(e.args[1]) is ir.Const:
            interp.store(ir.Attr(e.args[0], str(e.args[1].value)), args.pos[2], f)
            return CLEAN
        if f.module.language == "javascript":
            special = self.scripts.call(func, method, callee, args, f)
            if special is not None:
                return special
        requests = [r for r in callee.refs if r[0] == "req"]
        consumers = [r for r in callee.refs if r[0] == "mod" and self.catalog.is_consumer(r[1])]
        result = CLEAN
        handled = False
        if requests:  # a request's own methods answer; its library path only for sinks (ctx.cookies.set)
            for ref in callee.refs:
                if ref[0] == "mod":
                    self.library.call(ref[1], args, f)
        elif consumers:  # `cached ?? new PrismaClient()`: the library's behaviour wins
            callee = Value(refs=frozenset(r for r in callee.refs if r[0] != "mod") | frozenset(consumers))
        for ref in (requests or callee.refs):
            tag = ref[0]
            if tag == "func":
                result = result.join(self.call_function(ref, args, f))
            elif tag == "class":
                result = result.join(self.instantiate(ref[1], args, f))
            elif tag == "inst":
                for bound in self.program.callables(Value(refs=frozenset({ref}))):
                    result = result.join(self.call_function(bound, args, f))
            elif tag == "mod":
                returned = self.library.call(ref[1], args, f)
                result = result.join(returned)
                self._callbacks(ref[1], args, f, returned)
                if type(func) is ir.Attr:
                    self._set_up_request(ref[1], func.obj, args, f)
                    for field in self.catalog.collectors.match(ref[1]) if args.pos else ():  # `modal.add_item(x)`
                        self.interp.store_into(ir.Attr(func.obj, field), args.pos[0], f)
            elif tag == "req":
                result = result.join(self.request_call(ref[1], method, args, f))
            elif tag in STORE_TAGS:
                result = result.join(self.stores.call(ref, args, f))
            else:
                continue
            handled = True
        if not handled:
            result = self.opaque_call(method, args, f)
        if recv is not None and method in self.catalog.mutators and self._holds_what_it_gets(recv):
            self._mutate(func.obj, method, args, f)
        return result

    def _evaluate_args(self, e: ir.Call, recv: Value | None, method: str, f: Frame) -> CallArgs:
        evaluate = self.interp.eval
        pos: list[Value] = []
        star = CLEAN
        for arg in e.args:
            if type(arg) is ir.Starred:
                spread = evaluate(arg.value, f)
                items = _tuple_items(spread, len(spread.fields or ())) if star.is_empty() else None
                if items is not None:  # `f(*(user, key))`: each in its place
                    pos.extend(items)
                else:
                    star = star.join(spread)
            else:
                pos.append(evaluate(arg, f))
        kw: dict[str, Value] = {}
        for name, value in e.kwargs:
            if name is None:
                star = star.join(evaluate(value, f))
            else:
                kw[name] = evaluate(value, f)
        items = None
        if method == "join" and e.args and type(e.args[0]) is ir.Seq:
            items = [evaluate(item, f) for item in e.args[0].items]
        return CallArgs(pos, kw, star, recv, e, items)

    def _holds_what_it_gets(self, recv: Value) -> bool:
        """`headers.update(...)` fills a dict; `requests.put(...)` or `cache.set(...)` on a
        library module or client sends the value away instead."""
        for ref in recv.refs:
            if ref[0] == "mod":
                path = ref[1]
                if len(path) == 1 or (self.catalog.is_consumer(path) and not _HOLDING_PARTS & set(path)):
                    return False
        return True

    def call_method(self, ref: tuple, f: Frame) -> Value:
        """Call a bound method with no arguments (a property read)."""
        return self.call_function(ref, CallArgs.positional([], _NO_CALL), f)

    def call_function(self, ref: tuple, args: CallArgs, f: Frame) -> Value:
        program = self.program
        _, fkey, bound, closure_id = ref
        module, func = program.function(fkey)
        positional = list(args.pos)
        if bound is not None:
            positional.insert(0, Value(refs=frozenset({bound})))
        values: dict[str, Value] = {}
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
                value = value.with_step(program.step(f, line, _passing(func.name, param.name)))
            values[param.name] = value
        if "use server" in module.directives and program.contexts.get(f.module.path) == "browser":
            self._relay_to_action(func, values, args.expr, f)
        instance = bound if bound is not None and bound[0] == "inst" else None
        result = program.run_function(fkey, values, instance, closure_id, f, line)
        if self.catalog.sanitizer_names.search(func.name):  # `mask_key(k)` shows a part at most
            return Value(strs=result.strs, refs=result.refs)
        return result

    def _relay_to_action(self, func: ir.Function, values: dict[str, Value], call: ir.Call, f: Frame) -> None:
        """Browser code calling a server action ("use server") sends its arguments to the app's
        own server, as `fetch("/api/...")` would."""
        facts = {}
        for value in values.values():
            for fact, trace in value.taint.items():
                if fact[1] == KEY and (fact not in facts or trace.length < facts[fact].length):
                    facts[fact] = trace
        if facts:
            self.program.report("key-relayed-to-own-server", f, call.line, call.end_line, facts,
                                call=f"{func.name}()", host=f"its server action {func.name}()")

    def instantiate(self, ckey: tuple, args: CallArgs, f: Frame) -> Value:
        program = self.program
        site = (f.module.path, args.expr.line) + (("module",) if f.kind == "module" else ())
        instance = ("inst", ckey, site)
        refs = {instance}
        bases = program.external_bases(ckey)
        refs.update(("mod", base + ("()",)) for base in bases)
        init = program.find_method(ckey, "__init__")
        if init is not None:
            self.call_function(("func", init, instance, None), args, f)
            return Value(refs=frozenset(refs))
        # a data class: its fields are its arguments, and printing it shows them (masked ones as ****)
        masked = set(program.modules[ckey[0]].classes[ckey[1]].masked)
        declared = program.declared_fields(ckey)
        shown: list[Value] = [args.star, *args.pos[len(declared):]]
        for name, value in [*args.kw.items(), *zip(declared, args.pos)]:
            program.heap_write(("f", ckey, site, name), value)
            if name not in masked:
                shown.append(value)
        result = Value(join_all(shown).as_kind(KEY).taint, frozenset(), frozenset(refs))
        if masked:
            args = CallArgs(args.pos, {k: v for k, v in args.kw.items() if k not in masked}, args.star, args.recv,
                            args.expr)
        for base in bases:
            result = result.join(self.library.call(base, args, f).taint_only())
        return result

    def opaque_call(self, method: str, args: CallArgs, f: Frame) -> Value:
        """A call of something the analysis knows only by its content: a method of a string,
        dict or list, or a value from outside the program."""
        catalog = self.catalog
        self._callbacks(None, args, f)
        if method and catalog.sanitizer_names.search(method):
            return CLEAN
        recv = args.recv
        if recv is None:
            everything = args.everything()
            return everything.as_kind(KEY) if everything.has_key() else CLEAN
        if method in catalog.predicate_methods:
            return CLEAN
        if method == "get_secret_value":
            return recv.as_kind(KEY)
        if method in ("get", "pop", "setdefault", "__getitem__") and recv.fields is not None and args.pos:
            found = recv.field(const_text(args.pos[0]))
            return found.join(args.pos[1]) if len(args.pos) > 1 else found
        if recv.fields is not None and method in ("copy", "__copy__", "keys"):
            return recv if method != "keys" else Value(strs=frozenset(Text(k, True) for k in recv.fields))
        taint = recv.taint_only((KEY,))
        is_text = recv.strs and recv.fields is None
        if is_text or method in catalog.propagating_methods or method in STRING_METHODS:
            taint = taint.join(args.everything().taint_only((KEY,)))
        return Value(taint.taint, string_method(method, recv, args))

    def request_call(self, channel: str, method: str, args: CallArgs, f: Frame) -> Value:
        if method in _REQUEST_GETTERS:
            return self.reads.request_field(channel, const_text(args.pos[0]) if args.pos else None, f)
        part = self.catalog.request_channels.get(method, channel)
        return self.reads.carrier(part, f).join(Value(refs=frozenset({("req", part)})))

    def _set_up_request(self, path: tuple, target: ir.Expr, args: CallArgs, f: Frame) -> None:
        """`xhr.open("POST", url)`, `xhr.setRequestHeader("X-Key", key)`: the request object now
        holds its URL and the key, for the call that sends it."""
        for setup in self.catalog.request_setups.match(path):
            url = args.role(setup.url) if setup.url else None
            data = args.role(setup.data) if setup.data else None
            held = Value(strs=url.strs) if url is not None else CLEAN
            if data is not None:
                held = held.join(data.taint_only())
            if not held.is_empty():
                self.interp.store_into(target, held, f)

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

    # decorators and callbacks -------------------------------------------------------------

    def decorate(self, decorator: ir.Expr, function: Value, f: Frame) -> Value:
        """Apply a decorator: the app's own decorators wrap the function; a library event
        decorator (Gradio's `@button.click(inputs=...)`) wires it."""
        if type(decorator) is ir.Call:
            callee = self.interp.eval(decorator.func, f)
            for ref in callee.refs:
                if ref[0] == "mod" and self.catalog.callbacks.match(ref[1]):
                    args = self._evaluate_args(decorator, None, "", f)
                    args.kw["fn"] = function
                    self._callbacks(ref[1], args, f)
                    return function
        wrapper_factory = self.interp.eval(decorator, f)
        out = CLEAN
        for ref in wrapper_factory.refs:
            if ref[0] == "func":
                call = CallArgs.positional([function], _NO_CALL)
                out = out.join(self.call_function(ref, call, f))
        return out if any(r[0] == "func" for r in out.refs) else function

    def _callbacks(self, path: tuple | None, args: CallArgs, f: Frame, returned: Value = CLEAN) -> None:
        specs = self.catalog.callbacks.match(path) if path else []
        for spec in specs:
            self._wired_callback(spec, args, f)
        handed = self.catalog.result_callbacks.match(path) if path and not specs else []
        for spec in handed:  # `storage.get("key", (items) => ...)`: the callback gets the result
            if spec.value == "result":
                value, callbacks = returned, args.pos
            else:  # `watch(source, (value) => ...)`, the source a value or a getter
                value = args.role(spec.value) or CLEAN
                getters = [r for r in value.refs if r[0] == "func"]
                if getters:
                    no_args = CallArgs.positional([], args.expr)
                    value = join_all(self.call_function(r, no_args, f) for r in getters)
                callbacks = [v for i, v in enumerate(args.pos) if str(i) != spec.value]
            call_args = CallArgs.positional([CLEAN] * spec.parameter + [value], args.expr)
            for ref in (r for v in callbacks for r in v.refs if r[0] == "func"):
                self.call_function(ref, call_args, f)
        if not specs and not handed:
            self._run_callbacks(args, f, path)

    def _wired_callback(self, spec, args: CallArgs, f: Frame) -> None:
        functions = [r for v in args.values(spec.function) for r in self.program.callables(v)]
        if not functions:
            return
        if spec.arguments:  # `CommandHandler("setkey", setkey)`: called with the bot's update, context
            objects = CallArgs.positional([Value(refs=frozenset({("mod", path)})) for path in spec.arguments],
                                          args.expr)
            for ref in functions:
                self.call_function(ref, objects, f)
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
            parts = _tuple_items(result, len(targets)) or [result] * len(targets)
            for target, part in zip(targets, parts):
                if part.taint and type(target) in (ir.Name, ir.Attr, ir.Index):
                    self.interp.store_into(target, part.taint_only(), f)
                    if type(target) is ir.Name:
                        self.program.externally_written.add((f.module.path, target.id))
            break

    def _run_callbacks(self, args: CallArgs, f: Frame, path: tuple | None = None) -> None:
        """A function handed to code the analysis cannot see is called by it: with `args=` /
        `kwargs=` when given, else with the arguments that follow it (`submit(f, key)`,
        `run_in_executor(None, f, key)`), else as the framework calls an entry point."""
        registers = bool(path) and self.catalog.is_server_framework(path[0])
        passed = [(i, v) for i, v in enumerate(args.pos) if any(r[0] == "func" for r in v.refs)]
        passed += [(None, v) for k, v in args.kw.items()
                   if k not in ("args", "kwargs") and any(r[0] == "func" for r in v.refs)]
        for index, value in passed:
            if "args" in args.kw or "kwargs" in args.kw:
                listed = args.expr_of("kw:args")
                pos = [self.interp.eval(i, f) for i in listed.items] if type(listed) is ir.Seq else []
                spread = args.kw["args"] if "args" in args.kw and type(listed) is not ir.Seq else CLEAN
                named = args.kw.get("kwargs")
                if named is not None and named.fields is not None:
                    kw = dict(named.fields)
                else:
                    kw, spread = {}, spread.join(named or CLEAN)
                call_args = CallArgs(pos, kw, spread, None, args.expr)
            elif index is not None and index + 1 < len(args.pos) and not registers and not any(
                    r[0] == "func" for v in args.pos[index + 1:] for r in v.refs):
                call_args = CallArgs(args.pos[index + 1:], {}, args.star, None, args.expr)
            else:
                for ref in value.refs:
                    if ref[0] == "func":
                        self.program.run_entry(ref[1], f, ref[3], registers)
                continue
            for ref in value.refs:
                if ref[0] == "func":
                    self.call_function(ref, call_args, f)


_REQUEST_GETTERS = {"get", "getlist", "get_all", "getone", "getfirst", "pop", "__getitem__", "get_header",
                    "getheader", "get_argument", "get_query_argument", "get_body_argument", "header", "query",
                    "param", "cookie", "getAll"}


def _passing(function: str, parameter: str) -> str:
    who = "a callback" if function.startswith("<") else f"{function}()"
    return f"passed to {who}" + ("" if parameter.startswith("$") else f" as {parameter}")


def _tuple_items(value: Value, count: int) -> list[Value] | None:
    if value.fields is None or value.open or len(value.fields) != count:
        return None
    items = [value.fields.get(f"#{i}") for i in range(count)]
    return None if None in items else items
