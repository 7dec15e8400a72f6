"""The whole program: its modules, how imports resolve, the shared heap, and the fixpoint.

`Program.analyze()` runs every module's top level, then every entry point (a route handler, a
function nothing in the app calls) with the values the outside world gives it. What any code
stores in the heap (module globals, object fields, library module attributes) is seen by all
readers in the next round; rounds repeat until the heap stops growing.
"""
from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass, field

from ..rules import load_rules
from . import ir
from .calls import MAX_DEPTH, CallHandler
from .catalog import LanguageCatalog, language_catalog
from .context import module_contexts, session_scripts
from .entries import entry_points, run_entry
from .heap import Heap
from .interp import Frame, Interpreter
from .modules import ModuleIndex, package_path
from .values import CLEAN, HOLDER, KEY, Source, Step, Text, Trace, Value, join_all

MAX_ROUNDS = 4
MAX_CONTEXTS = 8  # distinct argument kinds analyzed per function before clean calls are summarized


class AnalysisBudgetExceeded(Exception):
    """The analysis ran out of its time budget."""


@dataclass
class RawFinding:
    """A rule that fired at a place, with every source that reached it."""
    rule: str
    file: str
    line: int
    end_line: int
    context: str
    call: str = ""
    host: str = ""
    facts: dict = field(default_factory=dict)  # (source id, kind) -> Trace


@dataclass
class ClassInfo:
    app_bases: list[tuple] = field(default_factory=list)
    external_bases: list[tuple] = field(default_factory=list)


class Program:
    def __init__(self, modules: list[ir.Module], deadline: float | None = None,
                 extension_dirs: tuple[str, ...] = (), servers: frozenset[str] = frozenset()):
        self.language = "python"  # the language of the code being run: which catalogue applies
        self.rules = load_rules()
        self.modules = {m.path: m for m in modules}
        self.deadline = deadline
        self._ticks = 0
        self.index = ModuleIndex(self.modules)
        self.import_edges = self.index.import_edges
        self.contexts = module_contexts(self.modules, self.import_edges, extension_dirs, servers)
        self.session_scripts = session_scripts(self.modules)
        self.script_globals = _script_globals(self.modules, self.contexts)
        self.imported = {imp for m in modules for imp in m.imports}
        self.names_used = frozenset().union(*(m.names_used for m in modules)) if modules else frozenset()
        self.interp = Interpreter(self)
        self.calls = CallHandler(self, self.interp)
        self.interp.calls = self.calls
        self.heap = Heap()
        self.module_reads: dict[str, dict[tuple, int]] = {}  # what each module's top level read
        self.sources: list[Source] = []
        self._source_ids: dict[tuple, int] = {}
        self.findings: dict[tuple, RawFinding] = {}
        self.expected: dict[tuple, str] = {}
        self.request_key_channels: set[tuple[str, str]] = set()  # (language, channel) keys are read from
        self.externally_written: set[tuple[str, str]] = set()
        self.key_inputs = frozenset(name for m in modules for name in m.key_inputs)
        self.memo: dict[tuple, tuple[Value, Value, dict[tuple, int]]] = {}
        self.summaries: dict[tuple, tuple[int, Value]] = {}  # function -> (clean contexts seen, returns)
        self.active: set[tuple] = set()
        self.called: set[tuple] = set()  # functions the program itself calls: not entry points
        self.done: set[str] = set()
        self.running: set[str] = set()
        self.closures: dict[int, Frame] = {}
        self.class_info: dict[tuple, ClassInfo] = {}
        self.frames: dict[str, Frame] = {}
        self._enclosing_writers: dict[tuple, bool] = {}
        for module in modules:
            for rule, line, end_line, host in module.markup_findings:
                self.report_in(module.path, rule, line, end_line, {}, call="the page", host=host)

    @property
    def catalog(self) -> LanguageCatalog:
        return language_catalog(self.language)

    # modules and imports ----------------------------------------------------------------

    def resolve(self, name: str, from_path: str) -> str | None:
        return self.index.resolve(name, from_path)

    def resolve_from(self, module: str, level: int, from_path: str) -> str | None:
        return self.index.resolve_from(module, level, from_path)

    def module_named(self, path: str) -> ir.Module | None:
        return self.modules.get(path) or self.modules.get(path + "__init__.py")

    def run_module(self, path: str) -> None:
        if path.endswith("/"):
            path += "__init__.py"
        module = self.modules.get(path)
        if module is None or path in self.done or path in self.running:
            return
        self.running.add(path)
        frame = Frame(self, module, "module")
        self.frames[path] = frame
        outer, self.language = self.language, module.language
        try:
            with self.heap.track() as reads:
                self.interp.run(module.body, frame)
            self.module_reads[path] = reads
        finally:
            self.language = outer
            self.running.discard(path)
            self.done.add(path)

    def _module_value(self, path: str, run: bool) -> Value:
        if run:
            self.run_module(path)
        return Value(refs=frozenset({("lmod", path)}))

    def import_module(self, name: str, importer: ir.Module, run: bool = True) -> Value:
        path = self.resolve(name, importer.path)
        if path is not None:
            return self._module_value(path, run)
        if importer.language == "javascript":
            return self.library(package_path(name))
        return self.library(tuple(name.split(".")))

    def require(self, name: str, importer: ir.Module) -> Value:
        """JavaScript's `require("x")` / `import("x")`: what the module exports."""
        path = self.resolve(name, importer.path)
        if path is None:
            return self.library(package_path(name))
        self.run_module(path)
        exported = self.heap.get(("g", path, "default"), None)
        return exported if exported is not None else Value(refs=frozenset({("lmod", path)}))

    def library(self, path: tuple[str, ...]) -> Value:
        """A library API path; a request proxy (flask.request) is marked as one."""
        refs = {("mod", path)}
        if self.catalog.request_objects.match(path):
            refs.add(("req", "any"))
        return Value(refs=frozenset(refs))

    def import_name(self, module: str, level: int, name: str, importer: ir.Module) -> Value:
        path = self.resolve_from(module, level, importer.path)
        if path is None and importer.language == "javascript":
            base = package_path(module)
            return self.library(base if name == "default" else base + (name,))
        if path is not None and importer.language == "javascript" and name == "default":
            return self.require(module, importer)
        if path is None:
            if level:
                return Value(refs=frozenset({("mod", ("?" + name.lower(),))}))
            return self.library(tuple(module.split(".")) + (name,))
        return self.module_attr(path, name)

    def module_attr(self, path: str, name: str) -> Value:
        folder = path[:-1] if path.endswith("/") else (posixpath.dirname(path) if path.endswith("__init__.py") else None)
        if folder is not None:
            sub = posixpath.join(folder, name)
            for candidate in (sub + ".py", sub + "/__init__.py"):
                if candidate in self.modules:
                    return self._module_value(candidate, True)
            if sub in self.index.packages:
                return Value(refs=frozenset({("lmod", sub + "/")}))
            path = folder + "/__init__.py"
        self.run_module(path)
        value = self.heap.get(("g", path, name), None)
        if value is None:
            return Value(refs=frozenset({("mod", ("?" + name.lower(),))}))
        return value

    def star_import(self, module: str, level: int, importer: ir.Module) -> list[tuple[str, Value]]:
        path = self.resolve_from(module, level, importer.path)
        if path is None:
            return []
        if path.endswith("/"):
            path += "__init__.py"
        self.run_module(path)
        return [(name, value) for name, value in self.heap.globals_of(path) if not name.startswith("_")]

    # the heap ---------------------------------------------------------------------------

    def heap_write(self, cell: tuple, value: Value) -> None:
        self.heap.write(cell, value)

    def heap_subtree(self, cell: tuple) -> Value:
        return self.heap.subtree(cell)

    def instance_fields(self, ref: tuple) -> Value:
        """Everything an instance ("inst", class, site) holds, as `vars(obj)` shows it."""
        ckey = ref[1]
        return self.heap.fields(ckey, ref[2], frozenset(self.modules[ckey[0]].classes[ckey[1]].masked))

    def objects_fields(self, value: Value) -> Value:
        """The fields of the app's objects a value refers to (what `obj.save()` writes)."""
        return join_all(self.instance_fields(r) for r in value.refs if r[0] == "inst")

    def declared_fields(self, ckey: tuple) -> list[str]:
        """The fields a data class declares, in order (`api_key: str`)."""
        cls = self.modules[ckey[0]].classes[ckey[1]]
        return [s.targets[0].id for s in cls.body
                if type(s) is ir.Assign and len(s.targets) == 1 and type(s.targets[0]) is ir.Name]

    def read_global(self, module: ir.Module, name: str) -> Value | None:
        value = self.heap.get(("g", module.path, name), None)
        frame = self.frames.get(module.path)
        if frame is not None and name in frame.locals and (module.path, name) not in self.externally_written:
            return frame.locals[name] if value is None else value
        return value

    def script_global(self, module: ir.Module, name: str) -> Value | None:
        """A name declared at the top level of another classic script of the app's pages
        (`<script src="transport.js">` then `<script src="page.js">` calling its functions)."""
        paths = self.script_globals.get(name)
        if not paths or self.contexts.get(module.path) != "browser":
            return None
        found = None
        for path in paths:
            if path != module.path:
                self.run_module(path)
                value = self.heap.get(("g", path, name), None)
                if value is not None:
                    found = value if found is None else found.join(value)
        return found

    def write_global(self, module: ir.Module, name: str, value: Value, f: Frame, from_function: bool) -> None:
        self.heap_write(("g", module.path, name), value)
        if from_function:
            self.externally_written.add((module.path, name))
            self.check_global_store(f, name, value)

    def check_global_store(self, f: Frame, label: str, value: Value) -> None:
        """A key kept in a module global or class attribute by a function of a server app
        outlives the request and is shared by every user of the process."""
        if self.contexts.get(f.module.path) != "server" or f.module.path in self.session_scripts:
            return
        facts = {fact: t for fact, t in value.taint.items() if fact[1] in (KEY, HOLDER)}
        if facts:
            self.report("key-in-process-global", f, f.line, f.line, facts, call=f"the global {label}")

    # classes and functions --------------------------------------------------------------

    def define_class(self, module: ir.Module, index: int, f: Frame, bind: bool = True) -> Value:
        cls = module.classes[index]
        ckey = (module.path, index)
        info = ClassInfo()
        for base in cls.bases:
            value = self.interp.eval(base, f)
            for ref in value.refs:
                if ref[0] == "class":
                    info.app_bases.append(ref[1])
                elif ref[0] == "mod":
                    info.external_bases.append(ref[1])
        self.class_info[ckey] = info
        frame = Frame(self, module, "class", cls=ckey, closure=f, depth=f.depth)
        self.interp.run(cls.body, frame)
        value = Value(refs=frozenset({("class", ckey)}))
        if bind:
            self.interp.bind(cls.name, value, f)
        return value

    def class_ancestors(self, ckey: tuple) -> list[tuple]:
        order, pending = [], [ckey]
        while pending:
            current = pending.pop(0)
            if current in order:
                continue
            order.append(current)
            info = self.class_info.get(current)
            if info is not None:
                pending.extend(info.app_bases)
        return order

    def external_bases(self, ckey: tuple) -> list[tuple]:
        return [base for owner in self.class_ancestors(ckey)
                for base in (self.class_info[owner].external_bases if owner in self.class_info else ())]

    def find_method(self, ckey: tuple, name: str, inherited: bool = True) -> tuple | None:
        for owner in (self.class_ancestors(ckey) if inherited else [ckey]):
            path, index = owner
            method = self.modules[path].classes[index].methods.get(name)
            if method is not None:
                return (path, method)
        return None

    def callables(self, value: Value) -> list[tuple]:
        """The functions calling `value` runs: its functions, and the `__call__` of its objects."""
        found = [r for r in value.refs if r[0] == "func"]
        for ref in value.refs:
            if ref[0] == "inst":
                method = self.find_method(ref[1], "__call__")
                if method is not None:
                    found.append(("func", method, ref, None))
        return found

    def function(self, fkey: tuple) -> tuple[ir.Module, ir.Function]:
        module = self.modules[fkey[0]]
        return module, module.functions[fkey[1]]

    def _closure_key(self, fkey: tuple, closure_id: int | None):
        """What a nested function's analysis depends on in its enclosing frames: the values of
        their variables, so that a callback created anew by each run of its parent is analyzed
        once per distinct state, not once per run. A function that assigns an enclosing
        frame's variable must run in each frame it is given."""
        frame = self.closures.get(closure_id) if closure_id else None
        if frame is None or self._writes_enclosing(fkey):
            return closure_id
        parts = []
        while frame is not None and frame.kind == "function":
            parts.append((frame.func_key, frame.instance,
                          frozenset((name, value.fingerprint()) for name, value in frame.locals.items())))
            frame = frame.closure
        return tuple(parts)

    def _writes_enclosing(self, fkey: tuple) -> bool:
        found = self._enclosing_writers.get(fkey)
        if found is None:
            module, func = self.function(fkey)
            found = self._enclosing_writers[fkey] = _assigns_outside(module, func, func.locals)
        return found

    def register_closure(self, frame: Frame) -> int:
        self.closures[id(frame)] = frame
        return id(frame)

    def default_value(self, module: ir.Module, expr: ir.Expr) -> Value:
        return self.interp.eval(expr, Frame(self, module, "module"))

    def run_function(self, fkey: tuple, values: dict[str, Value], instance: tuple | None,
                     closure_id: int | None, caller: Frame, line: int = 0) -> Value:
        """Run a function with these parameter values. Results are remembered per distinct
        kind of argument (and closure); when a key is passed, also per call site, so that each
        caller's trace is its own. A function already running with the same arguments (direct
        or mutual recursion, nested functions included) contributes nothing more."""
        module, func = self.function(fkey)
        tainted = any(v.taint for v in values.values())
        shape = tuple(v.fingerprint() for v in values.values())
        running = (fkey, instance, self._closure_key(fkey, closure_id), shape)
        key = running + ((caller.module.path, line) if tainted else None,)
        cached = self.memo.get(key)
        if cached is not None:
            caller.raised = caller.raised.join(cached[1])
            self.heap.depends_on(cached[2])
            return cached[0]
        if running in self.active:
            return CLEAN
        seen = self.summaries.get((fkey, instance))
        if not tainted and seen is not None and seen[0] >= (MAX_CONTEXTS if not seen[1].taint else 4 * MAX_CONTEXTS):
            return seen[1]  # called with many kinds of clean arguments: what they returned (a getter
            # whose summary holds the key, `setting("OPENAI_API_KEY")`, runs longer per name first)
        if caller.depth >= MAX_DEPTH:
            return join_all(v.taint_only((KEY,)) for v in values.values())
        self.called.add(fkey)
        cls = (fkey[0], func.cls) if func.cls is not None else None
        outer = self.closures.get(closure_id) if closure_id else self.frames.get(module.path)
        frame = Frame(self, module, "function", func, fkey, cls, outer, caller.depth + 1)
        frame.locals = dict(values)
        frame.instance = instance
        self.active.add(running)
        outer_language, self.language = self.language, module.language
        try:
            with self.heap.track() as reads:
                self.interp.run(func.body, frame)
        finally:
            self.language = outer_language
            self.active.discard(running)
        self.memo[key] = (frame.returns, frame.raised, reads)
        if not tainted:
            count, joined = self.summaries.get((fkey, instance), (0, CLEAN))
            self.summaries[(fkey, instance)] = (count + 1, joined.join(frame.returns))
        caller.raised = caller.raised.join(frame.raised)
        return frame.returns

    # entry points -----------------------------------------------------------------------

    def run_entry(self, fkey: tuple, caller: Frame | None = None, closure: int | None = None,
                  registered: bool = False) -> None:
        """Run a function the way the outside world calls it (see entries.py)."""
        run_entry(self, fkey, caller, closure, registered)

    # sources, findings, expected uses -----------------------------------------------------

    def source_value(self, file: str, line: int, label: str, origin: str,
                     strs: frozenset = frozenset({Text("", False, "user")})) -> Value:
        ident = (file, line, label, origin)
        sid = self._source_ids.get(ident)
        if sid is None:
            sid = len(self.sources)
            self._source_ids[ident] = sid
            self.sources.append(Source(sid, file, line, label, origin))
        trace = Trace(Step(file, line, f"key entered: {label}"))
        return Value({(sid, KEY): trace}, strs)

    def step(self, f: Frame, line: int, note: str) -> Step:
        return Step(f.module.path, line, note)

    def report(self, rule: str, f: Frame, line: int, end_line: int, facts: dict, call: str = "",
               host: str = "") -> None:
        self.report_in(f.module.path, rule, line, end_line, facts, call, host)

    def report_in(self, path: str, rule: str, line: int, end_line: int, facts: dict, call: str = "",
                  host: str = "") -> None:
        key = (rule, path, line)
        found = self.findings.get(key)
        if found is None:
            found = self.findings[key] = RawFinding(rule, path, line, max(line, end_line),
                                                    self.contexts.get(path, "server"), call, host)
        for fact, trace in facts.items():
            mine = found.facts.get(fact)
            if mine is None or trace.length < mine.length:
                found.facts[fact] = trace

    def expected_use(self, f: Frame, line: int, message: str) -> None:
        self.expected.setdefault((f.module.path, line), message)

    def imports_allow(self, spec) -> bool:
        def imported(names) -> bool:
            return any(i == n or i.startswith(n + ".") for i in self.imported for n in names)
        if spec.imports and not imported(spec.imports):
            return False
        return not (spec.unless_imports and imported(spec.unless_imports))

    def tick(self) -> None:
        self._ticks += 1
        if self.deadline is not None and self._ticks % 256 == 0 and time.monotonic() > self.deadline:
            raise AnalysisBudgetExceeded()

    # the fixpoint -----------------------------------------------------------------------

    def analyze(self) -> None:
        """Rounds until the heap stops changing; after the first, only the modules and
        remembered analyses that read a changed cell run again."""
        stale = set(self.modules)
        entries: list[tuple] | None = None
        for _ in range(MAX_ROUNDS):
            self.heap.changed = False
            self.summaries = {}
            self.done -= stale
            for path in sorted(stale):
                self.run_module(path)
            if entries is None:  # what the program itself calls is not an entry point
                entries = [fkey for fkey in entry_points(self) if fkey not in self.called or _is_action(self, fkey)]
            for fkey in entries:
                self.run_entry(fkey)
            if not self.heap.changed:
                break
            heap = self.heap
            self.memo = {key: value for key, value in self.memo.items() if not heap.is_stale(value[2])}
            stale = {path for path, reads in self.module_reads.items() if heap.is_stale(reads)}


def _assigns_outside(module: ir.Module, func: ir.Function, bound: frozenset[str]) -> bool:
    """Whether `func` (or a function nested in it) assigns a variable bound outside it."""
    for stmt in ir.statements(func.body):
        kind = type(stmt)
        if kind is ir.Scope:
            return True
        if kind is ir.Def:
            nested = module.functions[stmt.func]
            if _assigns_outside(module, nested, bound | nested.locals):
                return True
            continue
        targets = stmt.targets if kind is ir.Assign else (stmt.target,) if kind is ir.AugAssign else ()
        for target in targets:
            names = target.items if type(target) is ir.Seq else (target,)
            if any(type(n) is ir.Name and n.id not in bound for n in names):
                return True
    return False


def _script_globals(modules: dict[str, ir.Module], contexts: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Name -> the classic browser scripts that declare it at their top level."""
    found: dict[str, list[str]] = {}
    for path, module in modules.items():
        if not module.classic_script or contexts.get(path) != "browser":
            continue
        names = set()
        for stmt in module.body:
            kind = type(stmt)
            if kind is ir.Def:
                names.add(module.functions[stmt.func].name)
            elif kind is ir.ClassDef:
                names.add(module.classes[stmt.cls].name)
            elif kind is ir.Assign:
                names.update(t.id for t in stmt.targets if type(t) is ir.Name)
        for name in names:
            found.setdefault(name, []).append(path)
    return {name: tuple(paths) for name, paths in found.items()}


def _is_action(program: Program, fkey: tuple) -> bool:
    """A server action is an entry point even when the browser code that calls it is analyzed."""
    return "use server" in program.modules[fkey[0]].directives
