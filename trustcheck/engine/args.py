"""The evaluated arguments of one call, as the rest of the engine addresses them."""
from __future__ import annotations

from . import ir
from .values import CLEAN, Value, join_all


class CallArgs:
    """Evaluated arguments of one call, addressable by the roles rules use ("0", "kw:url",
    "*", "receiver")."""
    __slots__ = ("pos", "kw", "star", "recv", "expr", "items")

    def __init__(self, pos: list[Value], kw: dict[str, Value], star: Value, recv: Value | None,
                 expr: ir.Call, items: list[Value] | None = None):
        self.pos = pos
        self.kw = kw
        self.star = star  # what `*args` / `**kwargs` at the call site spread
        self.recv = recv
        self.expr = expr
        self.items = items  # the first argument's items, when it is a list written out in the call

    @classmethod
    def positional(cls, values: list[Value], expr: ir.Expr) -> CallArgs:
        """Just these positional arguments: how the engine calls a function the way a library or
        framework would (a callback, an event handler), at `expr` (a call, an element, ...)."""
        call = expr if type(expr) is ir.Call else ir.Call(ir.Opaque(()), (), (), getattr(expr, "line", 0),
                                                          getattr(expr, "end_line", 0))
        return cls(values, {}, CLEAN, None, call)

    def role(self, role: str) -> Value | None:
        if role == "receiver":
            return self.recv
        if role.startswith("kw:"):
            return self.kw.get(role[3:])
        if role.isdigit():
            index = int(role)
            return self.pos[index] if index < len(self.pos) else None
        if "." in role:  # "0.url": a field of an options object (JavaScript's `fetch({url})`)
            position, _, name = role.partition(".")
            holder = self.role(position)
            return holder.fields.get(name) if holder is not None and holder.fields else None
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

    def options(self) -> dict[str, Value]:
        """Keyword arguments, and the fields of an options object passed positionally
        (`new OpenAI({ apiKey, baseURL })`)."""
        found = dict(self.kw)
        for value in self.pos:
            if value.fields:
                for name, field in value.fields.items():
                    found.setdefault(name, field)
        return found

    def everything(self) -> Value:
        out = join_all([*self.pos, *self.kw.values(), self.star])
        return out.join(self.recv) if self.recv is not None else out
