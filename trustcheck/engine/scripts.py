"""What JavaScript adds to calls: `require()`, promise callbacks, React state, the DOM (an
input's `.value`, its events), JSX elements, and `postMessage`.

A DOM element the code looks up (`getElementById("key")`, `querySelector("#key")`, `$("#key")`)
is an ("dom", name) reference; it holds the key when the markup declares a password or key
field with that id or name, or the name itself says key. An event's `target` is its element.
React's `useState` keeps its value in a heap cell ("state", site) that the setter writes; a
context made by `createContext` keeps in a cell ("context", site) what its `<X.Provider value>`
gives, which `useContext(X)` reads in any component.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import ir
from .args import CallArgs
from .markup import is_key_input
from .reads import USER_TEXT, const_text
from .values import CLEAN, Value, join_all

if TYPE_CHECKING:
    from .calls import CallHandler
    from .interp import Frame
    from .program import Program

DOM_LOOKUPS = {"getElementById", "querySelector", "getElementsByName", "querySelectorAll", "getElementsByClassName"}
JQUERY = {"$", "jQuery"}
KEY_MARKER = "<password field>"
_SELECTOR_ID = re.compile(r"#([\w-]+)")
_SELECTOR_NAME = re.compile(r"""\[name=["']?([\w-]+)""")
_EVENT_ATTRS = re.compile(r"^on[A-Z]")


class Scripts:
    def __init__(self, program: Program, calls: CallHandler):
        self.program = program
        self.calls = calls

    def call(self, func: ir.Expr, method: str, callee: Value, args: CallArgs, f: Frame) -> Value | None:
        """The result of a JavaScript-specific call, or None to treat it as any other call."""
        e = args.expr
        if type(func) is ir.Name and func.id == "require" and args.pos:
            name = const_text(args.pos[0])
            return self.program.require(name, f.module) if name else CLEAN
        if method in ("then", "catch", "finally") and args.recv is not None and _functions(args):
            value = args.recv if method == "then" else CLEAN
            return join_all(self.calls.call_function(r, CallArgs.positional([value], e), f) for r in _functions(args))
        setters = [r for r in callee.refs if r[0] == "setter"]
        if setters:
            for _, site in setters:
                new = args.pos[0] if args.pos else CLEAN
                for ref in (r for r in new.refs if r[0] == "func"):
                    new = new.join(self.calls.call_function(ref, CallArgs.positional([self._state(site)], e), f))
                self.program.heap_write(("state", site), new)
            return CLEAN
        paths = [r[1] for r in callee.refs if r[0] == "mod"]
        if any(p[-1] == "useState" for p in paths):
            return self._use_state(args, f)
        if any(p[-1] == "useMemo" for p in paths) and _functions(args):  # the factory's result
            return join_all(self.calls.call_function(r, CallArgs.positional([], e), f) for r in _functions(args))
        if any(p[-1] == "useCallback" for p in paths) and _functions(args):  # the function itself,
            for ref in _functions(args):  # run also as an entry point, whoever calls it
                self.program.run_entry(ref[1], f, ref[3])
            return args.pos[0]
        if any(p[-1] == "createContext" for p in paths):
            site = (f.module.path, args.expr.line)
            self.program.heap_write(("context", site), args.pos[0] if args.pos else CLEAN)
            return Value(refs=frozenset({("context", site)}))
        contexts = [r[1] for r in (args.pos[0].refs if args.pos else ()) if r[0] == "context"]
        if contexts and any(p[-1] == "useContext" for p in paths):
            return join_all(self.program.heap.get(("context", site), CLEAN) for site in contexts)
        persisted = next((p for p in paths if self.calls.catalog.persisting_stores.match(p)), None)
        if persisted is not None and _functions(args):
            return self._persisted_store(persisted, args, f)
        for path in paths:
            made = self.calls.stores.library_call(path, args, f)
            if made is not None:
                return made
        elements = [r for r in (args.recv.refs if args.recv is not None else ()) if r[0] == "dom"]
        if elements and method in ("addEventListener", "on", "bind"):
            event = Value(refs=frozenset({("event", r[1]) for r in elements}))
            for ref in _functions(args):
                self.calls.call_function(ref, CallArgs.positional([event], e), f)
            return CLEAN
        if elements and method == "val" and not args.pos:
            return self.element_value(elements, f)
        jquery = type(func) is ir.Name and func.id in JQUERY
        if jquery and _functions(args):  # `jQuery(function ($) {...})`: run when the document is
            for ref in _functions(args):  # ready, with jQuery itself
                self.calls.call_function(ref, CallArgs.positional([callee], e), f)
            return CLEAN
        lookup = jquery or any(p[-1] in DOM_LOOKUPS for p in paths)
        if lookup and args.pos:
            return Value(refs=frozenset({("dom", _element_name(args.pos[0]))}))
        return None

    def handler_property(self, target: ir.Attr, handler: Value, f: Frame) -> None:
        """`el.onclick = fn`, `window.onload = fn`: the browser calls fn with an event."""
        functions = [r for r in handler.refs if r[0] == "func"]
        if not functions:
            return
        owner = self.calls.interp.eval(target.obj, f)
        event = Value(refs=frozenset({("event", r[1]) for r in owner.refs if r[0] == "dom"}))
        for ref in functions:
            self.calls.call_function(ref, CallArgs.positional([event], target), f)

    def element_value(self, elements: list[tuple], f: Frame) -> Value:
        """`input.value`: the key when the element is a key field."""
        out = Value(strs=USER_TEXT)
        for _, name in elements:
            if name == KEY_MARKER or name in self.program.key_inputs or self.calls.catalog.is_key_widget(name):
                label = "a key field" if name == KEY_MARKER else f"the field #{name}"
                out = out.join(self.program.source_value(f.module.path, f.line, f"typed into {label}", "user"))
        return out

    def _use_state(self, args: CallArgs, f: Frame) -> Value:
        site = (f.module.path, args.expr.line)
        initial = args.pos[0] if args.pos else CLEAN
        for ref in (r for r in initial.refs if r[0] == "func"):
            initial = self.calls.call_function(ref, CallArgs.positional([], args.expr), f)
        self.program.heap_write(("state", site), initial)
        return Value(refs=frozenset({("state", site)}))

    def _persisted_store(self, path: tuple, args: CallArgs, f: Frame) -> Value:
        """zustand's `persist((set, get) => ({apiKey, setApiKey: (k) => set({apiKey: k})}))`: a
        store (see stores.py) whose every `set` also writes its state to localStorage."""
        storage_set = Value(refs=frozenset({("mod", path + ("()", "set"))}))
        creator = join_all(args.pos[:1])
        return self.calls.stores.zustand((f.module.path, args.expr.line), creator, storage_set, args, f)

    def _state(self, site: tuple) -> Value:
        return self.program.heap.get(("state", site), CLEAN)

    def element(self, e: ir.Element, f: Frame) -> Value:
        """A JSX element: an HTML tag wires its event handlers; a component is called with its
        attributes as props."""
        interp = self.calls.interp
        attrs = [(name, interp.eval(value, f)) for name, value in e.attrs]
        children = [interp.eval(child, f) for child in e.children]
        if not isinstance(e.tag, str):
            component = interp.eval(e.tag, f)
            fields = {name: value for name, value in attrs if name}
            if children:
                fields["children"] = join_all(children)
            props = Value(fields=fields, open=any(name is None for name, _ in attrs))
            result = CLEAN
            for ref in component.refs:
                if ref[0] == "func":
                    result = result.join(self.calls.call_function(ref, CallArgs.positional([props], e), f))
                elif ref[0] == "class":
                    result = result.join(self.calls.instantiate(ref[1], CallArgs.positional([props], e), f))
                elif ref[0] == "provider":  # <KeyContext.Provider value={...}>
                    self.program.heap_write(("context", ref[1]), props.field("value"))
            if _component_key_field({name: const_text(value) or "" for name, value in attrs if name}):
                # its handlers get an event (`e.target.value`) or the text itself (`onValueChange`)
                typed = self.program.source_value(f.module.path, e.line, "typed into a key field", "user")
                self._wire_events(attrs, Value(refs=frozenset({("event", KEY_MARKER)})).join(typed), e, f)
            return result
        constants = {name: const_text(value) or "" for name, value in attrs if name}
        marker = None
        if e.tag in ("input", "textarea"):
            if is_key_input(constants):
                marker = KEY_MARKER if constants.get("type") == "password" else (
                    constants.get("id") or constants.get("name") or KEY_MARKER)
                if constants.get("type") != "password":
                    self.program.report("unmasked-key-input", f, e.line, e.end_line, {}, call=f"<{e.tag}>")
        self._wire_events(attrs, Value(refs=frozenset({("event", marker or e.tag)})), e, f)
        return CLEAN

    def _wire_events(self, attrs: list[tuple], event: Value, e: ir.Element, f: Frame) -> None:
        """Run the element's `on...` handlers with this event."""
        for name, value in attrs:
            if name and _EVENT_ATTRS.match(name):
                for ref in (r for r in value.refs if r[0] == "func"):
                    self.calls.call_function(ref, CallArgs.positional([event], e), f)


def _component_key_field(constants: dict[str, str]) -> bool:
    """A component library's field (`<Input type="password">`, MUI's `<TextField label="API key">`,
    geist's `htmlType="password"`) that asks for a key."""
    attributes = dict(constants)
    if "password" in (constants.get("htmlType"), constants.get("inputType")):
        attributes["type"] = "password"
    if constants.get("label"):
        attributes.setdefault("aria-label", constants["label"])
    return is_key_input(attributes)


def _functions(args: CallArgs) -> list[tuple]:
    return [r for v in args.pos for r in v.refs if r[0] == "func"]


def _element_name(selector: Value) -> str:
    text = const_text(selector) or ""
    if "password" in text:
        return KEY_MARKER
    found = _SELECTOR_ID.search(text) or _SELECTOR_NAME.search(text)
    return found.group(1) if found else text
