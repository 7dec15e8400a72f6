"""The abstract interpreter: runs IR statements over `Value`s instead of real values.

Statements run in order (flow-sensitive within a function); branches run from copies of the
local state and are joined; loops run twice so values carried round the loop are seen.
Module globals, object fields and library module attributes live in the program's heap,
flow-insensitively (a join of every write), so functions see what any code stored there.
Calls are handled by `calls.CallHandler`.
"""
from __future__ import annotations

import builtins
import re
from typing import TYPE_CHECKING, Callable

from . import ir
from .library import percent_format
from .reads import is_singleton
from .values import (CLEAN, HOLDER, KEY, UNKNOWN_TEXT, Step, Text, Value, concat_texts, join_all,
                     text_value)

if TYPE_CHECKING:
    from .program import Program

BUILTIN_NAMES = frozenset(dir(builtins))
MAX_LOOP_PASSES = 2
_UNKNOWN_TEXTS = frozenset({UNKNOWN_TEXT})


class Frame:
    """The state of one running function, module top level or class body."""
    __slots__ = ("program", "module", "func", "func_key", "cls", "locals", "closure", "returns",
                 "depth", "kind", "nonlocals", "line", "raised", "instance")

    def __init__(self, program: Program, module: ir.Module, kind: str, func: ir.Function | None = None,
                 func_key: tuple | None = None, cls: tuple | None = None, closure: Frame | None = None,
                 depth: int = 0):
        self.program = program
        self.module = module
        self.kind = kind  # module | function | class
        self.func = func
        self.func_key = func_key
        self.cls = cls  # the class whose method (or body) this is
        self.locals: dict[str, Value] = {}
        self.closure = closure
        self.returns = CLEAN
        self.depth = depth
        self.nonlocals: set[str] = set()
        self.line = 0
        self.raised = CLEAN  # exceptions raised so far, for `except ... as name`
        self.instance = None  # the `self` of a running method: ("inst", class, site)


class Interpreter:
    def __init__(self, program: Program):
        self.program = program
        self.calls = None  # set by Program: the CallHandler (calls need the interpreter too)
        self._stmt: dict[type, Callable] = {
            ir.Assign: self.s_assign, ir.AugAssign: self.s_augassign, ir.ExprStmt: self.s_expr,
            ir.Return: self.s_return, ir.Raise: self.s_raise, ir.If: self.s_if, ir.Loop: self.s_loop,
            ir.With: self.s_with, ir.Try: self.s_try, ir.Def: self.s_def, ir.ClassDef: self.s_class,
            ir.Import: self.s_import, ir.ImportFrom: self.s_import_from, ir.Scope: self.s_scope,
        }
        self._expr: dict[type, Callable] = {
            ir.Name: self.e_name, ir.Const: self.e_const, ir.Attr: self.e_attr, ir.Index: self.e_index,
            ir.Slice: self.e_slice, ir.Call: self.e_call, ir.Str: self.e_str, ir.BinOp: self.e_binop,
            ir.Either: self.e_either, ir.Opaque: self.e_opaque, ir.Seq: self.e_seq, ir.Dict: self.e_dict,
            ir.Starred: self.e_starred, ir.Lambda: self.e_lambda, ir.Comp: self.e_comp,
            ir.Walrus: self.e_walrus, ir.Yield: self.e_yield, ir.Element: self.e_element,
            ir.ClassValue: self.e_class_value,
        }

    # statements ---------------------------------------------------------------------------

    def run(self, body: tuple[ir.Stmt, ...], frame: Frame) -> None:
        program = self.program
        for stmt in body:
            program.tick()
            self._stmt[type(stmt)](stmt, frame)

    def s_assign(self, s: ir.Assign, f: Frame) -> None:
        f.line = s.line
        if len(s.targets) == 1 and _unpacks_item_by_item(s.targets[0], s.value):
            self._unpack(s.targets[0].items, s.value.items, f)
            return
        value = self.eval(s.value, f)
        for target in s.targets:
            self.assign(target, value, f)

    def _unpack(self, targets: tuple[ir.Expr, ...], items: tuple[ir.Expr, ...], f: Frame) -> None:
        """`a, b = x, y` and `head, *rest = [x, y, z]`: each target gets its own item."""
        values = [self.eval(item, f) for item in items]
        star = next((i for i, t in enumerate(targets) if type(t) is ir.Starred), None)
        if star is None:
            for target, value in zip(targets, values):
                self.assign(target, value, f)
            return
        tail = len(targets) - star - 1
        for target, value in zip(targets[:star], values):
            self.assign(target, value, f)
        self.assign(targets[star], join_all(values[star:len(values) - tail]), f)
        for target, value in zip(targets[star + 1:], values[len(values) - tail:]):
            self.assign(target, value, f)

    def s_augassign(self, s: ir.AugAssign, f: Frame) -> None:
        f.line = s.line
        value = self.eval(s.value, f)
        current = self.eval(s.target, f)
        combined = current.join(value.taint_only())
        if s.op == "+=" and current.strs:
            combined = combined.with_strs(concat_texts(current.strs, value.strs or _UNKNOWN_TEXTS))
        self.assign(s.target, combined, f)

    def s_expr(self, s: ir.ExprStmt, f: Frame) -> None:
        f.line = s.line
        self.eval(s.expr, f)

    def s_return(self, s: ir.Return, f: Frame) -> None:
        f.line = s.line
        if s.value is None:
            return
        value = self.eval(s.value, f)
        if value.taint and f.func is not None:
            value = value.with_step(Step(f.module.path, s.line, f"returned by {f.func.name}()"))
        f.returns = f.returns.join(value)

    def s_raise(self, s: ir.Raise, f: Frame) -> None:
        f.line = s.line
        if s.value is not None:
            value = self.eval(s.value, f)
            f.raised = f.raised.join(value)
            self.calls.check_raise(s.line, s.end_line, value, f)

    def s_if(self, s: ir.If, f: Frame) -> None:
        self.eval(s.test, f)
        before = dict(f.locals)
        self.run(s.body, f)
        after_body = f.locals
        f.locals = before
        self.run(s.orelse, f)
        f.locals = _merge(after_body, f.locals)

    def s_loop(self, s: ir.Loop, f: Frame) -> None:
        f.line = s.line
        bind = self.iteration(s.target, s.iterable, f) if s.target is not None else self.eval(s.iterable, f)
        before = dict(f.locals)
        for _ in range(MAX_LOOP_PASSES):  # again only if a pass changed what the next one reads
            if s.target is not None:
                bind()
            entering = _state(f.locals)
            self.run(s.body, f)
            if _state(f.locals) == entering:
                break
        self.run(s.orelse, f)
        f.locals = _merge(before, f.locals)

    def iteration(self, target: ir.Expr, iterable: ir.Expr, f: Frame):
        """Evaluate a loop's iterable once; return what binds its target for one pass.
        `zip(a, b)` and `enumerate(a)` bind each target to its own sequence's elements."""
        if type(target) is ir.Seq and type(iterable) is ir.Call and type(iterable.func) is ir.Name \
                and not any(type(a) is ir.Starred for a in iterable.args):
            if iterable.func.id == "zip" and len(iterable.args) == len(target.items):
                parts = [_iteration(self.eval(a, f)) for a in iterable.args]
                return lambda: [self.assign(t, p, f) for t, p in zip(target.items, parts)]
            if iterable.func.id == "enumerate" and len(target.items) == 2 and iterable.args:
                part = _iteration(self.eval(iterable.args[0], f))
                return lambda: (self.assign(target.items[0], CLEAN, f), self.assign(target.items[1], part, f))
        value = _iteration(self.eval(iterable, f))  # containers are not split
        return lambda: self.assign(target, value, f)

    def s_with(self, s: ir.With, f: Frame) -> None:
        f.line = s.line
        for expr, target in s.items:
            value = self.eval(expr, f)
            if target is not None:
                self.assign(target, value, f)
        self.run(s.body, f)

    def s_try(self, s: ir.Try, f: Frame) -> None:
        before = dict(f.locals)
        self.run(s.body, f)
        self.run(s.orelse, f)
        merged = _merge(before, f.locals)
        outcomes = [f.locals]
        for name, body in s.handlers:
            f.locals = dict(merged)
            if name:
                f.locals[name] = f.raised  # what was raised in this function so far
            self.run(body, f)
            outcomes.append(f.locals)
        state = outcomes[0]
        for other in outcomes[1:]:
            state = _merge(state, other)
        f.locals = state
        self.run(s.final, f)

    def s_def(self, s: ir.Def, f: Frame) -> None:
        func = f.module.functions[s.func]
        if func.cls is not None and f.kind == "class":
            return  # methods are reached through their class
        closure = self.program.register_closure(f) if f.kind == "function" else None
        value = Value(refs=frozenset({("func", (f.module.path, s.func), None, closure)}))
        for decorator in reversed(func.decorators):
            value = self.calls.decorate(decorator, value, f)
        self.bind(func.name, value, f)

    def s_class(self, s: ir.ClassDef, f: Frame) -> None:
        self.program.define_class(f.module, s.cls, f)

    def s_import(self, s: ir.Import, f: Frame) -> None:
        f.line = s.line
        if s.alias:
            self.bind(s.alias, self.program.import_module(s.module, f.module), f)
        else:
            top = s.module.split(".")[0]
            self.program.import_module(s.module, f.module)  # runs the app's own modules
            self.bind(top, self.program.import_module(top, f.module, run=False), f)

    def s_import_from(self, s: ir.ImportFrom, f: Frame) -> None:
        f.line = s.line
        for name, alias in s.names:
            if name == "*":
                for star_name, value in self.program.star_import(s.module, s.level, f.module):
                    self.bind(star_name, value, f)
            else:
                self.bind(alias, self.program.import_name(s.module, s.level, name, f.module), f)

    def s_scope(self, s: ir.Scope, f: Frame) -> None:
        if s.kind == "nonlocal":
            f.nonlocals.update(s.names)

    # names --------------------------------------------------------------------------------

    def bind(self, name: str, value: Value, f: Frame) -> None:
        """Assign `value` to a plain name, in the scope Python would use."""
        if f.kind == "module":
            if name in f.module.key_bindings:  # a script variable bound to a key field (v-model)
                typed = self.program.source_value(f.module.path, f.line, f"bound to a key field as {name}", "user")
                for ref in (r for r in value.refs if r[0] == "mod"):  # the field writes its `.value`:
                    self.calls.check_store(ref[1] + ("value",), typed, f)  # VueUse's useLocalStorage ref
                value = value.join(typed)
            f.locals[name] = value
            self.program.write_global(f.module, name, value, f, from_function=False)
        elif f.kind == "class":
            f.locals[name] = value
            self.program.heap_write(("f", f.cls, None, name), value)
        elif name in f.func.locals:
            f.locals[name] = value
        elif name in f.nonlocals:
            outer = self._enclosing_with(name, f)
            if outer is not None:
                outer.locals[name] = outer.locals.get(name, CLEAN).join(value)
        else:
            self.program.write_global(f.module, name, value, f, from_function=True)

    def lookup(self, name: str, f: Frame) -> Value:
        if f.kind == "function":
            if name in f.func.locals:
                return f.locals.get(name, CLEAN)
            outer = self._enclosing_with(name, f)
            if outer is not None:
                return outer.locals.get(name, CLEAN)
        elif name in f.locals:
            return f.locals[name]
        value = self.program.read_global(f.module, name)
        if value is not None:
            return value
        if f.module.language == "javascript":  # an undeclared name is a global: the browser's
            browser = Value(refs=frozenset({("mod", (name,))}))  # (document, fetch), and another
            shared = self.program.script_global(f.module, name)  # script's (the gtag snippet's
            return browser if shared is None else shared.join(browser)  # `function gtag()`)
        if name in BUILTIN_NAMES:
            return Value(refs=frozenset({("mod", (name,))}))
        return Value(strs=_UNKNOWN_TEXTS, refs=frozenset({("mod", ("?" + name.lower().lstrip("_"),))}))

    @staticmethod
    def _enclosing_with(name: str, f: Frame) -> Frame | None:
        outer = f.closure
        while outer is not None:
            if outer.kind == "function" and name in outer.func.locals:
                return outer
            if outer.kind == "module":
                return None
            outer = outer.closure
        return None

    def assign(self, target: ir.Expr, value: Value, f: Frame) -> None:
        kind = type(target)
        if kind is ir.Name:
            if not value.taint and value.strs and all(t.origin == "user" for t in value.strs) \
                    and self.calls.catalog.is_key_name(target.id):
                value = value.join(self.program.source_value(f.module.path, f.line,
                                                             f"typed by the user into {target.id}", "user"))
            if value.taint and not target.id.startswith("$"):  # "$tmp": the front end's own names
                value = value.with_step(Step(f.module.path, f.line, f"assigned to {target.id}"))
            self.bind(target.id, value, f)
        elif kind is ir.Seq:
            items = _items(value, len(target.items))
            if items is not None and not any(type(t) is ir.Starred for t in target.items):
                for item, part in zip(target.items, items):
                    self.assign(item, part, f)
            else:
                for item in target.items:
                    self.assign(item, Value(value.taint, value.strs, value.refs) if value.fields else value, f)
        elif kind is ir.Starred:
            self.assign(target.value, value, f)
        elif kind is ir.Attr:
            self.store(target, value, f)
            if f.module.language == "javascript" and _EVENT_PROPERTY.match(target.attr):
                self.calls.scripts.handler_property(target, value, f)  # `button.onclick = () => ...`
        elif kind is ir.Index:
            self.store(target, value, f)

    def store(self, target: ir.Expr, value: Value, f: Frame, weak: bool = False) -> None:
        """Store into `obj.attr` or `obj[index]`: a heap cell when the object has an identity
        (an instance, a class, a module attribute), else into the object itself."""
        obj_expr = target.obj
        obj = self.eval(obj_expr, f)
        if type(target) is ir.Attr:
            name, label = target.attr, f"{_describe(obj_expr)}.{target.attr}"
        else:
            index = self.eval(target.index, f)
            name, label = _const_name(index), f"{_describe(obj_expr)}[...]"
        if value.taint and not weak:
            value = value.with_step(Step(f.module.path, f.line, f"stored in {label}"))
        has_identity = False
        sunk = False  # stored into a library object that keeps it (a file-backed dict): its own finding
        for ref in obj.refs:
            tag = ref[0]
            if tag == "inst" or tag == "class":
                has_identity = True
                site = ref[2] if tag == "inst" else None
                self.program.heap_write(("f", ref[1], site, name or "[]"), value)
                shared = tag == "class" or site[-1] == "module"  # a class, or an object made at import
                if shared and f.kind == "function":
                    self.program.check_global_store(f, label, value)
            elif tag == "lmod":
                has_identity = True
                module = self.program.module_named(ref[1])
                if module is not None and name:
                    self.program.write_global(module, name, value, f, from_function=f.kind == "function")
            elif tag == "mod":
                path = ref[1]
                suffix = (name,) if type(target) is ir.Attr else ("[]",)
                self.calls.check_store(path + suffix, value, f)
                sunk = sunk or bool(self.calls.catalog.sink_stores.match(path + suffix))
                if type(target) is ir.Attr and name in self.calls.catalog.base_url_keywords:
                    self.calls.check_redirect_store(path + suffix, obj, value, f)
                    if not is_singleton(path) and value.strs:  # the client now points there
                        self.store_into(obj_expr, Value(strs=value.strs), f)
                if is_singleton(path):
                    has_identity = True
                    self.program.heap_write(("m", path + ((name,) if name else ("[]",))), value)
            elif tag == "cell":
                has_identity = True
                self.program.heap_write(ref[1], value)
            elif tag == "slicestate":  # `state.apiKey = action.payload` in a reducer
                has_identity = True
                self.calls.stores.write_field(ref[1], name or "[]", value)
            elif tag == "req":
                suffix = (name,) if type(target) is ir.Attr else ("[]",)
                self.calls.check_store(("?request", ref[1]) + suffix, value, f)
        if has_identity:
            return
        if name is not None and type(obj_expr) is ir.Name and not weak:
            whole = self.lookup(obj_expr.id, f).with_field(name, value)
            if self.is_global(obj_expr.id, f):  # a module-level dict filled by a function
                self._fill_global(obj_expr.id, whole, f)
                self.program.check_global_store(f, label, value)
            else:
                self.bind(obj_expr.id, whole, f)
        elif value.taint and sunk and type(obj_expr) is ir.Name and self.is_global(obj_expr.id, f):
            self._fill_global(obj_expr.id, self.lookup(obj_expr.id, f).join(value.taint_only()), f)  # reported once
        elif value.taint:
            self.store_into(obj_expr, value.taint_only(), f)

    def _fill_global(self, name: str, value: Value, f: Frame) -> None:
        """A function filling a module-level container: the global holds more, the binding stays."""
        self.program.write_global(f.module, name, value, f, from_function=False)
        self.program.externally_written.add((f.module.path, name))

    def is_global(self, name: str, f: Frame) -> bool:
        """Whether a function's `name` is a module global (not a local or a closure's)."""
        return f.kind == "function" and name not in f.func.locals and name not in f.nonlocals \
            and self._enclosing_with(name, f) is None

    def store_into(self, expr: ir.Expr, value: Value, f: Frame) -> None:
        """The object `expr` now holds `value` somewhere inside it (weak update)."""
        kind = type(expr)
        if kind is ir.Name:
            self.bind(expr.id, self.lookup(expr.id, f).join(value), f)
        elif kind is ir.Attr or kind is ir.Index:
            self.store(expr, value, f, weak=True)

    # expressions --------------------------------------------------------------------------

    def eval(self, e: ir.Expr, f: Frame) -> Value:
        return self._expr[type(e)](e, f)

    def e_name(self, e: ir.Name, f: Frame) -> Value:
        return self.lookup(e.id, f)

    def e_const(self, e: ir.Const, f: Frame) -> Value:
        if isinstance(e.value, str):
            return text_value(e.value)
        if isinstance(e.value, int) and not isinstance(e.value, bool):
            return text_value(str(e.value))  # also an index: `pair[0]`
        return CLEAN

    def e_attr(self, e: ir.Attr, f: Frame) -> Value:
        return self.calls.attr(self.eval(e.obj, f), e.attr, f)

    def e_index(self, e: ir.Index, f: Frame) -> Value:
        return self.calls.index(self.eval(e.obj, f), self.eval(e.index, f), f)

    def e_slice(self, e: ir.Slice, f: Frame) -> Value:
        obj = self.eval(e.obj, f)
        for bound in e.bounds:
            self.eval(bound, f)
        if not e.masks:
            return obj
        holders = {fact: t for fact, t in obj.taint.items() if fact[1] == HOLDER}
        return Value(holders, frozenset(Text(t.prefix, False, t.origin) for t in obj.strs), obj.refs)

    def e_call(self, e: ir.Call, f: Frame) -> Value:
        return self.calls.call(e, f)

    def e_str(self, e: ir.Str, f: Frame) -> Value:
        taint: dict = {}
        strs: frozenset[Text] | None = None
        for part in e.parts:
            value = self.eval(part, f)
            for fact, trace in value.taint.items():
                if fact[1] == KEY and (fact not in taint or trace.length < taint[fact].length):
                    taint[fact] = trace
            part_strs = value.strs or _UNKNOWN_TEXTS
            strs = part_strs if strs is None else concat_texts(strs, part_strs)
        return Value(taint, strs or frozenset())

    def e_binop(self, e: ir.BinOp, f: Frame) -> Value:
        left = self.eval(e.left, f)
        right = self.eval(e.right, f)
        if e.op == "+":
            strs = concat_texts(left.strs, right.strs or _UNKNOWN_TEXTS) if left.strs else frozenset()
            return Value(left.join(right).taint_only((KEY,)).taint, strs, left.refs)
        if e.op == "%":
            return Value(left.join(right).taint_only((KEY,)).taint, percent_format(left.strs, right))
        if e.op == "*" and (left.strs or right.strs):
            return Value(left.join(right).taint_only((KEY,)).taint)  # "ab" * n: repetition
        return Value(left.join(right).taint, frozenset(), left.refs)

    def e_either(self, e: ir.Either, f: Frame) -> Value:
        return join_all(self.eval(option, f) for option in e.options)

    def e_opaque(self, e: ir.Opaque, f: Frame) -> Value:
        for part in e.parts:
            self.eval(part, f)
        return CLEAN

    def e_seq(self, e: ir.Seq, f: Frame) -> Value:
        """A tuple or list literal: the whole, and each item under "#0", "#1", ..."""
        items = [self.eval(item, f) for item in e.items]
        whole = join_all(Value(v.taint, v.strs, v.refs) for v in items)
        if any(type(item) is ir.Starred for item in e.items):
            return whole
        return Value(whole.taint, whole.strs, whole.refs, {f"#{i}": v for i, v in enumerate(items)}, False)

    def e_dict(self, e: ir.Dict, f: Frame) -> Value:
        whole = CLEAN
        fields: dict[str, Value] = {}
        is_open = False
        for key, value_expr in zip(e.keys, e.values):
            value = self.eval(value_expr, f)
            if key is None:  # {**other}
                is_open = is_open or value.fields is None or value.open
                fields.update(value.fields or {})
                whole = whole.join(Value(value.taint, value.strs, value.refs))
                continue
            key_value = self.eval(key, f)
            name = _const_name(key_value)
            if name is None:
                is_open = True
            else:
                fields[name] = value
            whole = whole.join(key_value.taint_only()).join(Value(value.taint, value.strs, value.refs))
        return Value(whole.taint, whole.strs, whole.refs, fields, is_open)

    def e_starred(self, e: ir.Starred, f: Frame) -> Value:
        return self.eval(e.value, f)

    def e_lambda(self, e: ir.Lambda, f: Frame) -> Value:
        closure = self.program.register_closure(f) if f.kind == "function" else None
        return Value(refs=frozenset({("func", (f.module.path, e.func), None, closure)}))

    def e_comp(self, e: ir.Comp, f: Frame) -> Value:
        for target, iterable in e.loops:
            self.iteration(target, iterable, f)()
        for condition in e.conditions:
            self.eval(condition, f)
        return self.eval(e.element, f)

    def e_walrus(self, e: ir.Walrus, f: Frame) -> Value:
        value = self.eval(e.value, f)
        self.assign(e.target, value, f)
        return value

    def e_element(self, e: ir.Element, f: Frame) -> Value:
        return self.calls.element(e, f)

    def e_class_value(self, e: ir.ClassValue, f: Frame) -> Value:
        return self.program.define_class(f.module, e.cls, f, bind=False)

    def e_yield(self, e: ir.Yield, f: Frame) -> Value:
        if e.value is not None:
            value = self.eval(e.value, f)
            if value.taint and f.func is not None:
                value = value.with_step(Step(f.module.path, f.line, f"yielded by {f.func.name}()"))
            f.returns = f.returns.join(value)
        return CLEAN


_EVENT_PROPERTY = re.compile(r"^on[a-z]{3,}$")


def _state(names: dict[str, Value]) -> dict[str, tuple]:
    return {name: value.fingerprint() for name, value in names.items()}


def _merge(a: dict[str, Value], b: dict[str, Value]) -> dict[str, Value]:
    if a is b:
        return a
    out = dict(a)
    for name, value in b.items():
        mine = out.get(name)
        out[name] = value if mine is None else mine.join(value)
    return out


def _unpacks_item_by_item(target: ir.Expr, value: ir.Expr) -> bool:
    if type(target) is not ir.Seq or type(value) is not ir.Seq:
        return False
    stars = sum(type(t) is ir.Starred for t in target.items)
    if any(type(v) is ir.Starred for v in value.items) or stars > 1:
        return False
    return len(target.items) == len(value.items) if not stars else len(value.items) >= len(target.items) - 1


def _items(value: Value, count: int) -> list[Value] | None:
    """The items of a tuple or list of `count` items, when known (`a, b = f()`)."""
    if value.fields is None or value.open or len(value.fields) != count:
        return None
    items = [value.fields.get(f"#{i}") for i in range(count)]
    return None if None in items else items


def _iteration(iterable: Value) -> Value:
    """What a loop over `iterable` binds: a sequence yields its items, a mapping its keys
    (those built in the code are known; a request's fields are what the user sent)."""
    if iterable.fields is not None and not iterable.open:
        if all(name.startswith("#") for name in iterable.fields):
            return join_all(iterable.fields.values()) if iterable.fields else CLEAN
        return Value(strs=frozenset(Text(name, True) for name in iterable.fields))
    if any(ref[0] == "req" for ref in iterable.refs):
        return Value(strs=frozenset({Text("", False, "user")}))
    return iterable


def _const_name(index: Value) -> str | None:
    texts = [t for t in index.strs if t.complete]
    return texts[0].prefix if len(texts) == 1 and len(index.strs) == 1 else None


def _describe(expr: ir.Expr) -> str:
    if type(expr) is ir.Name:
        return expr.id
    if type(expr) is ir.Attr:
        return f"{_describe(expr.obj)}.{expr.attr}"
    if type(expr) is ir.Index:
        return f"{_describe(expr.obj)}[...]"
    if type(expr) is ir.Call:
        return f"{_describe(expr.func)}()"
    return "an object"
