"""A small intermediate representation of a program, shared by the language front ends.

The front ends (one per language) walk an ast-grep tree once and build these plain objects;
the interpreter never sees a syntax tree. Everything here pickles, so worker processes can
parse files and hand the result back to the process that analyzes the whole program.
Lines are 1-based lines of the analyzed text (see `Module.line_map` for notebooks).
"""
from __future__ import annotations

from dataclasses import dataclass, field


class Expr:
    __slots__ = ()


@dataclass(slots=True)
class Name(Expr):
    id: str


@dataclass(slots=True)
class Const(Expr):
    """A literal. `value` is a str for strings, else an int/float/bool/None."""
    value: object


@dataclass(slots=True)
class Attr(Expr):
    obj: Expr
    attr: str


@dataclass(slots=True)
class Index(Expr):
    obj: Expr
    index: Expr


@dataclass(slots=True)
class Slice(Expr):
    """`x[a:b]`. `masks` says the slice keeps only a few characters of one end (`key[:4]`,
    `key[-4:]`): a masked key is not the key any more; `auth[7:]` still is."""
    obj: Expr
    bounds: tuple[Expr, ...]
    masks: bool


@dataclass(slots=True)
class Call(Expr):
    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str | None, Expr], ...]  # name None: a `**mapping`
    line: int
    end_line: int
    constructs: bool = False  # JavaScript's `new X(...)`


@dataclass(slots=True)
class Str(Expr):
    """A string built from parts: f-strings, template literals, implicit concatenation."""
    parts: tuple[Expr, ...]


@dataclass(slots=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(slots=True)
class Either(Expr):
    """A value that is one of several (`a or b`, `x if c else y`, `a ?? b`)."""
    options: tuple[Expr, ...]


@dataclass(slots=True)
class Opaque(Expr):
    """An expression whose value says nothing about the key (comparisons, `not`, arithmetic
    on numbers): its parts are still evaluated for what they do."""
    parts: tuple[Expr, ...]


@dataclass(slots=True)
class Seq(Expr):
    """A list, tuple or set literal."""
    items: tuple[Expr, ...]


@dataclass(slots=True)
class Dict(Expr):
    keys: tuple[Expr | None, ...]  # None: a `**spread`
    values: tuple[Expr, ...]


@dataclass(slots=True)
class Starred(Expr):
    value: Expr


@dataclass(slots=True)
class Lambda(Expr):
    func: int  # index into Module.functions


@dataclass(slots=True)
class Comp(Expr):
    """A comprehension: `element` evaluated with each `(target, iterable)` bound in turn."""
    element: Expr
    loops: tuple[tuple[Expr, Expr], ...]
    conditions: tuple[Expr, ...]


@dataclass(slots=True)
class Walrus(Expr):
    target: Expr
    value: Expr


@dataclass(slots=True)
class Yield(Expr):
    """`yield x`: what a generator hands to its caller, like a return value."""
    value: Expr | None


@dataclass(slots=True)
class ClassValue(Expr):
    """A class used as a value (JavaScript's `const A = class {...}`)."""
    cls: int


@dataclass(slots=True)
class Element(Expr):
    """A JSX element: an HTML tag (`tag` a str) or a component (`tag` an expression called with
    its attributes as props). `attrs` name None is a `{...spread}`."""
    tag: object
    attrs: tuple[tuple[str | None, Expr], ...]
    children: tuple[Expr, ...]
    line: int
    end_line: int


class Stmt:
    __slots__ = ()


@dataclass(slots=True)
class Assign(Stmt):
    targets: tuple[Expr, ...]
    value: Expr
    line: int


@dataclass(slots=True)
class AugAssign(Stmt):
    target: Expr
    op: str
    value: Expr
    line: int


@dataclass(slots=True)
class ExprStmt(Stmt):
    expr: Expr
    line: int


@dataclass(slots=True)
class Return(Stmt):
    value: Expr | None
    line: int


@dataclass(slots=True)
class Raise(Stmt):
    value: Expr | None
    line: int
    end_line: int


@dataclass(slots=True)
class If(Stmt):
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]


@dataclass(slots=True)
class Loop(Stmt):
    """`for target in iterable` (target None for `while test`, whose test is `iterable`)."""
    target: Expr | None
    iterable: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    line: int


@dataclass(slots=True)
class With(Stmt):
    items: tuple[tuple[Expr, Expr | None], ...]
    body: tuple[Stmt, ...]
    line: int


@dataclass(slots=True)
class Try(Stmt):
    body: tuple[Stmt, ...]
    handlers: tuple[tuple[str | None, tuple[Stmt, ...]], ...]  # (bound name, body)
    orelse: tuple[Stmt, ...]
    final: tuple[Stmt, ...]


@dataclass(slots=True)
class Def(Stmt):
    func: int


@dataclass(slots=True)
class ClassDef(Stmt):
    cls: int


@dataclass(slots=True)
class Import(Stmt):
    """`import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`."""
    module: str
    alias: str | None
    line: int


@dataclass(slots=True)
class ImportFrom(Stmt):
    module: str
    level: int  # leading dots of a relative import
    names: tuple[tuple[str, str], ...]  # (name, bound as); ("*", "*") for a star import
    line: int


@dataclass(slots=True)
class Scope(Stmt):
    """`global` / `nonlocal` declarations."""
    kind: str
    names: tuple[str, ...]


@dataclass(slots=True)
class Param:
    name: str
    default: Expr | None = None
    kind: str = "normal"  # normal | varargs | kwargs | kwonly
    annotation: str = ""


@dataclass(slots=True)
class Function:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    decorators: tuple[Expr, ...]
    line: int
    end_line: int
    is_async: bool = False
    cls: int | None = None  # the class whose method this is
    parent: int | None = None  # the enclosing function of a nested function
    returns_expr: bool = False  # a lambda / arrow function whose body is an expression
    locals: frozenset[str] = frozenset()  # names bound in the body (params included)

    def decorated_with(self, name: str) -> bool:
        """Whether a decorator named `name` (`@name`, `@x.name`, `@name(...)`) applies."""
        for decorator in self.decorators:
            target = decorator.func if type(decorator) is Call else decorator
            if (type(target) is Name and target.id == name) or (type(target) is Attr and target.attr == name):
                return True
        return False


@dataclass(slots=True)
class Class:
    name: str
    bases: tuple[Expr, ...]
    body: tuple[Stmt, ...]
    decorators: tuple[Expr, ...]
    methods: dict[str, int]
    line: int
    parent: int | None = None
    masked: tuple[str, ...] = ()  # fields that print masked (pydantic's SecretStr)


@dataclass(slots=True)
class Module:
    path: str  # relative to the scanned root, with forward slashes
    language: str
    body: tuple[Stmt, ...]
    functions: list[Function] = field(default_factory=list)
    classes: list[Class] = field(default_factory=list)
    imports: tuple[str, ...] = ()  # every imported module name, for the app-type detection
    names_used: frozenset[str] = frozenset()  # every name read (not defined) in the module
    line_map: tuple[tuple[int, int, int], ...] | None = None  # per line: (file line, cell, cell line)
    error_count: int = 0  # parse errors seen (ERROR or missing nodes)
    directives: tuple[str, ...] = ()  # JavaScript: "use client", "use server"
    classic_script: bool = False  # JavaScript with no import or export: in a page, its top-level
    # names are globals that the page's other scripts use
    key_inputs: tuple[str, ...] = ()  # ids and names of password or key inputs declared in markup
    key_bindings: tuple[str, ...] = ()  # script variables bound to such inputs (Vue v-model, Svelte bind:)
    markup_findings: tuple[tuple[str, int, int, str], ...] = ()  # (rule, line, end line, host or call)


def statements(body: tuple[Stmt, ...]):
    """Every statement of a block, those of nested blocks included (not the bodies of the
    functions and classes it defines)."""
    pending = list(body)
    while pending:
        stmt = pending.pop()
        yield stmt
        for name in ("body", "orelse", "final"):
            pending.extend(getattr(stmt, name, ()) or ())
        if type(stmt) is Try:
            for _, handler in stmt.handlers:
                pending.extend(handler)
