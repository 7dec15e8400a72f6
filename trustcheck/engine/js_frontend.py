"""JavaScript / TypeScript / TSX source -> IR, in one walk over the ast-grep tree.

JavaScript maps onto the same IR as Python: `this` is a method's first parameter, a class's
constructor is `__init__`, `export default x` binds the global `default`, destructuring becomes
reads of a temporary, function declarations are hoisted, TypeScript's type wrappers vanish.
JSX elements become `ir.Element`s. `range()` is called only on calls and statements.
"""
from __future__ import annotations

from ast_grep_py import SgNode

from . import ir
from .syntax import line_of, parse, span_of

_TRANSPARENT = {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
                "type_assertion", "await_expression", "spread_element"}
_FUNCTIONS = {"function_declaration", "generator_function_declaration", "function_expression",
              "generator_function", "arrow_function", "function"}
_DECLARATIONS = {"lexical_declaration", "variable_declaration"}
_SKIP = {"comment", "empty_statement", "break_statement", "continue_statement", "debugger_statement",
         "type_alias_declaration", "interface_declaration", "enum_declaration", "ambient_declaration",
         "abstract_class_declaration", "module", "internal_module", "import_alias", "hash_bang_line"}
_MASKING = {"slice", "substring", "substr"}
SMALL = {str(n) for n in range(0, 13)}


def parse_javascript(text: str, path: str, language: str) -> ir.Module:
    root, has_error = parse(text, language)
    module = _Builder(path).module(root)
    if not module.error_count and has_error:
        module.error_count = 1  # an error inside a part of the tree the builder does not walk
    return module


def _string_value(node: SgNode) -> str:
    return "".join(c.text() for c in node.named_children() if c.kind() in ("string_fragment", "escape_sequence"))


class _Builder:
    def __init__(self, path: str):
        self.path = path
        self.functions: list[ir.Function] = []
        self.classes: list[ir.Class] = []
        self.imports: set[str] = set()
        self.names_used: set[str] = set()
        self.directives: list[str] = []
        self.key_inputs: list[str] = []  # ids and names of JSX password inputs
        self.exports = False
        self.errors = 0
        self.bound: list[set[str]] = [set()]
        self.func_stack: list[int | None] = [None]
        self.class_stack: list[int | None] = [None]
        self.temps = 0

    def module(self, root: SgNode) -> ir.Module:
        body = self.block(root, top=True)
        return ir.Module(path=self.path, language="javascript", body=body, functions=self.functions,
                         classes=self.classes, imports=tuple(sorted(self.imports)),
                         names_used=frozenset(self.names_used), error_count=self.errors,
                         directives=tuple(self.directives), key_inputs=tuple(self.key_inputs),
                         classic_script=not self.imports and not self.exports)

    def temp(self) -> str:
        self.temps += 1
        name = f"$tmp{self.temps}"
        self.bind(name)
        return name

    def bind(self, name: str) -> None:
        self.bound[-1].add(name)

    # statements -------------------------------------------------------------------------

    def block(self, node: SgNode | None, top: bool = False) -> tuple[ir.Stmt, ...]:
        """A block's statements, function declarations first (JavaScript hoists them)."""
        if node is None:
            return ()
        children = node.named_children() if node.kind() in ("statement_block", "program", "switch_body") \
            else [node]
        if top:
            self._directives(children)
        hoisted: list[ir.Stmt] = []
        rest: list[ir.Stmt] = []
        for child in children:
            hoist = child.kind() in ("function_declaration", "generator_function_declaration")
            (hoisted if hoist else rest).extend(self.stmt(child))
        return tuple(hoisted + rest)

    def _directives(self, children: list[SgNode]) -> None:
        """`"use client"` / `"use server"`: string statements at the top of a module."""
        for child in children:
            if child.kind() == "comment":
                continue
            inner = child.named_children() if child.kind() == "expression_statement" else []
            if len(inner) != 1 or inner[0].kind() != "string":
                return
            self.directives.append(_string_value(inner[0]))

    def stmt(self, node: SgNode) -> list[ir.Stmt]:
        kind = node.kind()
        handler = _STATEMENTS.get(kind)
        if handler is not None:
            return handler(self, node)
        if kind in _SKIP:
            return []
        if kind in _DECLARATIONS:
            return self.declaration(node)
        if kind == "ERROR":
            self.errors += 1
            out: list[ir.Stmt] = []
            for child in node.named_children():
                out.extend(self.stmt(child))
            return out
        if kind == "statement_block":
            return list(self.block(node))
        return [ir.ExprStmt(self.expr(node), line_of(node))]

    def expression_statement(self, node: SgNode) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for child in node.named_children():
            kind = child.kind()
            if kind == "assignment_expression":
                out.extend(self.assignment(child))
            elif kind == "augmented_assignment_expression":
                op = child.field("operator")
                out.append(ir.AugAssign(self.target(child.field("left")), op.text() if op else "+=",
                                        self.expr(child.field("right")), line_of(child)))
            elif kind == "sequence_expression":
                out.extend(ir.ExprStmt(self.expr(c), line_of(c)) for c in child.named_children())
            else:
                out.append(ir.ExprStmt(self.expr(child), line_of(child)))
        return out

    def assignment(self, node: SgNode) -> list[ir.Stmt]:
        left, right = node.field("left"), node.field("right")
        line = line_of(node)
        value = self.expr(right)
        exported = self._export_target(left)
        if exported is not None:  # module.exports = x, exports.name = x
            self.exports = True
            return [ir.Assign((ir.Name(exported),), value, line)]
        return self.bind_pattern(left, value, line, declare=False)

    def _export_target(self, left: SgNode | None) -> str | None:
        if left is None or left.kind() != "member_expression":
            return None
        text = left.text().replace(" ", "")
        if text == "module.exports":
            return "default"
        for prefix in ("module.exports.", "exports."):
            if text.startswith(prefix) and text[len(prefix):].isidentifier():
                return text[len(prefix):]
        return None

    def declaration(self, node: SgNode) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for declarator in node.named_children():
            if declarator.kind() != "variable_declarator":
                continue
            value_node = declarator.field("value")
            if value_node is None:
                name = declarator.field("name")
                if name is not None and name.kind() == "identifier":
                    self.bind(name.text())
                continue
            name = declarator.field("name")
            if value_node.kind() in _FUNCTIONS and value_node.field("name") is None \
                    and name is not None and name.kind() == "identifier":
                value = ir.Lambda(self.function(name.text(), value_node))  # `const send = () => ...`
            else:
                value = self.expr(value_node)
            out.extend(self.bind_pattern(name, value, line_of(declarator)))
        return out

    def bind_pattern(self, pattern: SgNode | None, value: ir.Expr, line: int, declare: bool = True) -> list[ir.Stmt]:
        """`x = v`, `{a, b: c, ...rest} = v`, `[a, , b] = v`: reads of one temporary. Only a
        declaration (`let`, `const`, a parameter) makes a name local: `client = v` inside a
        function assigns the module's `client`."""
        if pattern is None:
            return [ir.ExprStmt(value, line)]
        kind = pattern.kind()
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            if declare:
                self.bind(pattern.text())
            return [ir.Assign((ir.Name(pattern.text()),), value, line)]
        if kind in ("object_pattern", "array_pattern"):
            temp = self.temp()
            out: list[ir.Stmt] = [ir.Assign((ir.Name(temp),), value, line)]
            source = ir.Name(temp)
            index = 0
            for part in pattern.named_children():
                out.extend(self._pattern_part(part, source, index, line, kind == "array_pattern", declare))
                index += 1
            return out
        if kind == "assignment_pattern":  # a default: `x = 1`
            return self.bind_pattern(pattern.field("left"), ir.Either((value, self.expr(pattern.field("right")))),
                                     line, declare)
        return [ir.Assign((self.target(pattern),), value, line)]

    def _pattern_part(self, part: SgNode, source: ir.Expr, index: int, line: int, array: bool,
                      declare: bool) -> list[ir.Stmt]:
        kind = part.kind()
        if kind == "rest_pattern":
            inner = part.named_children()
            return self.bind_pattern(inner[0], source, line, declare) if inner else []
        if array:
            return self.bind_pattern(part, ir.Index(source, ir.Const(index)), line, declare)
        if kind == "shorthand_property_identifier_pattern":
            name = part.text()
            if declare:
                self.bind(name)
            return [ir.Assign((ir.Name(name),), ir.Attr(source, name), line)]
        if kind == "object_assignment_pattern":  # {x = default}
            left = part.field("left")
            name = left.text() if left is not None else ""
            if declare:
                self.bind(name)
            default = self.expr(part.field("right"))
            return [ir.Assign((ir.Name(name),), ir.Either((ir.Attr(source, name), default)), line)]
        if kind == "pair_pattern":
            key = part.field("key")
            name = _key_name(key)
            read = ir.Attr(source, name) if name is not None else ir.Index(source, self.expr(key))
            return self.bind_pattern(part.field("value"), read, line, declare)
        return []

    def return_statement(self, node: SgNode) -> list[ir.Stmt]:
        children = node.named_children()
        return [ir.Return(self.expr(children[0]) if children else None, line_of(node))]

    def throw_statement(self, node: SgNode) -> list[ir.Stmt]:
        children = node.named_children()
        line, end = span_of(node)
        return [ir.Raise(self.expr(children[0]) if children else None, line, end)]

    def if_statement(self, node: SgNode) -> list[ir.Stmt]:
        alternative = node.field("alternative")
        orelse: tuple[ir.Stmt, ...] = ()
        if alternative is not None:
            inner = alternative.named_children()
            orelse = tuple(s for c in inner for s in self.stmt(c))
        return [ir.If(self.expr(node.field("condition")), self.block(node.field("consequence")), orelse)]

    def for_statement(self, node: SgNode) -> list[ir.Stmt]:
        initializer = node.field("initializer")
        setup = self.stmt(initializer) if initializer is not None else []
        condition = node.field("condition")
        test = self.expr(condition) if condition is not None else ir.Opaque(())
        body = self.block(node.field("body"))
        increment = node.field("increment")
        if increment is not None:
            body = body + (ir.ExprStmt(self.expr(increment), line_of(increment)),)
        return setup + [ir.Loop(None, test, body, (), line_of(node))]

    def for_in_statement(self, node: SgNode) -> list[ir.Stmt]:
        left = node.field("left")
        right = self.expr(node.field("right"))
        temp = self.temp()
        body = tuple(self.bind_pattern(left, ir.Name(temp), line_of(node))) + self.block(node.field("body"))
        of = any(c.kind() == "of" for c in node.children())
        iterable = right if of else ir.Call(ir.Attr(ir.Name("Object"), "keys"), (right,), (), line_of(node), line_of(node))
        return [ir.Loop(ir.Name(temp), iterable, body, (), line_of(node))]

    def while_statement(self, node: SgNode) -> list[ir.Stmt]:
        return [ir.Loop(None, self.expr(node.field("condition")), self.block(node.field("body")), (), line_of(node))]

    def do_statement(self, node: SgNode) -> list[ir.Stmt]:
        return [ir.Loop(None, self.expr(node.field("condition")), self.block(node.field("body")), (), line_of(node))]

    def switch_statement(self, node: SgNode) -> list[ir.Stmt]:
        out: list[ir.Stmt] = [ir.ExprStmt(self.expr(node.field("value")), line_of(node))]
        body = node.field("body")
        branches = []
        for case in (body.named_children() if body is not None else []):
            stmts = [s for c in case.named_children() if c != case.field("value") for s in self.stmt(c)]
            branches.append(tuple(stmts))
        orelse: tuple[ir.Stmt, ...] = ()
        for branch in reversed(branches):
            orelse = (ir.If(ir.Opaque(()), branch, orelse),)
        return out + list(orelse)

    def try_statement(self, node: SgNode) -> list[ir.Stmt]:
        handler = node.field("handler")
        handlers: tuple[tuple[str | None, tuple[ir.Stmt, ...]], ...] = ()
        if handler is not None:
            parameter = handler.field("parameter")
            name = parameter.text() if parameter is not None and parameter.kind() == "identifier" else None
            if name:
                self.bind(name)
            handlers = ((name, self.block(handler.field("body"))),)
        finalizer = node.field("finalizer")
        final = self.block(finalizer.field("body")) if finalizer is not None else ()
        return [ir.Try(self.block(node.field("body")), handlers, (), final)]

    def labeled_statement(self, node: SgNode) -> list[ir.Stmt]:
        body = node.field("body")
        return self.stmt(body) if body is not None else []

    def function_declaration(self, node: SgNode) -> list[ir.Stmt]:
        name_node = node.field("name")
        name = name_node.text() if name_node is not None else "<anonymous>"
        self.bind(name)
        return [ir.Def(self.function(name, node))]

    def class_declaration(self, node: SgNode) -> list[ir.Stmt]:
        name_node = node.field("name")
        name = name_node.text() if name_node is not None else "<class>"
        self.bind(name)
        return [ir.ClassDef(self.klass(name, node))]

    def import_statement(self, node: SgNode) -> list[ir.Stmt]:
        source = node.field("source")
        if source is None:
            return []
        module = _string_value(source)
        self.imports.add(module)
        names: list[tuple[str, str]] = []
        out: list[ir.Stmt] = []
        clause = next((c for c in node.named_children() if c.kind() == "import_clause"), None)
        for part in (clause.named_children() if clause is not None else []):
            if part.kind() == "identifier":
                names.append(("default", part.text()))
                self.bind(part.text())
            elif part.kind() == "namespace_import":
                alias = part.named_children()[-1].text()
                self.bind(alias)
                out.append(ir.Import(module, alias, line_of(node)))
            elif part.kind() == "named_imports":
                for spec in part.named_children():
                    if spec.kind() != "import_specifier":
                        continue
                    original = spec.field("name")
                    alias = spec.field("alias") or original
                    if original is not None:
                        names.append((_key_name(original) or original.text(), alias.text()))
                        self.bind(alias.text())
        if names:
            out.append(ir.ImportFrom(module, 0, tuple(names), line_of(node)))
        return out

    def export_statement(self, node: SgNode) -> list[ir.Stmt]:
        self.exports = True
        line = line_of(node)
        declaration = node.field("declaration")
        source = node.field("source")
        is_default = any(c.kind() == "default" for c in node.children())
        if declaration is not None:
            stmts = self.stmt(declaration)
            if is_default:
                name = declaration.field("name")
                if name is not None:
                    stmts.append(ir.Assign((ir.Name("default"),), ir.Name(name.text()), line))
            return stmts
        value = node.field("value")
        if value is not None:
            self.bind("default")
            return [ir.Assign((ir.Name("default"),), self.expr(value), line)]
        clause = next((c for c in node.named_children() if c.kind() == "export_clause"), None)
        if source is not None:
            module = _string_value(source)
            self.imports.add(module)
            if clause is None:
                return [ir.ImportFrom(module, 0, (("*", "*"),), line)]
            names = tuple((s.field("name").text(), (s.field("alias") or s.field("name")).text())
                          for s in clause.named_children() if s.kind() == "export_specifier")
            for _, alias in names:
                self.bind(alias)
            return [ir.ImportFrom(module, 0, names, line)]
        out: list[ir.Stmt] = []
        for spec in (clause.named_children() if clause is not None else []):
            if spec.kind() == "export_specifier" and spec.field("alias") is not None:
                alias = spec.field("alias").text()
                self.bind(alias)
                out.append(ir.Assign((ir.Name(alias),), ir.Name(spec.field("name").text()), line))
        return out

    # functions and classes --------------------------------------------------------------

    def function(self, name: str, node: SgNode, method_of: int | None = None,
                 decorators: tuple[ir.Expr, ...] = ()) -> int:
        index = len(self.functions)
        line, end = span_of(node)
        func = ir.Function(name, (), (), decorators, line, end, node.child(0) is not None and
                           node.child(0).kind() == "async", cls=method_of, parent=self.func_stack[-1])
        self.functions.append(func)
        self.bound.append(set())
        self.func_stack.append(index)
        self.class_stack.append(None)
        params: list[ir.Param] = [ir.Param("this")] if method_of is not None else []
        prologue: list[ir.Stmt] = []
        parameters = node.field("parameters")
        single = node.field("parameter")
        nodes = parameters.named_children() if parameters is not None else ([single] if single is not None else [])
        for param in nodes:
            params.extend(self._parameter(param, prologue, line))
        func.params = tuple(params)
        self.bound[-1].update(p.name for p in func.params)
        body = node.field("body")
        if body is not None and body.kind() != "statement_block":
            func.body = tuple(prologue) + (ir.Return(self.expr(body), line),)
            func.returns_expr = True
        else:
            func.body = tuple(prologue) + self.block(body)
        func.locals = frozenset(self.bound[-1])
        self.class_stack.pop()
        self.func_stack.pop()
        self.bound.pop()
        return index

    def _parameter(self, node: SgNode, prologue: list[ir.Stmt], line: int) -> list[ir.Param]:
        kind = node.kind()
        if kind in ("required_parameter", "optional_parameter"):
            pattern = node.field("pattern")
            annotation = node.field("type")
            default = node.field("value")
            params = self._parameter(pattern, prologue, line) if pattern is not None else []
            if params:
                params[0].annotation = annotation.text().lstrip(":").strip() if annotation is not None else ""
                if default is not None:
                    params[0].default = self.expr(default)
            return params
        if kind == "identifier":
            return [ir.Param(node.text())]
        if kind == "assignment_pattern":
            params = self._parameter(node.field("left"), prologue, line)
            if params:
                params[0].default = self.expr(node.field("right"))
            return params
        if kind == "rest_pattern":
            inner = node.named_children()
            if inner and inner[0].kind() == "identifier":
                return [ir.Param(inner[0].text(), kind="varargs")]
            return []
        if kind in ("object_pattern", "array_pattern"):
            name = self.temp()
            prologue.extend(self.bind_pattern(node, ir.Name(name), line))
            return [ir.Param(name)]
        return []

    def klass(self, name: str, node: SgNode) -> int:
        index = len(self.classes)
        bases: list[ir.Expr] = []
        for child in node.named_children():
            if child.kind() != "class_heritage":
                continue
            for clause in child.named_children():
                if clause.kind() == "extends_clause":
                    values = clause.named_children()
                    if values:
                        bases.append(self.expr(values[0]))
                elif clause.kind() != "implements_clause":
                    bases.append(self.expr(clause))
        cls = ir.Class(name, tuple(bases), (), (), {}, line_of(node), self.func_stack[-1])
        self.classes.append(cls)
        body: list[ir.Stmt] = []
        fields: list[ir.Stmt] = []
        constructor: SgNode | None = None
        for member in (node.field("body").named_children() if node.field("body") is not None else []):
            kind = member.kind()
            if kind == "method_definition":
                method_name = _key_name(member.field("name")) or "<computed>"
                if method_name == "constructor":
                    constructor = member
                    continue
                getter = any(c.kind() == "get" for c in member.children())
                decorators = (ir.Name("property"),) if getter else ()
                if any(c.kind() == "static" for c in member.children()):
                    decorators += (ir.Name("staticmethod"),)
                cls.methods[method_name] = self.function(method_name, member, method_of=index, decorators=decorators)
            elif kind in ("public_field_definition", "field_definition"):
                field_name = _key_name(member.field("name") or member.field("property"))
                value = member.field("value")
                if field_name is None:
                    continue
                expr = self.expr(value) if value is not None else ir.Const(None)
                if any(c.kind() == "static" for c in member.children()):
                    body.append(ir.Assign((ir.Name(field_name),), expr, line_of(member)))
                else:
                    fields.append(ir.Assign((ir.Attr(ir.Name("this"), field_name),), expr, line_of(member)))
        if constructor is not None or fields:
            init = self.function("constructor", constructor or node, method_of=index) if constructor is not None \
                else self._synthetic_constructor(index, node)
            function = self.functions[init]
            function.body = tuple(fields) + function.body
            cls.methods["__init__"] = init
        cls.body = tuple(body)
        return index

    def _synthetic_constructor(self, index: int, node: SgNode) -> int:
        line, end = span_of(node)
        function = ir.Function("constructor", (ir.Param("this"),), (), (), line, end, cls=index,
                               parent=self.func_stack[-1], locals=frozenset({"this"}))
        self.functions.append(function)
        return len(self.functions) - 1

    # targets and expressions --------------------------------------------------------------

    def target(self, node: SgNode | None) -> ir.Expr:
        if node is None:
            return ir.Opaque(())
        kind = node.kind()
        if kind == "identifier":
            self.bind(node.text())
            return ir.Name(node.text())
        if kind in _TRANSPARENT:
            inner = node.named_children()
            return self.target(inner[0]) if inner else ir.Opaque(())
        return self.expr(node)

    def expr(self, node: SgNode | None) -> ir.Expr:
        if node is None:
            return ir.Opaque(())
        kind = node.kind()
        handler = _EXPRESSIONS.get(kind)
        if handler is not None:
            return handler(self, node)
        if kind in _TRANSPARENT:
            inner = [c for c in node.named_children() if c.kind() != "comment" and not c.kind().endswith("type")]
            return self.expr(inner[0]) if inner else ir.Opaque(())
        if kind in _FUNCTIONS:
            name = node.field("name")
            return ir.Lambda(self.function(name.text() if name is not None else "<lambda>", node))
        if kind == "ERROR":
            self.errors += 1
        return ir.Opaque(tuple(self.expr(c) for c in node.named_children()))

    def identifier(self, node: SgNode) -> ir.Expr:
        name = node.text()
        self.names_used.add(name)
        if name == "undefined":
            return ir.Const(None)
        return ir.Name(name)

    def this(self, node: SgNode) -> ir.Expr:
        return ir.Name("this")

    def meta_property(self, node: SgNode) -> ir.Expr:
        """`import.meta` (Vite's `import.meta.env`), `new.target`."""
        parts = node.text().replace(" ", "").split(".")
        return ir.Attr(ir.Name(parts[0]), parts[-1]) if len(parts) == 2 else ir.Opaque(())

    def string(self, node: SgNode) -> ir.Expr:
        return ir.Const(_string_value(node))

    def template_string(self, node: SgNode) -> ir.Expr:
        parts: list[ir.Expr] = []
        for child in node.named_children():
            if child.kind() == "string_fragment":
                parts.append(ir.Const(child.text()))
            elif child.kind() == "template_substitution":
                inner = child.named_children()
                parts.append(self.expr(inner[0]) if inner else ir.Const(""))
        if not parts:
            return ir.Const("")
        return parts[0] if len(parts) == 1 and isinstance(parts[0], ir.Const) else ir.Str(tuple(parts))

    def number(self, node: SgNode) -> ir.Expr:
        try:
            return ir.Const(int(node.text().replace("_", ""), 0))
        except ValueError:
            return ir.Const(None)

    def literal(self, node: SgNode) -> ir.Expr:
        return ir.Const({"true": True, "false": False}.get(node.kind()))

    def member_expression(self, node: SgNode) -> ir.Expr:
        prop = node.field("property")
        name = prop.text() if prop is not None else ""
        obj = self.expr(node.field("object"))
        if name == "length":  # a length says nothing about the key
            return ir.Opaque((obj,))
        self.names_used.add(name)
        return ir.Attr(obj, name)

    def subscript_expression(self, node: SgNode) -> ir.Expr:
        return ir.Index(self.expr(node.field("object")), self.expr(node.field("index")))

    def call_expression(self, node: SgNode) -> ir.Expr:
        func_node = node.field("function")
        args_node = node.field("arguments")
        line, end = span_of(node)
        if args_node is not None and args_node.kind() == "template_string":  # a tagged template
            return ir.Call(self.expr(func_node), (self.template_string(args_node),), (), line, end)
        args = self.arguments(args_node)
        if func_node is not None and func_node.kind() == "super":
            return ir.Call(ir.Attr(ir.Call(ir.Name("super"), (), (), line, end), "__init__"), args, (), line, end)
        if func_node is not None and func_node.kind() == "import":
            return ir.Call(ir.Name("require"), args, (), line, end)
        if func_node is not None and func_node.kind() == "identifier" and func_node.text() == "require" \
                and args and type(args[0]) is ir.Const and isinstance(args[0].value, str):
            self.imports.add(args[0].value)
        if func_node is not None and func_node.kind() == "member_expression":
            method = func_node.field("property")
            if method is not None and method.text() in _MASKING and _masks(args_node):
                return ir.Slice(self.expr(func_node.field("object")), (), True)
        return ir.Call(self.expr(func_node), args, (), line, end)

    def new_expression(self, node: SgNode) -> ir.Expr:
        line, end = span_of(node)
        return ir.Call(self.expr(node.field("constructor")), self.arguments(node.field("arguments")), (), line, end,
                       constructs=True)

    def arguments(self, node: SgNode | None) -> tuple[ir.Expr, ...]:
        if node is None:
            return ()
        out: list[ir.Expr] = []
        for arg in node.named_children():
            if arg.kind() == "spread_element":
                inner = arg.named_children()
                out.append(ir.Starred(self.expr(inner[0]) if inner else ir.Opaque(())))
            elif arg.kind() != "comment":
                out.append(self.expr(arg))
        return tuple(out)

    def binary_expression(self, node: SgNode) -> ir.Expr:
        op = node.field("operator")
        text = op.text() if op is not None else ""
        left, right = self.expr(node.field("left")), self.expr(node.field("right"))
        if text in ("||", "??", "&&"):
            return ir.Either((left, right))
        if text == "+":
            return ir.BinOp("+", left, right)
        return ir.Opaque((left, right))

    def ternary_expression(self, node: SgNode) -> ir.Expr:
        return ir.Either((self.expr(node.field("consequence")), ir.Opaque((self.expr(node.field("condition")),)),
                          self.expr(node.field("alternative"))))

    def unary_expression(self, node: SgNode) -> ir.Expr:
        return ir.Opaque((self.expr(node.field("argument")),))

    def assignment_expression(self, node: SgNode) -> ir.Expr:
        return ir.Walrus(self.target(node.field("left")), self.expr(node.field("right")))

    def augmented_assignment_expression(self, node: SgNode) -> ir.Expr:
        target = self.target(node.field("left"))
        return ir.Walrus(target, ir.BinOp("+", target, self.expr(node.field("right"))))

    def sequence_expression(self, node: SgNode) -> ir.Expr:
        parts = [self.expr(c) for c in node.named_children()]
        return ir.Either((ir.Opaque(tuple(parts[:-1])), parts[-1])) if parts else ir.Opaque(())

    def array(self, node: SgNode) -> ir.Expr:
        return ir.Seq(tuple(self.expr(c) for c in node.named_children() if c.kind() != "comment"))

    def object(self, node: SgNode) -> ir.Expr:
        keys: list[ir.Expr | None] = []
        values: list[ir.Expr] = []
        for child in node.named_children():
            kind = child.kind()
            if kind == "pair":
                name = _key_name(child.field("key"))
                keys.append(ir.Const(name) if name is not None else self.expr(child.field("key")))
                values.append(self.expr(child.field("value")))
            elif kind == "shorthand_property_identifier":
                self.names_used.add(child.text())
                keys.append(ir.Const(child.text()))
                values.append(ir.Name(child.text()))
            elif kind == "spread_element":
                inner = child.named_children()
                keys.append(None)
                values.append(self.expr(inner[0]) if inner else ir.Opaque(()))
            elif kind == "method_definition":
                name = _key_name(child.field("name")) or "<method>"
                keys.append(ir.Const(name))
                values.append(ir.Lambda(self.function(name, child)))
        return ir.Dict(tuple(keys), tuple(values))

    def yield_expression(self, node: SgNode) -> ir.Expr:
        inner = node.named_children()
        return ir.Yield(self.expr(inner[0]) if inner else None)

    def update_expression(self, node: SgNode) -> ir.Expr:
        return ir.Opaque((self.expr(node.field("argument")),))

    def class_expression(self, node: SgNode) -> ir.Expr:
        name = node.field("name")
        return ir.ClassValue(self.klass(name.text() if name is not None else "<class>", node))

    def jsx_element(self, node: SgNode) -> ir.Expr:
        opening = node.field("open_tag") or next((c for c in node.named_children()
                                                   if c.kind() == "jsx_opening_element"), None)
        children = tuple(self.expr(c) for c in node.named_children()
                         if c.kind() not in ("jsx_opening_element", "jsx_closing_element", "jsx_text"))
        return self._element(opening if opening is not None else node, children, node)

    def jsx_self_closing_element(self, node: SgNode) -> ir.Expr:
        return self._element(node, (), node)

    def _element(self, tag_node: SgNode, children: tuple[ir.Expr, ...], node: SgNode) -> ir.Expr:
        name = tag_node.field("name")
        tag_text = name.text() if name is not None else ""
        tag: object = tag_text if tag_text[:1].islower() or not tag_text else self.expr(name)
        attrs: list[tuple[str | None, ir.Expr]] = []
        for attr in tag_node.named_children():
            if attr.kind() == "jsx_attribute":
                parts = attr.named_children()
                attr_name = parts[0].text() if parts else ""
                value = parts[1] if len(parts) > 1 else None
                attrs.append((attr_name, self._jsx_value(value)))
            elif attr.kind() == "jsx_expression":
                inner = attr.named_children()
                if inner and inner[0].kind() == "spread_element":
                    attrs.append((None, self.expr(inner[0].named_children()[0])))
        line, end = span_of(node)
        if tag in ("input", "textarea"):
            constants = {k: v.value for k, v in attrs if k and type(v) is ir.Const and isinstance(v.value, str)}
            if constants.get("type") == "password":
                self.key_inputs.extend(constants[k] for k in ("id", "name") if k in constants)
        return ir.Element(tag, tuple(attrs), children, line, end)

    def _jsx_value(self, node: SgNode | None) -> ir.Expr:
        if node is None:
            return ir.Const(True)
        if node.kind() == "jsx_expression":
            inner = node.named_children()
            return self.expr(inner[0]) if inner else ir.Const(None)
        return self.expr(node)

    def jsx_expression(self, node: SgNode) -> ir.Expr:
        inner = node.named_children()
        return self.expr(inner[0]) if inner else ir.Opaque(())

    def jsx_fragment(self, node: SgNode) -> ir.Expr:
        return ir.Seq(tuple(self.expr(c) for c in node.named_children() if c.kind() != "jsx_text"))


def _key_name(node: SgNode | None) -> str | None:
    if node is None:
        return None
    kind = node.kind()
    if kind in ("property_identifier", "identifier", "private_property_identifier",
                "shorthand_property_identifier", "shorthand_property_identifier_pattern"):
        return node.text().lstrip("#")
    if kind == "string":
        return _string_value(node)
    if kind == "number":
        return node.text()
    return None


def _masks(args: SgNode | None) -> bool:
    """`key.slice(-4)`, `key.slice(0, 4)`, `key.substring(0, 6)`: a few characters of one end."""
    if args is None:
        return False
    values = [a.text().replace(" ", "") for a in args.named_children()]
    if len(values) == 1:
        return values[0].startswith("-") and values[0][1:] in SMALL
    if len(values) == 2:
        return values[0] in ("0",) and values[1] in SMALL
    return False


_STATEMENTS = {
    "expression_statement": _Builder.expression_statement,
    "return_statement": _Builder.return_statement,
    "throw_statement": _Builder.throw_statement,
    "if_statement": _Builder.if_statement,
    "for_statement": _Builder.for_statement,
    "for_in_statement": _Builder.for_in_statement,
    "while_statement": _Builder.while_statement,
    "do_statement": _Builder.do_statement,
    "switch_statement": _Builder.switch_statement,
    "try_statement": _Builder.try_statement,
    "labeled_statement": _Builder.labeled_statement,
    "function_declaration": _Builder.function_declaration,
    "generator_function_declaration": _Builder.function_declaration,
    "class_declaration": _Builder.class_declaration,
    "abstract_class_declaration": _Builder.class_declaration,
    "import_statement": _Builder.import_statement,
    "export_statement": _Builder.export_statement,
}

_EXPRESSIONS = {
    "identifier": _Builder.identifier,
    "shorthand_property_identifier": _Builder.identifier,
    "this": _Builder.this,
    "meta_property": _Builder.meta_property,
    "string": _Builder.string,
    "template_string": _Builder.template_string,
    "number": _Builder.number,
    "true": _Builder.literal,
    "false": _Builder.literal,
    "null": _Builder.literal,
    "member_expression": _Builder.member_expression,
    "subscript_expression": _Builder.subscript_expression,
    "call_expression": _Builder.call_expression,
    "new_expression": _Builder.new_expression,
    "binary_expression": _Builder.binary_expression,
    "ternary_expression": _Builder.ternary_expression,
    "unary_expression": _Builder.unary_expression,
    "assignment_expression": _Builder.assignment_expression,
    "augmented_assignment_expression": _Builder.augmented_assignment_expression,
    "sequence_expression": _Builder.sequence_expression,
    "array": _Builder.array,
    "object": _Builder.object,
    "yield_expression": _Builder.yield_expression,
    "update_expression": _Builder.update_expression,
    "class": _Builder.class_expression,
    "jsx_element": _Builder.jsx_element,
    "jsx_self_closing_element": _Builder.jsx_self_closing_element,
    "jsx_expression": _Builder.jsx_expression,
    "jsx_fragment": _Builder.jsx_fragment,
}
