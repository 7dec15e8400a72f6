"""A folder -> the source files to analyze, and a record of what was skipped and why.

Symbolic links are never followed. Dependencies, virtual environments, build output and
version-control folders are skipped as a whole; files too large, binary or minified are
skipped one by one. Nothing here runs or imports anything from the scanned folder.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .report.model import Skip

LANGUAGES = {".py": "python", ".pyw": "python", ".ipynb": "notebook",
             ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
             ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
             ".html": "markup", ".htm": "markup", ".vue": "markup", ".svelte": "markup"}
DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")  # TypeScript type declarations: no code to follow
SKIPPED_DIRS = {
    ".git": "version control data", ".hg": "version control data", ".svn": "version control data",
    "node_modules": "installed dependencies", "site-packages": "installed dependencies",
    "bower_components": "installed dependencies", "vendor": "vendored third-party code",
    "third_party": "vendored third-party code", "__pycache__": "compiled files",
    ".venv": "a virtual environment", "venv": "a virtual environment", ".tox": "test environments",
    ".nox": "test environments", ".mypy_cache": "tool caches", ".pytest_cache": "tool caches",
    ".ruff_cache": "tool caches", "dist": "build output", "build": "build output",
    ".next": "build output", ".nuxt": "build output", ".svelte-kit": "build output",
    ".output": "build output", "coverage": "test coverage output", ".ipynb_checkpoints": "notebook checkpoints",
}
TEXT_SUFFIXES = {".py", ".pyw", ".ipynb", ".env", ".toml", ".json", ".mts", ".cts", ".yaml", ".yml", ".cfg", ".ini",
                 ".txt", ".md", ".sh", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".html", ".htm",
                 ".vue", ".svelte", ".example", ".sample", ".conf", ".properties", ".rb", ".go", ".php"}
BINARY_PROBE = 8192
MINIFIED = "minified or generated"


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute path on disk
    rel: str  # relative to the scanned root, with forward slashes
    language: str
    size: int


@dataclass
class Inventory:
    sources: list[SourceFile]
    skipped: list[Skip]
    text_files: list[SourceFile]  # every small text file, for committed secrets


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def discover(root: Path, settings: Settings) -> Inventory:
    sources: list[SourceFile] = []
    skipped: list[Skip] = []
    text_files: list[SourceFile] = []
    root_text = str(root)
    for folder, dirs, files in os.walk(root_text, followlinks=False):
        rel_folder = os.path.relpath(folder, root_text).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        kept = []
        for name in sorted(dirs):
            full = os.path.join(folder, name)
            reason = SKIPPED_DIRS.get(name) or ("a virtual environment" if _is_virtualenv(full) else None)
            if os.path.islink(full):
                reason = "a symbolic link (not followed)"
            if reason:
                skipped.append(Skip(rel_folder + name + "/", reason))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            full = os.path.join(folder, name)
            rel = rel_folder + name
            suffix = os.path.splitext(name)[1].lower()
            if os.path.islink(full):
                if suffix in LANGUAGES:
                    skipped.append(Skip(rel, "a symbolic link (not followed)"))
                continue
            try:
                size = os.path.getsize(full)
            except OSError:
                skipped.append(Skip(rel, "could not be read"))
                continue
            language = LANGUAGES.get(suffix)
            if language is not None and not name.endswith(DECLARATIONS):
                if size > settings.max_file_bytes:
                    skipped.append(Skip(rel, f"larger than {settings.max_file_bytes:,} bytes"))
                else:
                    sources.append(SourceFile(full, rel, language, size))
            if (suffix in TEXT_SUFFIXES or name.startswith(".env") or name == "secrets.toml") \
                    and size <= settings.max_file_bytes:
                text_files.append(SourceFile(full, rel, "text", size))
    if len(sources) > settings.max_files:
        for extra in sources[settings.max_files:]:
            skipped.append(Skip(extra.rel, f"over the limit of {settings.max_files:,} files per scan"))
        sources = sources[:settings.max_files]
    return Inventory(sources, skipped, text_files)


def read_text(path: str, settings: Settings, check_lines: bool = True) -> tuple[str | None, str | None]:
    """(text, None) or (None, the reason it cannot be analyzed)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(settings.max_file_bytes + 1)
    except OSError:
        return None, "could not be read"
    if len(data) > settings.max_file_bytes:
        return None, f"larger than {settings.max_file_bytes:,} bytes"
    if b"\x00" in data[:BINARY_PROBE]:
        return None, "a binary file"
    text = data.decode("utf-8-sig", errors="replace")
    reason = too_long(text, settings) if check_lines else None
    return (None, reason) if reason else (text, None)


def too_long(text: str, settings: Settings) -> str | None:
    """The reason to skip minified or generated text, if it is."""
    if len(text) <= settings.max_line_chars:
        return None  # no line of it can be too long
    longest = max(map(len, text.splitlines()), default=0)
    if longest > settings.max_line_chars:
        return f"{MINIFIED} (a line of {longest:,} characters)"
    return None
