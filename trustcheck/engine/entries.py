"""Entry points: the functions the outside world calls (a route handler, a CLI command, a
callback registered with a framework, a function nothing in the app calls), and the values it
calls them with. A key-named parameter of an entry point is a source; a route's `request`
parameter is the incoming request."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import ir
from .catalog import language_catalog
from .values import UNKNOWN_TEXT, Text, Value

if TYPE_CHECKING:
    from .interp import Frame
    from .program import Program

_UNKNOWN = Value(strs=frozenset({UNKNOWN_TEXT}))
_USER = frozenset({Text("", False, "user")})
_DEFAULT_CHANNELS = {"Header": "headers", "Cookie": "cookies", "Query": "query", "APIKeyHeader": "headers",
                     "APIKeyQuery": "query", "APIKeyCookie": "cookies"}
_CHANNEL_WORDS = {"headers": "request header", "cookies": "cookie", "query": "query parameter"}
_COMMAND_DECORATORS = {"command", "slash_command", "hybrid_command", "message_handler", "on_message", "event"}
_MAPPING_ANNOTATIONS = {"dict", "Dict", "dict[str, str]", "Dict[str, str]", "dict[str, Any]", "Dict[str, Any]"}


def entry_points(program: Program) -> list[tuple]:
    entries = []
    for path, module in program.modules.items():
        for index, func in enumerate(module.functions):
            if func.parent is not None or func.name == "<lambda>":
                continue
            cls = module.classes[func.cls] if func.cls is not None else None
            if cls is not None and cls.parent is not None:
                continue
            dunder = func.name.startswith("__") and func.name.endswith("__")
            unused = func.name not in program.names_used
            if dunder and cls is not None and func.name == "__init__":
                unused = cls.name not in program.names_used  # a class nothing instantiates
            action = "use server" in module.directives  # called from the browser, not by the program
            if is_route(program, func, module) or action or (unused and (not dunder or func.name == "__init__")):
                entries.append((path, index))
    return entries


def is_route(program: Program, func: ir.Function, module: ir.Module) -> bool:
    """A request handler: decorated as one, taking `request` first (after `self`), or a
    server action (a function of a "use server" module, called from the browser)."""
    if program.contexts.get(module.path) != "server":
        return False
    if "use server" in module.directives and func.parent is None:
        return True
    catalog = language_catalog(module.language)
    for decorator in func.decorators:
        target = decorator.func if type(decorator) is ir.Call else decorator
        name = target.attr if type(target) is ir.Attr else (target.id if type(target) is ir.Name else "")
        if name in catalog.route_decorators:
            return True
    names = catalog.handler_names
    return _takes_request(func, module) and (not names or func.name in names)


def _takes_request(func: ir.Function, module: ir.Module) -> bool:
    params = func.params[1:] if func.cls is not None else func.params
    return bool(params) and params[0].name in language_catalog(module.language).request_param_names


def run_entry(program: Program, fkey: tuple, caller: Frame | None, closure: int | None = None,
              registered: bool = False) -> None:
    """Run `fkey` as the outside world calls it; `registered`: handed to a server framework
    (`app.use(fn)`), so a request handler whatever its name."""
    from .interp import Frame

    module, func = program.function(fkey)
    frame = program.frames.get(module.path) or Frame(program, module, "module")
    if caller is not None:
        frame = caller
    route = is_route(program, func, module) or (registered and _takes_request(func, module))
    values: dict[str, Value] = {}
    instance = None
    for i, param in enumerate(func.params):
        if i == 0 and func.cls is not None and not func.decorated_with("staticmethod"):
            ckey = (module.path, func.cls)
            instance = ("inst", ckey, "entry") if not func.decorated_with("classmethod") else None
            values[param.name] = Value(refs=frozenset({instance or ("class", ckey)}))
            continue
        values[param.name] = _entry_value(program, param, route, module, func.line, _is_command(func))
        if param.name in _hidden_options(func) and not values[param.name].taint:
            values[param.name] = program.source_value(module.path, func.line, f"typed at a hidden prompt "
                                                      f"(--{param.name.replace('_', '-')})", "user")
    program.run_function(fkey, values, instance, closure, frame)


def _entry_value(program: Program, param: ir.Param, route: bool, module: ir.Module, line: int,
                 command: bool = False) -> Value:
    catalog = language_catalog(module.language)
    annotation = param.annotation.strip("'\"")
    key_named = catalog.is_key_name(param.name) or (route and catalog.is_key_field(param.name))
    if route:
        if param.name in catalog.request_param_names or annotation in catalog.request_annotations:
            return Value(refs=frozenset({("req", "any")}))
        default = _default_name(param.default)
        if key_named and module.language == "javascript":  # (req, res, next): no request field
            return program.source_value(module.path, line, f"parameter {param.name}", "param")
        if key_named:
            channel = _DEFAULT_CHANNELS.get(default) or _DEFAULT_CHANNELS.get(_inner_default(param.default)) or (
                "headers" if default in ("Depends", "Security") else "body" if default in ("Body", "Form") else "query")
            program.request_key_channels.add((module.language, channel))
            words = "command argument" if command and not default else _CHANNEL_WORDS.get(channel, "request field")
            label = f"{words} {param.name}"
            return program.source_value(module.path, line, label, "request")
        if default in ("Depends", "Security"):
            return _UNKNOWN
        if annotation in _MAPPING_ANNOTATIONS or annotation == "FormData":
            return Value(strs=_USER, refs=frozenset({("req", "body")}))
        if annotation[:1].isupper() and annotation not in ("Any", "Optional", "List", "Dict"):
            model = _body_model_with_key(program, module, annotation)
            body = Value(strs=_USER, refs=frozenset({("req", "body")}))
            if model:
                program.request_key_channels.add((module.language, "body"))
                return body.join(program.source_value(module.path, line, f"request body field {model}", "request"))
            return body
        return Value(strs=_USER, refs=frozenset({("mod", ("?" + param.name.lower(),))}))  # res, reply
    if key_named:
        return program.source_value(module.path, line, f"parameter {param.name}", "param")
    if param.default is not None:
        return program.default_value(module, param.default).join(_UNKNOWN)
    return _UNKNOWN


def _is_command(func: ir.Function) -> bool:
    """A chat bot's or a CLI's command (`@bot.command()`, `@tree.command()`): its parameters are
    the words the user typed after it, not a web request's query."""
    return any(_default_name(d) in _COMMAND_DECORATORS or (type(d) is ir.Attr and d.attr in _COMMAND_DECORATORS)
               for d in func.decorators)


def _hidden_options(func: ir.Function) -> set[str]:
    """Parameters filled from a hidden prompt: `@click.option("--key", hide_input=True)`,
    `@click.password_option()`, `key: str = typer.Option(..., hide_input=True)`."""
    hidden: set[str] = set()
    calls = [d for d in func.decorators if type(d) is ir.Call]
    calls += [p.default for p in func.params if type(p.default) is ir.Call]
    for call in calls:
        name = _default_name(call)
        secret = name == "password_option" or any(
            key in ("hide_input", "password") and type(v) is ir.Const and v.value is True for key, v in call.kwargs)
        if not secret:
            continue
        options = [a.value for a in call.args if type(a) is ir.Const and isinstance(a.value, str)]
        names = [o.lstrip("-").replace("-", "_") for o in options if o.startswith("--")] or ["password"]
        hidden.update(names)
        hidden.update(p.name for p in func.params if p.default is call)
    return hidden


def _default_name(default: ir.Expr | None) -> str:
    if type(default) is not ir.Call:
        return ""
    target = default.func
    return target.attr if type(target) is ir.Attr else (target.id if type(target) is ir.Name else "")


def _inner_default(default: ir.Expr | None) -> str:
    """`Depends(APIKeyHeader(...))`: what the dependency reads."""
    if type(default) is ir.Call and default.args:
        return _default_name(default.args[0])
    return ""


def _body_model_with_key(program: Program, module: ir.Module, annotation: str) -> str | None:
    """The key-named field of a request-body model class of the app, if it declares one."""
    for cls in module.classes:
        if cls.name != annotation.split("[")[0]:
            continue
        for stmt in cls.body:
            if type(stmt) is ir.Assign and type(stmt.targets[0]) is ir.Name \
                    and language_catalog(module.language).is_key_name(stmt.targets[0].id):
                return stmt.targets[0].id
    return None
