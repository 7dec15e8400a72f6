"""Where each module runs: on a server shared by many people, or on the user's own device.

A module that imports a web or chat framework is server code, and so is every app module it
imports. Notebooks and command-line tools are local. A module neither imports nor is imported
by a server is local when the app has no server, and server code otherwise (it is most likely
loaded by the server in a way the analysis does not see).
"""
from __future__ import annotations

import re

from . import ir

_CLI_IMPORTS = ("argparse", "click", "typer", "fire", "docopt", "getpass", "rich.prompt", "questionary",
                "prompt_toolkit", "inquirer", "tkinter", "PyQt5", "PyQt6", "PySide6", "customtkinter")
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|__tests__|fixtures?|test_data|testdata|spec)/"
                        r"|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$|(^|/)[^/]*\.(test|spec)\.[jt]sx?$")


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def _imports_any(module: ir.Module, names: tuple[str, ...]) -> bool:
    return any(imp == n or imp.startswith(n + ".") for imp in module.imports for n in names)


def module_contexts(modules: dict[str, ir.Module], import_edges: dict[str, set[str]],
                    server_frameworks: tuple[str, ...]) -> dict[str, str]:
    """Path -> "server" or "local" for every module."""
    server = {p for p, m in modules.items() if m.language == "python" and _imports_any(m, server_frameworks)}
    pending = list(server)
    while pending:
        for target in import_edges.get(pending.pop(), ()):
            if target not in server and not target.endswith(".ipynb"):
                server.add(target)
                pending.append(target)
    has_server = any(not is_test_path(p) for p in server)
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


def session_scripts(modules: dict[str, ir.Module], frameworks: tuple[str, ...]) -> set[str]:
    """Modules re-run for every session (a Streamlit script): their globals are per user."""
    return {p for p, m in modules.items() if _imports_any(m, frameworks)}
