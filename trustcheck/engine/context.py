"""Where each module runs: on a server shared by many people, in the user's own browser, or
on the user's own device (a CLI, a notebook, a desktop script).

Python: a module importing a web or chat framework is server code, and so is every app module
it imports; notebooks and command-line tools are local; a module that neither imports nor is
imported by a server is local when the app has no server, server code otherwise.
JavaScript: `"use client"` / `"use server"`, Next.js's file conventions (pages/api, route
files), imports of a server framework or of a UI library, browser extensions (a folder with a
manifest.json), HTML/Vue/Svelte scripts; imported modules take their importer's context.
"""
from __future__ import annotations

import functools
import json
import posixpath
import re

from . import ir
from .catalog import language_catalog

_CLI_IMPORTS = ("argparse", "click", "typer", "fire", "docopt", "getpass", "rich.prompt", "questionary",
                "prompt_toolkit", "inquirer", "tkinter", "PyQt5", "PyQt6", "PySide6", "customtkinter")
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|__tests__|fixtures?|test_data|testdata|spec)/"
                        r"|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$|(^|/)[^/]*\.(test|spec)\.[jt]sx?$")
_SERVER_FILES = re.compile(r"(^|/)pages/api/|(^|/)app/(.+/)?route\.[jt]sx?$|(^|/)middleware\.[jt]s$"
                           r"|(^|/)(api|server|functions|netlify/functions)/[^/]+\.[jt]s$|\.server\.[jt]sx?$"
                           r"|(^|/)\+(page|layout)\.server\.[jt]s$|(^|/)\+server\.[jt]s$")
_BROWSER_GLOBALS = {"document", "window", "localStorage", "sessionStorage", "navigator", "chrome", "alert"}


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def is_server_path(path: str) -> bool:
    """A script that runs on the server by where it is (`pages/api/`, a `route.ts`)."""
    return bool(_SERVER_FILES.search(path))


def _imports_any(module: ir.Module, names: tuple[str, ...]) -> bool:
    """Whether the module imports one of `names` or something under it (`a.b` is under `a`)."""
    wanted = _name_set(names)
    return any(root in wanted for imp in module.imports for root in import_roots(imp.removeprefix("node:")))


@functools.cache
def _name_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


def import_roots(name: str):
    """`a.b/c` -> `a.b/c`, `a`, `a.b`: the module and the packages it is under."""
    yield name
    for i, char in enumerate(name):
        if char in "./":
            yield name[:i]


def module_contexts(modules: dict[str, ir.Module], import_edges: dict[str, set[str]],
                    extension_dirs: tuple[str, ...] = (), servers: frozenset[str] = frozenset()) -> dict[str, str]:
    """Path -> "server", "browser" or "local" for every module. `servers`: the languages in
    which the app has a server outside these modules (when a large app is analyzed in parts)."""
    python = {p: m for p, m in modules.items() if m.language == "python"}
    script = {p: m for p, m in modules.items() if m.language == "javascript"}
    contexts = _python_contexts(python, import_edges, "python" in servers)
    contexts.update(_javascript_contexts(script, import_edges, extension_dirs, "javascript" in servers))
    return contexts


def _python_contexts(modules: dict[str, ir.Module], import_edges: dict[str, set[str]],
                     server_elsewhere: bool) -> dict[str, str]:
    frameworks = language_catalog("python").server_frameworks
    server = {p for p, m in modules.items() if _imports_any(m, frameworks)}
    _spread(server, import_edges, lambda target: target in modules and not target.endswith(".ipynb"))
    has_server = server_elsewhere or any(not is_test_path(p) for p in server)
    contexts = {}
    for path, module in modules.items():
        if path.endswith(".ipynb") or is_test_path(path):
            contexts[path] = "local"  # tests run on the developer's machine or in CI
        elif path in server:
            contexts[path] = "server"
        elif not has_server or _imports_any(module, _CLI_IMPORTS):
            contexts[path] = "local"
        else:
            contexts[path] = "server"
    return contexts


def _javascript_contexts(modules: dict[str, ir.Module], import_edges: dict[str, set[str]],
                         extension_dirs: tuple[str, ...], server_elsewhere: bool) -> dict[str, str]:
    catalog = language_catalog("javascript")
    own: dict[str, str] = {}
    for path, module in modules.items():
        found = _own_context(path, module, catalog, extension_dirs)
        if found:
            own[path] = found
    contexts = dict(own)
    for context in ("server", "browser", "local"):  # imported modules take their importer's context
        reached = {p for p, c in own.items() if c == context}
        _spread(reached, import_edges, lambda target: target in modules and target not in own)
        for path in reached:
            contexts.setdefault(path, context)
    has_server = server_elsewhere or "server" in own.values()
    for path, module in modules.items():
        if path not in contexts:
            uses_dom = bool(_BROWSER_GLOBALS & module.names_used)
            contexts[path] = "browser" if uses_dom or not has_server else "server"
    return contexts


def _own_context(path: str, module: ir.Module, catalog, extension_dirs: tuple[str, ...]) -> str | None:
    if is_test_path(path):
        return "local"
    if "use client" in module.directives or "markup" in module.directives:
        return "browser"
    if "use server" in module.directives or is_server_path(path):
        return "server"
    if any(path.startswith(d + "/") or d == "" for d in extension_dirs):
        return "browser"  # an extension runs in the user's own browser
    if _imports_any(module, catalog.server_frameworks) or _edge_handler(module, catalog):
        return "server"
    if _imports_any(module, catalog.browser_frameworks):
        return "browser"
    if _imports_any(module, catalog.local_tools) or "process" in module.names_used and "argv" in module.names_used:
        return "local"
    return None


def _edge_handler(module: ir.Module, catalog) -> bool:
    """Deno (`Deno.serve(handler)`) or a Cloudflare-style worker (`export default { fetch(request) }`)."""
    if "Deno" in module.names_used:
        return True
    return any(func.name == "fetch" and func.params and func.params[0].name in catalog.request_param_names
               for func in module.functions)


def _spread(reached: set[str], import_edges: dict[str, set[str]], allowed) -> None:
    pending = list(reached)
    while pending:
        for target in import_edges.get(pending.pop(), ()):
            if target not in reached and allowed(target):
                reached.add(target)
                pending.append(target)


def session_scripts(modules: dict[str, ir.Module]) -> set[str]:
    """Modules re-run for every session (a Streamlit script): their globals are per user."""
    frameworks = language_catalog("python").session_scripts
    return {p for p, m in modules.items() if m.language == "python" and _imports_any(m, frameworks)}


def extension_folders(manifests: dict[str, str]) -> tuple[str, ...]:
    """Folders holding a browser extension's manifest.json ({path: text})."""
    folders = []
    for path, text in manifests.items():
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and "manifest_version" in data:
            folders.append(posixpath.dirname(path))
    return tuple(folders)
