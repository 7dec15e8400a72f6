"""Parse source files into IR (in worker processes when there are many),
interpret the whole program, and collect findings.

    modules, skipped = parse_sources(files, settings)
    analysis = analyze(modules, deadline)
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ..config import Settings
from ..files import SourceFile, read_text, too_long
from ..notebook import NotebookError, notebook_code
from ..report.model import ExpectedUse, Finding, Skip
from . import ir
from .program import AnalysisBudgetExceeded, Program
from .js_frontend import parse_javascript
from .markup import parse_markup
from .python_frontend import parse_python
from .results import collect

ENGINE_VERSION = "0.1.0"


@dataclass
class Analysis:
    findings: list[Finding]
    test_findings: list[Finding]
    expected_uses: list[ExpectedUse]
    complete: bool
    app_kind: str


def parse_source(file: SourceFile, settings: Settings) -> ir.Module | Skip:
    """One file -> its IR, or the reason it was skipped. Runs in worker processes."""
    text, reason = read_text(file.path, settings, check_lines=file.language != "notebook")
    if text is None:
        return Skip(file.rel, reason)
    line_map = None
    if file.language == "notebook":
        try:
            text, line_map = notebook_code(text)
        except NotebookError as err:
            return Skip(file.rel, err.message)
        reason = too_long(text, settings)
        if reason:
            return Skip(file.rel, reason)
    try:
        if file.language in ("python", "notebook"):
            module = parse_python(text, file.rel)
        elif file.language == "markup":
            module = parse_markup(text, file.rel)
        else:
            module = parse_javascript(text, file.rel, file.language)
    except (RuntimeError, ValueError, RecursionError) as err:
        return Skip(file.rel, f"could not be parsed ({type(err).__name__})")
    module.line_map = line_map
    return module


def _parse_chunk(files: list[SourceFile], settings: Settings) -> list[ir.Module | Skip]:
    return [parse_source(f, settings) for f in files]


def parse_sources(files: list[SourceFile], settings: Settings,
                  progress=None) -> tuple[list[ir.Module], list[Skip]]:
    """Parse every file, in worker processes when there are enough to pay for them.
    `progress(done, total)` is called as files complete."""
    workers = settings.workers or os.cpu_count() or 1
    results: list[ir.Module | Skip] = []
    if workers > 1 and len(files) >= settings.parallel_threshold:
        size = max(8, len(files) // (workers * 8))
        chunks = [files[i:i + size] for i in range(0, len(files), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for chunk_result in pool.map(_parse_chunk, chunks, [settings] * len(chunks)):
                results.extend(chunk_result)
                if progress:
                    progress(len(results), len(files))
    else:
        for file in files:
            results.append(parse_source(file, settings))
            if progress:
                progress(len(results), len(files))
    modules = [r for r in results if isinstance(r, ir.Module)]
    skipped = [r for r in results if isinstance(r, Skip)]
    return modules, skipped


def analyze(modules: list[ir.Module], deadline: float | None = None,
            extension_dirs: tuple[str, ...] = ()) -> Analysis:
    program = Program(modules, deadline, extension_dirs)
    complete = True
    try:
        program.analyze()
    except AnalysisBudgetExceeded:
        complete = False
    except RecursionError:
        complete = False
    findings, test_findings, expected = collect(program)
    kinds = {program.contexts[m.path] for m in modules}
    app_kind = "mixed" if len(kinds) > 1 else (kinds.pop() if kinds else "")
    return Analysis(findings, test_findings, expected, complete, app_kind)


def deadline_after(seconds: float) -> float:
    return time.monotonic() + seconds
