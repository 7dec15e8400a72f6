"""Source files in, findings out: parse each file into IR, interpret the program, collect.

    analysis = analyze_sources(files, settings, deadline)

Only the files that can take part in a key's flow are parsed (see `relevance`); the others
are read and counted as analyzed, since no flow can reach them. When the analysis finds the key
kept in the state of a file that other files import, those are added and the analysis runs again.

A small app is analyzed as one program in this process. A large one (at least
`settings.parallel_threshold` files to parse) is split into parts closed under imports
(see `partition`), a few per process, each analyzed as a program of its own: this process and
the worker processes take them in turn, and each parses and analyzes its parts itself: only
findings come back, since handing a parsed file from one process to another costs as much as
parsing it. The files of a large repository are read the same way, before (see `text_facts`).
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from ..config import Settings
from ..files import SourceFile, read_text, too_long
from ..notebook import NotebookError, notebook_code
from ..report.model import ExpectedUse, Finding, Skip
from . import ir
from .js_frontend import parse_javascript
from .markup import parse_markup
from .file_graph import FileGraph, file_graph
from .partition import partition
from .program import AnalysisBudgetExceeded, Program
from .python_frontend import parse_python
from .relevance import expand, holders, relevant_files
from .text_facts import TextFacts, read_facts
from .results import collect

ENGINE_VERSION = "0.3.0"  # part of a stored report's key: a new engine scans a commit again
OUT_OF_TIME = "not analyzed: the scan ran out of time"
_SHARE = 200  # files read at a time by one process, in a large repository
_PARALLEL_READING = 2000  # files from which reading them in several processes pays
_PARTS_PER_WORKER = 4  # more parts than processes, so that one finishing early takes another

Progress = Callable[[str, int, int], None]  # (stage, files done, files in all)


@dataclass
class Analysis:
    findings: list[Finding] = field(default_factory=list)
    test_findings: list[Finding] = field(default_factory=list)
    expected_uses: list[ExpectedUse] = field(default_factory=list)
    complete: bool = True
    kinds: set[str] = field(default_factory=set)  # where the analyzed modules run
    analyzed: list[str] = field(default_factory=list)  # paths of the modules analyzed
    parsed_with_errors: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    unrelated: list[str] = field(default_factory=list)  # read, not parsed: no flow reaches them
    holding: set[str] = field(default_factory=set)  # files whose state holds the key
    libraries: set[tuple[str, ...]] = field(default_factory=set)  # library state holding it, in words

    @property
    def app_kind(self) -> str:
        return "mixed" if len(self.kinds) > 1 else next(iter(self.kinds), "")

    def add(self, other: Analysis) -> None:
        self.findings += other.findings
        self.test_findings += other.test_findings
        self.expected_uses += other.expected_uses
        self.complete = self.complete and other.complete
        self.kinds |= other.kinds
        self.analyzed += other.analyzed
        self.parsed_with_errors += other.parsed_with_errors
        self.skipped += other.skipped
        self.holding |= other.holding
        self.libraries |= other.libraries


def parse_source(file: SourceFile, settings: Settings) -> ir.Module | Skip:
    """One file -> its IR, or the reason it was skipped."""
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


def analyze_sources(files: list[SourceFile], settings: Settings, deadline: float | None = None,
                    extension_dirs: tuple[str, ...] = (), progress: Progress | None = None,
                    workers: Workers | None = None) -> Analysis:
    """`workers`: the scan's worker processes, when it has other work for them (see `Workers`)."""
    if workers is None:
        with Workers(settings, len(files)) as own:
            return analyze_sources(files, settings, deadline, extension_dirs, progress, own)
    graph = file_graph(files, _read_facts(files, settings, workers))
    relevant = relevant_files(graph)
    while True:
        analysis = _analyze_files([f for f in files if f.rel in relevant], graph, settings, deadline,
                                  extension_dirs, progress, workers)
        held = analysis.holding | _naming(files, settings, analysis.libraries)
        more = expand(graph, held, relevant)
        if more <= relevant or not analysis.complete:
            break
        relevant = more
    analysis.unrelated = [f.rel for f in files if f.rel not in relevant]
    return analysis


class Workers:
    """The worker processes of a scan of `files` source files: none for a small repository;
    started when first needed (their server importing the engine slows this process down on
    these machines, whose two cores share one); not waited for at the end (a worker with a large
    heap takes a while to exit).

        with Workers(settings, len(files)) as workers:
            secrets = workers.aside(find_committed_secrets, text_files, settings)  # a worker's, if any
            analysis = analyze_sources(files, settings, workers=workers)
            found = secrets()
    """

    def __init__(self, settings: Settings, files: int):
        self.size = _workers(settings) - 1 if files >= settings.parallel_threshold else 0
        self.files = files
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.size, mp_context=_process_context())
        return self._pool

    @property
    def very_large(self) -> bool:
        """Whether the repository is large enough (`_PARALLEL_READING` files) for its reading to
        be shared out too: below that, starting a worker costs more than it saves."""
        return bool(self.size) and self.files >= _PARALLEL_READING

    def aside(self, work: Callable, *args) -> Callable[[], object]:
        """`work(*args)` in a worker while this process goes on, for a very large repository;
        here, when its result is asked for, otherwise."""
        if self.very_large:
            return self.pool().submit(work, *args).result
        return lambda: work(*args)


def _read_facts(files: list[SourceFile], settings: Settings, workers: Workers) -> list[TextFacts]:
    """What each file's text says; the files of a very large repository in shares across
    processes."""
    if not workers.very_large:
        return read_facts(files, settings)
    shares = [files[i:i + _SHARE] for i in range(0, len(files), _SHARE)]
    return [fact for facts in _shared_out(workers.pool(), shares, read_facts, settings) for fact in facts]


def _shared_out(pool: ProcessPoolExecutor, shares: list[list[SourceFile]], work: Callable, *args,
                progress: Callable[[int], None] | None = None) -> list:
    """`work(share, *args)` for every share, in this process and the pool's: the workers take
    shares from the end while this process takes them from the start, so that none waits for
    another (the workers start late: their server may still be importing the engine).
    `progress` is told how many files each finished share had."""
    results = []
    futures = [pool.submit(work, share, *args) for share in reversed(shares)][::-1]
    for share, future in zip(shares, futures):
        if future.cancel():  # no worker has taken it yet
            results.append(work(share, *args))
            if progress:
                progress(len(share))
    for share, future in zip(shares, futures):
        if not future.cancelled():
            results.append(future.result())
            if progress:
                progress(len(share))
    return results


def _naming(files: list[SourceFile], settings: Settings, libraries: set[tuple[str, ...]]) -> set[str]:
    """The files whose text names a library's state that holds the key (all of its words)."""
    if not libraries:
        return set()
    found = set()
    for file in files:
        text, _ = read_text(file.path, settings)
        if text and any(all(word in text for word in words) for words in libraries):
            found.add(file.rel)
    return found


def _analyze_files(files: list[SourceFile], graph: FileGraph, settings: Settings, deadline: float | None,
                   extension_dirs: tuple[str, ...], progress: Progress | None, workers: Workers) -> Analysis:
    if workers.size and len(files) >= settings.parallel_threshold:
        parts = partition(graph, files, (workers.size + 1) * _PARTS_PER_WORKER)
        if len(parts) > 1:
            return _analyze_in_workers(workers.pool(), parts, settings, deadline, extension_dirs, graph.servers,
                                       progress)
    return analyze_part(files, settings, deadline, extension_dirs, graph.servers, progress)


def analyze_part(files: list[SourceFile], settings: Settings, deadline: float | None,
                 extension_dirs: tuple[str, ...], servers: frozenset[str],
                 progress: Progress | None = None) -> Analysis:
    """Parse and analyze these files as one program (in a worker process, or in this one)."""
    modules: list[ir.Module] = []
    analysis = Analysis()
    with _collector_paused():
        _parse_all(files, settings, deadline, modules, analysis, progress)
    if progress:
        progress("analyzing", len(modules), len(modules))
    program = Program(modules, deadline, extension_dirs, servers)
    with _collector_spared():
        try:
            program.analyze()
        except (AnalysisBudgetExceeded, RecursionError):
            analysis.complete = False
    analysis.findings, analysis.test_findings, analysis.expected_uses = collect(program)
    analysis.kinds = {program.contexts[m.path] for m in modules}
    analysis.analyzed = [m.path for m in modules]
    analysis.parsed_with_errors = [m.path for m in modules if m.error_count]
    analysis.holding, analysis.libraries = holders(program)
    return analysis


def _parse_all(files: list[SourceFile], settings: Settings, deadline: float | None,
               modules: list[ir.Module], analysis: Analysis, progress: Progress | None) -> None:
    for done, file in enumerate(files, 1):
        if deadline is not None and time.monotonic() > deadline:
            analysis.skipped.append(Skip(file.rel, OUT_OF_TIME))
            analysis.complete = False
            continue
        parsed = parse_source(file, settings)
        if isinstance(parsed, Skip):
            analysis.skipped.append(parsed)
        else:
            modules.append(parsed)
        if progress:
            progress("parsing", done, len(files))


@contextmanager
def _collector_paused():
    """Parsing allocates millions of small objects that live until the scan ends and hold no
    cycles: Python's cycle collector, run every 700 allocations, would walk them over and over
    (a third of the parse time on a 1,000-file repository)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _collector_spared():
    """During the analysis, collect only what the analysis allocates, not the parsed IR."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _analyze_in_workers(pool: ProcessPoolExecutor, parts: list[list[SourceFile]], settings: Settings,
                        deadline: float | None, extension_dirs: tuple[str, ...], servers: frozenset[str],
                        progress: Progress | None) -> Analysis:
    """Each part as a program of its own, shared out among this process and the workers."""
    total = sum(len(part) for part in parts)
    done = [0]

    def advance(files: int) -> None:
        done[0] += files
        if progress:
            progress("analyzing", done[0], total)

    analysis = Analysis()
    for part in _shared_out(pool, parts, analyze_part, settings, deadline, extension_dirs, servers,
                            progress=advance):
        analysis.add(part)
    return analysis


def _workers(settings: Settings) -> int:
    return settings.workers or os.cpu_count() or 1


def _process_context():
    """Workers start from a clean server process, not forked from this one: the site scans in
    threads, and forking a process with threads can copy a lock another thread holds. The server
    (one per process, started with the first worker) imports the engine once for all workers."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, f"{__package__}.preload"])
    return context


def deadline_after(seconds: float) -> float:
    return time.monotonic() + seconds
