"""Python source -> IR, in one walk over the ast-grep (tree-sitter-python) tree.

Only what can carry or move a value is kept; everything else becomes `Opaque` so that calls
inside it are still seen. `range()` is called only on calls and statements (it costs O(column)).
"""
from __future__ import annotations

import re

from ast_grep_py import SgNode

from . import ir
from .syntax import line_of, parse, span_of

_SEQUENCES = {"tuple", "list", "set", "expression_list", "pattern_list", "tuple_pattern",
              "list_pattern"}
_COMPREHENSIONS = {"list_comprehension", "set_comprehension", "generator_expression",
                   "dictionary_comprehension"}
_SIMPLE_ESCAPES = {"\\n": "\n", "\\t": "\t", "\\\\": "\\", "\\'": "'", '\\"': '"', "\\r": "\r"}


def parse_python(text: str, path: str) -> ir.Module:
    """Parse Python source text into an `ir.Module`."""
    root, has_error = parse(text, "python")
    module = _Builder(path).module(root)
    if not module.error_count and has_error:
        module.error_count = 1  # an error inside a part of the tree the builder does not walk
    return module


_SECRET_TYPES = re.compile(r"\b(SecretStr|SecretBytes|Secret)\b")


def _masked_field(statement: SgNode) -> str | None:
    """`api_key: SecretStr` in a class body: a field that prints as '**********' (pydantic)."""
    if statement.kind() != "expression_statement":
        return None
    inner = statement.named_children()
    if len(inner) != 1 or inner[0].kind() != "assignment":
        return None
    left, annotation = inner[0].field("left"), inner[0].field("type")
    if left is None or left.kind() != "identifier" or annotation is None:
        return None
    return left.text() if _SECRET_TYPES.search(annotation.text()) else None


class _Builder:
    def __init__(self, path: str):
        self.path = path
        self.functions: list[ir.Function] = []
        self.classes: list[ir.Class] = []
        self.imports: set[str] = set()
        self.names_used: set[str] = set()  # names read anywhere: a function never named is an entry point
        self.errors = 0
        self.bound: list[set[str]] = [set()]  # names bound in each enclosing function scope
        self.declared: list[set[str]] = [set()]  # names declared global/nonlocal there
        self.func_stack: list[int | None] = [None]
        self.class_stack: list[int | None] = [None]

    def module(self, root: SgNode) -> ir.Module:
        body = self.block(root)
        return ir.Module(path=self.path, language="python", body=body, functions=self.functions,
                         classes=self.classes, imports=tuple(sorted(self.imports)),
                         names_used=frozenset(self.names_used), error_count=self.errors)

    # statements -------------------------------------------------------------------------

    def block(self, node: SgNode | None) -> tuple[ir.Stmt, ...]:
        if node is None:
            return ()
        out: list[ir.Stmt] = []
        for child in node.named_children():
            out.extend(self.stmt(child))
        return tuple(out)

    def stmt(self, node: SgNode) -> list[ir.Stmt]:
        kind = node.kind()
        handler = _STATEMENTS.get(kind)
        if handler is not None:
            return handler(self, node)
        if kind in ("comment", "pass_statement", "break_statement", "continue_statement",
                    "future_import_statement", "type_alias_statement"):
            return []
        if kind == "ERROR":
            self.errors += 1
            out: list[ir.Stmt] = []
            for child in node.named_children():
                out.extend(self.stmt(child))
            return out
        return [ir.ExprStmt(self.expr(node), line_of(node))]

    def expression_statement(self, node: SgNode) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for child in node.named_children():
            kind = child.kind()
            if kind == "assignment":
                out.append(self.assignment(child))
            elif kind == "augmented_assignment":
                target = self.target(child.field("left"))
                op = child.field("operator")
                out.append(ir.AugAssign(target, op.text() if op else "+=",
                                        self.expr(child.field("right")), line_of(child)))
            elif kind == "string":
                continue  # a docstring
            else:
                out.append(ir.ExprStmt(self.expr(child), line_of(child)))
        return out

    def assignment(self, node: SgNode) -> ir.Stmt:
        targets = [self.target(node.field("left"))]
        right = node.field("right")
        while right is not None and right.kind() == "assignment":  # a = b = value
            targets.append(self.target(right.field("left")))
            right = right.field("right")
        value = self.expr(right) if right is not None else ir.Const(None)
        return ir.Assign(tuple(targets), value, line_of(node))

    def return_statement(self, node: SgNode) -> list[ir.Stmt]:
        children = node.named_children()
        value = self.expr(children[0]) if children else None
        return [ir.Return(value, line_of(node))]

    def raise_statement(self, node: SgNode) -> list[ir.Stmt]:
        children = node.named_children()
        line, end = span_of(node)
        return [ir.Raise(self.expr(children[0]) if children else None, line, end)]

    def if_statement(self, node: SgNode) -> list[ir.Stmt]:
        test = self.expr(node.field("condition"))
        body = self.block(node.field("consequence"))
        orelse: tuple[ir.Stmt, ...] = ()
        for alt in reversed(node.field_children("alternative")):
            if alt.kind() == "else_clause":
                orelse = self.block(alt.field("body"))
            else:  # elif_clause
                orelse = (ir.If(self.expr(alt.field("condition")),
                                self.block(alt.field("consequence")), orelse),)
        return [ir.If(test, body, orelse)]

    def for_statement(self, node: SgNode) -> list[ir.Stmt]:
        target = self.target(node.field("left"))
        alt = node.field("alternative")
        return [ir.Loop(target, self.expr(node.field("right")), self.block(node.field("body")),
                        self.block(alt.field("body")) if alt else (), line_of(node))]

    def while_statement(self, node: SgNode) -> list[ir.Stmt]:
        alt = node.field("alternative")
        return [ir.Loop(None, self.expr(node.field("condition")), self.block(node.field("body")),
                        self.block(alt.field("body")) if alt else (), line_of(node))]

    def with_statement(self, node: SgNode) -> list[ir.Stmt]:
        items: list[tuple[ir.Expr, ir.Expr | None]] = []
        for clause in node.named_children():
            if clause.kind() != "with_clause":
                continue
            for item in clause.named_children():
                value = item.field("value") or item
                if value.kind() == "as_pattern":
                    parts = value.named_children()
                    alias = value.field("alias")
                    target_node = alias.named_children()[0] if alias and alias.named_children() else alias
                    items.append((self.expr(parts[0]), self.target(target_node) if target_node else None))
                else:
                    items.append((self.expr(value), None))
        return [ir.With(tuple(items), self.block(node.field("body")), line_of(node))]

    def try_statement(self, node: SgNode) -> list[ir.Stmt]:
        body = self.block(node.field("body"))
        handlers: list[tuple[str | None, tuple[ir.Stmt, ...]]] = []
        orelse: tuple[ir.Stmt, ...] = ()
        final: tuple[ir.Stmt, ...] = ()
        for child in node.named_children():
            kind = child.kind()
            if kind in ("except_clause", "except_group_clause"):
                name = None
                block = None
                for part in child.named_children():
                    if part.kind() == "as_pattern":
                        alias = part.field("alias")
                        if alias is not None:
                            name = alias.text()
                            self.bind(name)
                    elif part.kind() == "block":
                        block = part
                handlers.append((name, self.block(block)))
            elif kind == "else_clause":
                orelse = self.block(child.field("body"))
            elif kind == "finally_clause":
                final = self.block(child.named_children()[-1] if child.named_children() else None)
        return [ir.Try(body, tuple(handlers), orelse, final)]

    def match_statement(self, node: SgNode) -> list[ir.Stmt]:
        subject = node.field("subject")
        out: list[ir.Stmt] = [ir.ExprStmt(self.expr(subject), line_of(node))] if subject else []
        cases = node.field("body")
        branches = [self.block(case.field("consequence")) for case in
                    (cases.named_children() if cases else []) if case.kind() == "case_clause"]
        orelse: tuple[ir.Stmt, ...] = ()
        for branch in reversed(branches):
            orelse = (ir.If(ir.Opaque(()), branch, orelse),)
        return out + list(orelse)

    def import_statement(self, node: SgNode) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for child in node.named_children():
            if child.kind() == "aliased_import":
                module = child.field("name").text()
                alias = child.field("alias").text()
                self.bind(alias)
            else:
                module, alias = child.text(), None
                self.bind(module.split(".")[0])
            self.imports.add(module)
            out.append(ir.Import(module, alias, line_of(node)))
        return out

    def import_from_statement(self, node: SgNode) -> list[ir.Stmt]:
        module_node = node.field("module_name")
        level, module = 0, ""
        if module_node is not None:
            if module_node.kind() == "relative_import":
                for part in module_node.named_children():
                    if part.kind() == "import_prefix":
                        level = len(part.text().strip())
                    else:
                        module = part.text()
            else:
                module = module_node.text()
        names: list[tuple[str, str]] = []
        for child in node.named_children():
            if child.kind() == "wildcard_import":
                names.append(("*", "*"))
        for child in node.field_children("name"):
            if child.kind() == "aliased_import":
                name, alias = child.field("name").text(), child.field("alias").text()
            else:
                name = alias = child.text()
            self.bind(alias)
            names.append((name, alias))
        if level == 0 and module:
            self.imports.add(module)
        return [ir.ImportFrom(module, level, tuple(names), line_of(node))]

    def scope_statement(self, node: SgNode) -> list[ir.Stmt]:
        names = tuple(child.text() for child in node.named_children() if child.kind() == "identifier")
        self.declared[-1].update(names)
        kind = "global" if node.kind() == "global_statement" else "nonlocal"
        return [ir.Scope(kind, names)]

    def print_statement(self, node: SgNode) -> list[ir.Stmt]:
        args = tuple(self.expr(c) for c in node.named_children() if c.kind() != "chevron")
        line, end = span_of(node)
        return [ir.ExprStmt(ir.Call(ir.Name("print"), args, (), line, end), line)]

    def exec_statement(self, node: SgNode) -> list[ir.Stmt]:
        args = tuple(self.expr(c) for c in node.named_children())
        line, end = span_of(node)
        return [ir.ExprStmt(ir.Call(ir.Name("exec"), args, (), line, end), line)]

    def assert_statement(self, node: SgNode) -> list[ir.Stmt]:
        """`assert test, message`: the message is an exception's message when it fails."""
        parts = node.named_children()
        out: list[ir.Stmt] = [ir.ExprStmt(ir.Opaque((self.expr(parts[0]),)), line_of(node))] if parts else []
        if len(parts) > 1:
            line, end = span_of(node)
            out.append(ir.Raise(self.expr(parts[1]), line, end))
        return out

    def opaque_statement(self, node: SgNode) -> list[ir.Stmt]:
        return [ir.ExprStmt(ir.Opaque(tuple(self.expr(c) for c in node.named_children())),
                            line_of(node))]

    def decorated_definition(self, node: SgNode) -> list[ir.Stmt]:
        decorators = tuple(self.expr(d.named_children()[0]) for d in node.named_children()
                           if d.kind() == "decorator" and d.named_children())
        definition = node.field("definition")
        if definition is None:
            return []
        if definition.kind() == "class_definition":
            return self.class_definition(definition, decorators)
        return self.function_definition(definition, decorators)

    def function_definition(self, node: SgNode, decorators: tuple[ir.Expr, ...] = ()) -> list[ir.Stmt]:
        name = node.field("name").text()
        self.bind(name)
        is_async = node.child(0) is not None and node.child(0).kind() == "async"
        index = self.function(name, node.field("parameters"), node.field("body"), node,
                              decorators, is_async)
        return [ir.Def(index)]

    def class_definition(self, node: SgNode, decorators: tuple[ir.Expr, ...] = ()) -> list[ir.Stmt]:
        name = node.field("name").text()
        self.bind(name)
        bases: list[ir.Expr] = []
        superclasses = node.field("superclasses")
        if superclasses is not None:
            bases = [self.expr(c) for c in superclasses.named_children() if c.kind() != "keyword_argument"]
        index = len(self.classes)
        cls = ir.Class(name, tuple(bases), (), decorators, {}, line_of(node), self.func_stack[-1])
        self.classes.append(cls)
        self.class_stack.append(index)
        body: list[ir.Stmt] = []
        for child in (node.field("body").named_children() if node.field("body") else []):
            masked = _masked_field(child)
            if masked:
                cls.masked += (masked,)
            for stmt in self.stmt(child):
                if isinstance(stmt, ir.Def) and self.functions[stmt.func].cls == index:
                    cls.methods[self.functions[stmt.func].name] = stmt.func
                else:
                    body.append(stmt)
        self.class_stack.pop()
        cls.body = tuple(body)
        return [ir.ClassDef(index)]

    def function(self, name: str, params_node: SgNode | None, body_node: SgNode | None,
                 node: SgNode, decorators: tuple[ir.Expr, ...], is_async: bool,
                 is_lambda: bool = False) -> int:
        index = len(self.functions)
        line, end = span_of(node)
        owner = self.class_stack[-1]
        func = ir.Function(name, (), (), decorators, line, end, is_async,
                           cls=owner if not is_lambda else None, parent=self.func_stack[-1])
        self.functions.append(func)
        self.bound.append(set())
        self.declared.append(set())
        self.func_stack.append(index)
        self.class_stack.append(None)  # a class nested in a function is not a method owner
        func.params = self.parameters(params_node)
        self.bound[-1].update(p.name for p in func.params)
        if is_lambda:
            func.body = (ir.Return(self.expr(body_node), line),) if body_node is not None else ()
            func.returns_expr = True
        else:
            func.body = self.block(body_node)
        func.locals = frozenset(self.bound[-1] - self.declared[-1])
        self.class_stack.pop()
        self.func_stack.pop()
        self.declared.pop()
        self.bound.pop()
        return index

    def parameters(self, node: SgNode | None) -> tuple[ir.Param, ...]:
        if node is None:
            return ()
        params: list[ir.Param] = []
        kwonly = False
        for child in node.named_children():
            kind = child.kind()
            if kind == "identifier":
                params.append(ir.Param(child.text(), kind="kwonly" if kwonly else "normal"))
            elif kind in ("default_parameter", "typed_default_parameter"):
                annotation = child.field("type")
                params.append(ir.Param(child.field("name").text(), self.expr(child.field("value")),
                                       "kwonly" if kwonly else "normal",
                                       annotation.text() if annotation else ""))
            elif kind == "typed_parameter":
                inner = child.named_children()[0]
                annotation = child.field("type")
                ptype = annotation.text() if annotation else ""
                if inner.kind() == "list_splat_pattern":
                    params.append(ir.Param(inner.named_children()[0].text(), kind="varargs", annotation=ptype))
                    kwonly = True
                elif inner.kind() == "dictionary_splat_pattern":
                    params.append(ir.Param(inner.named_children()[0].text(), kind="kwargs", annotation=ptype))
                else:
                    params.append(ir.Param(inner.text(), kind="kwonly" if kwonly else "normal",
                                           annotation=ptype))
            elif kind == "list_splat_pattern":
                params.append(ir.Param(child.named_children()[0].text(), kind="varargs"))
                kwonly = True
            elif kind == "dictionary_splat_pattern":
                params.append(ir.Param(child.named_children()[0].text(), kind="kwargs"))
            elif kind == "keyword_separator":
                kwonly = True
        return tuple(params)

    def bind(self, name: str) -> None:
        self.bound[-1].add(name)

    # targets and expressions --------------------------------------------------------------

    def target(self, node: SgNode | None) -> ir.Expr:
        if node is None:
            return ir.Opaque(())
        kind = node.kind()
        if kind == "identifier":
            self.bind(node.text())
            return ir.Name(node.text())
        if kind in _SEQUENCES:
            return ir.Seq(tuple(self.target(c) for c in node.named_children()))
        if kind in ("list_splat_pattern", "list_splat"):
            children = node.named_children()
            return ir.Starred(self.target(children[0])) if children else ir.Opaque(())
        if kind == "parenthesized_expression":
            children = node.named_children()
            return self.target(children[0]) if children else ir.Opaque(())
        return self.expr(node)

    def expr(self, node: SgNode | None) -> ir.Expr:
        if node is None:
            return ir.Opaque(())
        kind = node.kind()
        handler = _EXPRESSIONS.get(kind)
        if handler is not None:
            return handler(self, node)
        if kind in _SEQUENCES:
            return ir.Seq(tuple(self.expr(c) for c in node.named_children()))
        if kind in _COMPREHENSIONS:
            return self.comprehension(node)
        if kind == "ERROR":
            self.errors += 1
        return ir.Opaque(tuple(self.expr(c) for c in node.named_children()))

    def identifier(self, node: SgNode) -> ir.Expr:
        name = node.text()
        self.names_used.add(name)
        return ir.Name(name)

    def string(self, node: SgNode) -> ir.Expr:
        parts: list[ir.Expr] = []
        text: list[str] = []
        for child in node.named_children():
            kind = child.kind()
            if kind == "string_content":
                text.append(child.text())
            elif kind == "escape_sequence":
                raw = child.text()
                text.append(_SIMPLE_ESCAPES.get(raw, raw))
            elif kind == "interpolation":
                if text:
                    parts.append(ir.Const("".join(text)))
                    text = []
                inner = child.field("expression")
                parts.append(self.expr(inner))
        if text:
            parts.append(ir.Const("".join(text)))
        if not parts:
            return ir.Const("")
        if len(parts) == 1 and isinstance(parts[0], ir.Const):
            return parts[0]
        return ir.Str(tuple(parts))

    def concatenated_string(self, node: SgNode) -> ir.Expr:
        parts: list[ir.Expr] = []
        for child in node.named_children():
            piece = self.string(child)
            parts.extend(piece.parts if isinstance(piece, ir.Str) else [piece])
        merged: list[ir.Expr] = []
        for part in parts:
            if merged and isinstance(part, ir.Const) and isinstance(merged[-1], ir.Const):
                merged[-1] = ir.Const(str(merged[-1].value) + str(part.value))
            else:
                merged.append(part)
        return merged[0] if len(merged) == 1 and isinstance(merged[0], ir.Const) else ir.Str(tuple(merged))

    def number(self, node: SgNode) -> ir.Expr:
        text = node.text().replace("_", "")
        try:
            return ir.Const(int(text, 0) if node.kind() == "integer" else float(text))
        except ValueError:
            return ir.Const(None)

    def constant(self, node: SgNode) -> ir.Expr:
        return ir.Const({"true": True, "false": False}.get(node.kind()))

    def attribute(self, node: SgNode) -> ir.Expr:
        name = node.field("attribute").text()
        self.names_used.add(name)
        return ir.Attr(self.expr(node.field("object")), name)

    def subscript(self, node: SgNode) -> ir.Expr:
        obj = self.expr(node.field("value"))
        indexes = node.field_children("subscript")
        if any(i.kind() == "slice" for i in indexes):
            bounds = tuple(self.expr(c) for i in indexes for c in i.named_children())
            return ir.Slice(obj, bounds, len(indexes) == 1 and _is_mask(indexes[0]))
        if len(indexes) == 1:
            return ir.Index(obj, self.expr(indexes[0]))
        return ir.Index(obj, ir.Seq(tuple(self.expr(i) for i in indexes)))

    def call(self, node: SgNode) -> ir.Expr:
        func = self.expr(node.field("function"))
        arguments = node.field("arguments")
        args: list[ir.Expr] = []
        kwargs: list[tuple[str | None, ir.Expr]] = []
        if arguments is not None:
            if arguments.kind() == "generator_expression":
                args.append(self.comprehension(arguments))
            else:
                for arg in arguments.named_children():
                    kind = arg.kind()
                    if kind == "keyword_argument":
                        kwargs.append((arg.field("name").text(), self.expr(arg.field("value"))))
                    elif kind == "dictionary_splat":
                        kwargs.append((None, self.expr(arg.named_children()[0])))
                    elif kind == "list_splat":
                        args.append(ir.Starred(self.expr(arg.named_children()[0])))
                    elif kind != "comment":
                        args.append(self.expr(arg))
        line, end = span_of(node)
        return ir.Call(func, tuple(args), tuple(kwargs), line, end)

    def binary_operator(self, node: SgNode) -> ir.Expr:
        op = node.field("operator")
        return ir.BinOp(op.text() if op else "?", self.expr(node.field("left")),
                        self.expr(node.field("right")))

    def boolean_operator(self, node: SgNode) -> ir.Expr:
        return ir.Either((self.expr(node.field("left")), self.expr(node.field("right"))))

    def conditional_expression(self, node: SgNode) -> ir.Expr:
        parts = node.named_children()
        if len(parts) < 3:
            return ir.Opaque(tuple(self.expr(p) for p in parts))
        return ir.Either((self.expr(parts[0]), ir.Opaque((self.expr(parts[1]),)), self.expr(parts[2])))

    def parenthesized_expression(self, node: SgNode) -> ir.Expr:
        children = [c for c in node.named_children() if c.kind() != "comment"]
        return self.expr(children[0]) if len(children) == 1 else ir.Seq(tuple(self.expr(c) for c in children))

    def dictionary(self, node: SgNode) -> ir.Expr:
        keys: list[ir.Expr | None] = []
        values: list[ir.Expr] = []
        for child in node.named_children():
            if child.kind() == "pair":
                keys.append(self.expr(child.field("key")))
                values.append(self.expr(child.field("value")))
            elif child.kind() == "dictionary_splat":
                keys.append(None)
                values.append(self.expr(child.named_children()[0]))
        return ir.Dict(tuple(keys), tuple(values))

    def comprehension(self, node: SgNode) -> ir.Expr:
        body = node.field("body")
        if body is not None and body.kind() == "pair":
            element: ir.Expr = ir.Seq((self.expr(body.field("key")), self.expr(body.field("value"))))
        else:
            element = self.expr(body)
        loops: list[tuple[ir.Expr, ir.Expr]] = []
        conditions: list[ir.Expr] = []
        for child in node.named_children():
            if child.kind() == "for_in_clause":
                loops.append((self.target(child.field("left")), self.expr(child.field("right"))))
            elif child.kind() == "if_clause":
                conditions.extend(self.expr(c) for c in child.named_children())
        return ir.Comp(element, tuple(loops), tuple(conditions))

    def lambda_(self, node: SgNode) -> ir.Expr:
        return ir.Lambda(self.function("<lambda>", node.field("parameters"), node.field("body"),
                                       node, (), False, is_lambda=True))

    def await_(self, node: SgNode) -> ir.Expr:
        children = node.named_children()
        return self.expr(children[0]) if children else ir.Opaque(())

    def named_expression(self, node: SgNode) -> ir.Expr:
        return ir.Walrus(self.target(node.field("name")), self.expr(node.field("value")))

    def yield_(self, node: SgNode) -> ir.Expr:
        children = node.named_children()
        return ir.Yield(self.expr(children[0]) if children else None)

    def splat(self, node: SgNode) -> ir.Expr:
        children = node.named_children()
        return ir.Starred(self.expr(children[0])) if children else ir.Opaque(())


MASK_CHARACTERS = 12  # `key[:n]` / `key[-n:]` with n up to this shows too little to be the key
# A slice bounded by a name (`key[:keep]`) is read as a mask too: helpers that mask take the
# number of characters to show as a parameter, while code that strips a prefix computes it.


def _is_mask(node: SgNode) -> bool:
    """A slice that keeps at most a few characters at one end: `[:4]`, `[0:6]`, `[-4:]`."""
    if node.kind() != "slice":
        return False
    parts: list[list[str]] = [[]]
    for child in node.children():
        if child.kind() == ":":
            parts.append([])
        else:
            parts[-1].append(child.text().replace(" ", ""))
    start = "".join(parts[0])
    stop = "".join(parts[1]) if len(parts) > 1 else ""
    step = "".join(parts[2]) if len(parts) > 2 else ""
    if step not in ("", "1"):
        return False
    small = {str(n) for n in range(1, MASK_CHARACTERS + 1)}
    if start in ("", "0") and (stop in small or stop.isidentifier()):
        return True  # `key[:4]`, `secret[:keep]`
    return stop == "" and start.startswith("-") and (start[1:] in small or start[1:].isidentifier())


_STATEMENTS = {
    "expression_statement": _Builder.expression_statement,
    "return_statement": _Builder.return_statement,
    "raise_statement": _Builder.raise_statement,
    "if_statement": _Builder.if_statement,
    "for_statement": _Builder.for_statement,
    "while_statement": _Builder.while_statement,
    "with_statement": _Builder.with_statement,
    "try_statement": _Builder.try_statement,
    "match_statement": _Builder.match_statement,
    "import_statement": _Builder.import_statement,
    "import_from_statement": _Builder.import_from_statement,
    "global_statement": _Builder.scope_statement,
    "nonlocal_statement": _Builder.scope_statement,
    "print_statement": _Builder.print_statement,
    "exec_statement": _Builder.exec_statement,
    "assert_statement": _Builder.assert_statement,
    "delete_statement": _Builder.opaque_statement,
    "decorated_definition": _Builder.decorated_definition,
    "function_definition": _Builder.function_definition,
    "class_definition": _Builder.class_definition,
}

_EXPRESSIONS = {
    "identifier": _Builder.identifier,
    "string": _Builder.string,
    "concatenated_string": _Builder.concatenated_string,
    "integer": _Builder.number,
    "float": _Builder.number,
    "true": _Builder.constant,
    "false": _Builder.constant,
    "none": _Builder.constant,
    "attribute": _Builder.attribute,
    "subscript": _Builder.subscript,
    "call": _Builder.call,
    "binary_operator": _Builder.binary_operator,
    "boolean_operator": _Builder.boolean_operator,
    "conditional_expression": _Builder.conditional_expression,
    "parenthesized_expression": _Builder.parenthesized_expression,
    "dictionary": _Builder.dictionary,
    "lambda": _Builder.lambda_,
    "await": _Builder.await_,
    "named_expression": _Builder.named_expression,
    "yield": _Builder.yield_,
    "list_splat": _Builder.splat,
    "dictionary_splat": _Builder.splat,
}
