"""How fast is a scan, and how does its cost grow? Measured against the parse floor.

    .venv/bin/python benchmarks/scan_speed.py                 # 100, 1,000 and 10,000 files
    .venv/bin/python benchmarks/scan_speed.py --sizes 100 1000

For each size it builds a synthetic repository (benchmarks/synthetic_repo.py) in a temporary
folder and measures, in the same run and each in a fresh process:

- the parse floor: reading and parsing with ast-grep-py, in one process, every file the scan
  analyzes (no ast-grep-based analyzer can be faster than this);
- the full scan in one process (`workers=1`) and with the default worker count;
- their ratios to the floor, files per second and the peak memory of the scan's processes;
- how many files the scan parsed: only those a key's flow can reach (engine/relevance.py) are,
  so the ratios depend on that share (17% of the synthetic repositories; most of a real BYOK
  app's files).

Then the oversized files alone (a 1 MB minified bundle, a file of one enormous line) and a scan
whose time budget runs out. It prints a table and exits 1 when a target of issue 6 is missed.
It is not part of the test suite: these machines are shared and timings are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_repo import build_repo  # noqa: E402

TARGETS = {
    "one process / floor at 1,000 files": 5.0,
    "default workers / floor at 1,000 files": 3.0,
    "time per file, 10,000 over 1,000": 1.3,
    "default workers / one process at 10,000 files": 0.65,
    "peak memory (MiB)": 1024.0,
    "oversized file (s)": 2.0,
}


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    detail: dict


def run_child(*args: str) -> Measure:
    """Run this script's child mode in a fresh process; it prints one JSON line."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return Measure(data["seconds"], data["peak_mib"], data.get("detail", {}))


def child_main(mode: str, folder: str, workers: str, budget: str) -> None:
    from trustcheck.config import load_settings
    settings = load_settings()
    settings = type(settings)(**{**settings.__dict__, "workers": int(workers),
                                 **({"scan_seconds": float(budget)} if float(budget) else {})})
    if mode == "parse":
        seconds, detail = _parse_floor(Path(folder), settings)
    else:
        seconds, detail = _scan(Path(folder), settings)
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "detail": detail}))


def _parse_floor(folder: Path, settings) -> tuple[float, dict]:
    """Read and parse, in this one process, every file the scan analyzes."""
    from ast_grep_py import SgRoot

    from trustcheck.files import discover, read_text
    grammar = {"python": "python", "javascript": "javascript", "typescript": "typescript", "tsx": "tsx",
               "markup": "html"}
    started = time.perf_counter()
    parsed = 0
    for source in discover(folder, settings).sources:
        text, _ = read_text(source.path, settings)
        if text is not None and source.language in grammar:
            SgRoot(text, grammar[source.language]).root()
            parsed += 1
    return time.perf_counter() - started, {"files": parsed}


def _scan(folder: Path, settings) -> tuple[float, dict]:
    from trustcheck.scan import scan_path
    to_parse = [0]

    def progress(stage: str, done: int, total: int) -> None:
        if stage in ("parsing", "analyzing"):
            to_parse[0] = max(to_parse[0], total)

    started = time.perf_counter()
    report = scan_path(folder, settings, progress=progress)
    seconds = time.perf_counter() - started
    skipped = {s.file: s.reason for s in report.coverage.skipped}
    return seconds, {"files": report.coverage.files, "parsed": to_parse[0], "findings": len(report.findings),
                     "complete": report.coverage.complete, "verdict": report.verdict,
                     "skipped": skipped}


def bench_size(size: int, work: Path, rows: list, results: dict) -> None:
    repo = build_repo(work / f"repo-{size}", size)
    floor = run_child("parse", str(repo.root), "1", "0")
    one = run_child("scan", str(repo.root), "1", "0")
    many = run_child("scan", str(repo.root), "0", "0")
    files = floor.detail["files"]
    results[size] = {"floor": floor.seconds, "one": one.seconds, "many": many.seconds, "files": files,
                     "peak": max(one.peak_mib, many.peak_mib)}
    rows.append((f"{size:,}", files, one.detail["parsed"], f"{floor.seconds:.2f}", f"{one.seconds:.2f}",
                 f"{many.seconds:.2f}",
                 f"{one.seconds / floor.seconds:.2f}", f"{many.seconds / floor.seconds:.2f}",
                 f"{files / many.seconds:.0f}", f"{max(one.peak_mib, many.peak_mib):.0f}",
                 f"{many.detail['findings']} ({repo.key_flows} leaking modules)"))
    shutil.rmtree(repo.root)


def bench_oversized(work: Path) -> list[tuple[str, float, str]]:
    """Each oversized file alone: how long its scan takes and what the report says about it."""
    build = build_repo(work / "repo-oversized", 100)
    out = []
    for name in ("bundle.min.js", "generated_table.py"):
        alone = work / f"alone-{name}"
        alone.mkdir()
        shutil.copy(build.root / "web" / "public" / name, alone / name)
        measure = run_child("scan", str(alone), "1", "0")
        out.append((name, measure.seconds, measure.detail["skipped"].get(name, "analyzed")))
    shutil.rmtree(build.root)
    return out


def bench_budget(work: Path) -> dict:
    """A scan of 1,000 files given far too little time: what does its report say?"""
    repo = build_repo(work / "repo-budget", 1000)
    measure = run_child("scan", str(repo.root), "0", "0.2")
    shutil.rmtree(repo.root)
    return {"seconds": measure.seconds, **{k: measure.detail[k] for k in ("complete", "verdict", "findings")}}


def print_table(header: tuple, rows: list) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(w) for cell, w in zip(row, widths)))


def check_targets(results: dict, oversized: list, budget: dict) -> list[str]:
    missed = []

    def check(name: str, value: float) -> None:
        ok = value <= TARGETS[name]
        print(f"{'ok  ' if ok else 'MISS'} {name}: {value:.2f} (target <= {TARGETS[name]})")
        if not ok:
            missed.append(name)

    if 1000 in results:
        r = results[1000]
        check("one process / floor at 1,000 files", r["one"] / r["floor"])
        check("default workers / floor at 1,000 files", r["many"] / r["floor"])
    if 1000 in results and 10000 in results:
        per_file = {n: results[n]["many"] / results[n]["files"] for n in (1000, 10000)}
        check("time per file, 10,000 over 1,000", per_file[10000] / per_file[1000])
        check("default workers / one process at 10,000 files", results[10000]["many"] / results[10000]["one"])
    check("peak memory (MiB)", max(r["peak"] for r in results.values()))
    for name, seconds, _ in oversized:
        check("oversized file (s)", seconds)
    budget_ok = budget["complete"] or budget["verdict"] != "low"
    print(f"{'ok  ' if budget_ok else 'MISS'} scan out of time: complete={budget['complete']} "
          f"verdict={budget['verdict']} after {budget['seconds']:.2f} s")
    if not budget_ok:
        missed.append("time budget")
    return missed


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(*sys.argv[2:6])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; each figure from a fresh process\n")
    results: dict = {}
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="trustcheck-bench-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            bench_size(size, work, rows, results)
        print_table(("size", "files", "parsed by scan", "floor s", "1 proc s", "default s", "1 proc/floor", "default/floor",
                     "files/s", "peak MiB", "findings"), rows)
        oversized = bench_oversized(work)
        print()
        for name, seconds, what in oversized:
            print(f"{name}: {seconds:.2f} s, {what}")
        budget = bench_budget(work)
    print()
    missed = check_targets(results, oversized, budget)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
