"""Which file an import names: Python's dotted modules (siblings first, packages, relative
imports) and JavaScript's specifiers (relative paths with their extensions and index files,
`@/` and `~/` aliases); anything else is a library, named by `package_path`."""
from __future__ import annotations

import posixpath

from . import ir

JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte")


def package_path(specifier: str) -> tuple[str, ...]:
    """A library's API path root: `node:fs` -> ("fs",), `socket.io-client` -> ("socket_io-client",)."""
    name = specifier.removeprefix("node:")
    return (name.replace(".", "_"),)


class ModuleIndex:
    def __init__(self, modules: dict[str, ir.Module]):
        self.modules = modules
        self.by_name: dict[str, list[str]] = {}
        self.packages: set[str] = set()  # package folders ("lib"), for `import lib.x`
        for path in sorted(modules, key=lambda p: (p.count("/"), p)):
            if modules[path].language != "python":
                continue
            parts = path[: -len(posixpath.splitext(path)[1])].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
                self.packages.add("/".join(parts))
            for folder in range(1, len(parts)):
                self.packages.add("/".join(parts[:folder]))
            for start in range(len(parts)):
                self.by_name.setdefault(".".join(parts[start:]), []).append(path)
        self.import_edges: dict[str, set[str]] = {}
        for path, module in modules.items():
            targets = {self.resolve(name, path) for name in module.imports}
            self.import_edges[path] = {t for t in targets if t}
            if module.language == "python":
                bodies = [module.body, *(fn.body for fn in module.functions), *(c.body for c in module.classes)]
                for stmt in (s for body in bodies for s in _relative_imports(body)):
                    target = self.resolve_from(stmt.module, stmt.level, path)
                    if target:
                        self.import_edges[path].add(target)

    def resolve(self, name: str, from_path: str) -> str | None:
        """The app file an import names, or None for a library."""
        if from_path in self.modules and self.modules[from_path].language == "javascript":
            return self.resolve_javascript(name, from_path)
        here = posixpath.dirname(from_path)
        local = posixpath.join(here, *name.split(".")) if name else here
        for candidate in (local + ".py", local + "/__init__.py"):
            if candidate in self.modules and candidate != from_path:  # cohere.py importing cohere
                return candidate
        if local in self.packages:
            return local + "/"
        paths = [p for p in self.by_name.get(name, ()) if p != from_path]
        if paths:
            return paths[0]
        folder = name.replace(".", "/")
        return folder + "/" if folder in self.packages else None

    def resolve_from(self, module: str, level: int, from_path: str) -> str | None:
        if level == 0:
            return self.resolve(module, from_path)
        base = posixpath.dirname(from_path)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        target = posixpath.join(base, *module.split(".")) if module else base
        for candidate in (target + ".py", target + "/__init__.py"):
            if candidate in self.modules:
                return candidate
        return target + "/" if target in self.packages else None

    def resolve_javascript(self, specifier: str, from_path: str) -> str | None:
        return resolve_javascript(specifier, from_path, self.modules)


def resolve_javascript(specifier: str, from_path: str, paths) -> str | None:
    """The file among `paths` (anything supporting `in`) a JavaScript specifier names."""
    here = posixpath.dirname(from_path)
    if specifier.startswith("."):
        bases = [posixpath.normpath(posixpath.join(here, specifier))]
    elif specifier.startswith(("@/", "~/", "#/")):
        rest = specifier[2:]
        ancestors = [here]
        while ancestors[-1]:
            ancestors.append(posixpath.dirname(ancestors[-1]))
        bases = [posixpath.join(a, sub, rest) for a in ancestors for sub in ("", "src")]
    elif specifier.startswith("/"):
        bases = [specifier.lstrip("/")]
    else:
        return None
    for base in bases:
        base = base.removeprefix("./")
        for candidate in (base, *(base + ext for ext in JS_EXTENSIONS),
                          *(base + "/index" + ext for ext in JS_EXTENSIONS)):
            if candidate in paths:
                return candidate
    return None


def _relative_imports(body: tuple[ir.Stmt, ...]):
    """Every relative `from . import x` in a block, at any depth (for the import graph)."""
    return (stmt for stmt in ir.statements(body) if type(stmt) is ir.ImportFrom and stmt.level)
