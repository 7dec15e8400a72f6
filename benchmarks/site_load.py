"""Load on the web site, entirely on loopback: how fast stored reports are served to many clients
at once, and whether a burst of new scans all finish, within the worker limit, without duplicate
work for the same commit.

    .venv/bin/python benchmarks/site_load.py [--clients 20] [--requests 20] [--scans 20]

A fake forge (tests/fake_forge.py) serves small generated repositories, each a Streamlit app that
logs the user's key; the real site (`wsgi:app`, an instance folder in a temporary directory) runs
as it is deployed, under gunicorn on 127.0.0.1 with one process per core (`--processes`), which
share the scan queue through the site's database. Nothing else is contacted.

Phase A, stored reports: one repository is scanned, then every client (a process of its own with
one kept-alive connection, as a browser has) asks for its report page and its JSON status, in
turn, at once. Target: median under 50 ms, no errors.

Phase B, new scans, through the JSON API and the form (with its CSRF token): one repository's
commit asked for six times at once (the same URL, and other URLs of that commit), then, as soon as
those are accepted, one scan of each other repository at once. Targets: every submission ends
with its report; the archive host sees exactly one download per repository; scans in progress
never exceed `web_workers`, observed from outside twice: by downloads in flight at the archive
host (each download is slowed so that they overlap) and by polling each job's status.

Prints a table of figures and exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import math
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_forge import FakeForge, serve_github, settings_for  # noqa: E402
from tests.site_process import gunicorn_site  # noqa: E402

Row = tuple[str, str, bool]  # what, the figure, whether it meets its target
STORED_MEDIAN_MS = 50.0
SCANS_SECONDS = 120.0  # phase B's deadline
ARCHIVE_DELAY = 0.25  # seconds each archive download takes, so that concurrent downloads overlap
LEAKY_APP = ("import logging\nimport streamlit as st\n\nlog = logging.getLogger(__name__)\n\n"
             "key = st.text_input('OpenAI API key', type='password')\n"
             "log.info('user key: %s', key)\nst.write('thanks, app {n}')\n")


class CountingForge(FakeForge):
    """A fake forge that slows every answer by `delay` and counts requests in flight."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        self.server.RequestHandlerClass = self._counting(self.server.RequestHandlerClass)

    def _counting(self, handler: type) -> type:
        forge = self

        class Counting(handler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with forge._lock:
                    forge.in_flight += 1
                    forge.peak = max(forge.peak, forge.in_flight)
                try:
                    time.sleep(forge.delay)
                    super().do_GET()
                finally:
                    with forge._lock:
                        forge.in_flight -= 1

        return Counting


@dataclass(frozen=True)
class Repo:
    owner: str
    name: str
    sha: str

    def url(self, forge: FakeForge, suffix: str = "") -> str:
        return f"{forge.url}/gh/{self.owner}/{self.name}{suffix}"


@dataclass
class Site:
    base: str
    forge: FakeForge
    codeload: CountingForge
    workers: int

    def downloads(self, repo: Repo) -> int:
        return sum(1 for path in self.codeload.paths() if path.endswith(f"/{repo.name}/legacy.tar.gz/{repo.sha}"))


@dataclass
class Latencies:
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None) -> None:
        with self._lock:
            self.ms.append(ms)
            if error:
                self.errors.append(error)


@dataclass
class Load:
    clients: int
    kinds: dict[str, Latencies]
    seconds: float = 0.0

    def every(self) -> Latencies:
        return Latencies([ms for lat in self.kinds.values() for ms in lat.ms],
                         [error for lat in self.kinds.values() for error in lat.errors])


# The site and the forge ---------------------------------------------------------------------------

def serve_repo(forge: FakeForge, codeload: FakeForge, index: int) -> Repo:
    name = f"app{index:02d}"
    repo = Repo("load", name, hashlib.sha1(name.encode()).hexdigest())
    files = {"app.py": LEAKY_APP.format(n=index), "requirements.txt": "streamlit\n", "README.md": f"# App {index}\n"}
    serve_github(forge, codeload, repo.owner, repo.name, repo.sha, files)
    forge.json(f"/gh-api/repos/{repo.owner}/{repo.name}/commits/{repo.sha}", {"sha": repo.sha})
    return repo


def new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    return session


def submit_json(session: requests.Session, site: Site, url: str) -> str:
    response = session.post(f"{site.base}/api/scans", json={"url": url}, timeout=30)
    if response.status_code != 202:
        raise RuntimeError(f"POST /api/scans answered {response.status_code}: {response.text[:200]}")
    return response.json()["id"]


def submit_form(session: requests.Session, site: Site, url: str) -> str:
    """The form, as a browser sends it: the CSRF token from the home page, with its cookie."""
    page = session.get(f"{site.base}/", timeout=30).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = session.post(f"{site.base}/scan", data={"url": url, "csrf": token}, allow_redirects=False,
                            timeout=30)
    if response.status_code != 303:
        raise RuntimeError(f"POST /scan answered {response.status_code}")
    return response.headers["Location"].rsplit("/", 1)[1]


def wait_for(session: requests.Session, site: Site, job_id: str, seconds: float = 60.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = session.get(f"{site.base}/api/scans/{job_id}", timeout=30).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise RuntimeError(f"scan {job_id} did not finish in {seconds:.0f} s")


# Phase A: stored reports ----------------------------------------------------------------------------

def stored_reports(site: Site, repo: Repo, clients: int, requests_each: int) -> tuple[Load, Load, Load]:
    """The load on one stored report's pages: one client alone, then all of them; and all of
    them on a small static file, the floor that the WSGI server and the clients set. Every
    server process has served these pages before the figures are taken."""
    with new_session() as session:
        job = wait_for(session, site, submit_json(session, site, repo.url(site.forge)))
    if job["status"] != "done":
        raise RuntimeError(f"the first scan failed: {job['error']}")
    pages = [("html", job["report_url"], "html"), ("json", f"{site.base}/api/scans/{job['id']}", "json")]
    static = [("static", f"{site.base}/static/favicon.svg", "any")]
    hammer(pages + static, clients, requests_each)  # warm-up
    alone, crowd = hammer(pages, 1, requests_each), hammer(pages, clients, requests_each)
    return alone, crowd, hammer(static, clients, requests_each)


def hammer(pages: list[tuple[str, str, str]], clients: int, requests_each: int) -> Load:
    """`clients` processes, each with one kept-alive connection, ask for each page in turn, all
    at once. Processes, not threads: clients sharing one interpreter would wait on each other."""
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(clients + 1), spawn.Queue()
    workers = [spawn.Process(target=_client, args=(pages, requests_each, start, results)) for _ in range(clients)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    load = Load(clients, {kind: Latencies() for kind, _, _ in pages})
    for _ in workers:
        for kind, ms, error in results.get(timeout=300):
            load.kinds[kind].add(ms, error)
    load.seconds = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return load


def _client(pages: list[tuple[str, str, str]], requests_each: int, start, results) -> None:
    address = urlsplit(pages[0][1])
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    measured = []
    start.wait()
    for i in range(requests_each):
        kind, url, expected = pages[i % len(pages)]
        address = urlsplit(url)
        began = time.perf_counter()
        try:
            connection.request("GET", address.path + (f"?{address.query}" if address.query else ""))
            response = connection.getresponse()
            body = response.read()
            error = None if response.status == 200 and _as_expected(expected, body) else f"{response.status} {url}"
        except (OSError, http.client.HTTPException) as err:
            connection.close()
            error = f"{type(err).__name__} {url}"
        measured.append((kind, (time.perf_counter() - began) * 1000, error))
    results.put(measured)


def _as_expected(expected: str, body: bytes) -> bool:
    if expected == "html":
        return b"High risk" in body
    if expected == "json":
        return json.loads(body).get("report", {}).get("verdict") == "high"
    return True


# Phase B: new scans ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Submission:
    repo: Repo
    url: str
    via_form: bool = False


@dataclass
class Tracked:
    submission: Submission
    job_id: str | None = None
    error: str | None = None
    submitted: float = 0.0
    finished: float | None = None
    status: dict = field(default_factory=dict)
    running: list[float] = field(default_factory=list)  # first and last poll that saw it running
    stages: set[str] = field(default_factory=set)


def burst(site: Site, repos: list[Repo]) -> list[list[Submission]]:
    """Two waves, each sent at once, the second as soon as the first is accepted: the first
    repository's commit asked for six times (its URL three times, twice through the form, and two
    other URLs of the same commit, which are jobs of their own), then one scan per other
    repository. The first wave's jobs head the queue, so its duplicates meet its scan running."""
    first = repos[0]
    same_commit = [Submission(first, first.url(site.forge)), Submission(first, first.url(site.forge)),
                   Submission(first, first.url(site.forge), True), Submission(first, first.url(site.forge, "/"), True),
                   Submission(first, first.url(site.forge, "/tree/main")),
                   Submission(first, first.url(site.forge, f"/commit/{first.sha}"))]
    return [same_commit, [Submission(repo, repo.url(site.forge)) for repo in repos[1:]]]


def new_scans(site: Site, waves: list[list[Submission]]) -> tuple[list[Tracked], float]:
    began = time.monotonic()
    tracked = [item for wave in waves for item in _send_at_once(site, wave)]
    _poll_until_finished(site, [t for t in tracked if t.job_id], began + SCANS_SECONDS)
    return tracked, time.monotonic() - began


def _send_at_once(site: Site, wave: list[Submission]) -> list[Tracked]:
    tracked = [Tracked(s) for s in wave]
    start = threading.Barrier(len(tracked))

    def send(item: Tracked) -> None:
        with new_session() as session:
            start.wait()
            item.submitted = time.monotonic()
            try:
                send_one = submit_form if item.submission.via_form else submit_json
                item.job_id = send_one(session, site, item.submission.url)
            except (requests.RequestException, RuntimeError, AttributeError) as err:
                item.error = f"submission failed: {err}"

    threads = [threading.Thread(target=send, args=(item,)) for item in tracked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tracked


def _poll_until_finished(site: Site, tracked: list[Tracked], deadline: float) -> None:
    """Poll every unfinished job's status, as the progress page does, recording when it was seen
    running and when it finished."""
    with new_session() as session:
        while time.monotonic() < deadline and any(t.finished is None for t in tracked):
            for item in [t for t in tracked if t.finished is None]:
                _poll(session, site, item)
            time.sleep(0.02)
    for item in tracked:
        if item.finished is None:
            item.error = f"not finished after {SCANS_SECONDS:.0f} s (status {item.status.get('status', '?')})"


def _poll(session: requests.Session, site: Site, item: Tracked) -> None:
    try:
        response = session.get(f"{site.base}/api/scans/{item.job_id}", timeout=30)
        item.status = response.json()
    except requests.RequestException:
        return  # counted as unfinished if it never answers before the deadline
    now = time.monotonic()
    item.stages.add(item.status.get("stage", ""))
    if response.status_code == 404:
        item.finished, item.error = now, "the job was lost (404)"
    elif item.status["status"] == "running":
        item.running = [item.running[0] if item.running else now, now]
    elif item.status["status"] in ("done", "failed"):
        item.finished = now


def running_at_once(tracked: list[Tracked]) -> int:
    """The most jobs seen running at overlapping times. Each interval runs from the first to the
    last poll that saw the job running, inside the job's true running time, so this never
    counts more than really ran at once (it can count fewer)."""
    intervals = {item.job_id: item.running for item in tracked if item.running}
    events = sorted([(first, 1) for first, _ in intervals.values()] + [(last, -1) for _, last in intervals.values()],
                    key=lambda e: (e[0], -e[1]))
    count = peak = 0
    for _, step in events:
        count += step
        peak = max(peak, count)
    return peak


# Results --------------------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


def report_stored(alone: Load, crowd: Load, floor: Load) -> list[Row]:
    rows = [(f"A 1 client: median {kind} ms", f"{statistics.median(lat.ms):.1f}", not lat.errors)
            for kind, lat in alone.kinds.items()]
    for kind, lat in [*crowd.kinds.items(), ("all", crowd.every())]:
        target = kind != "all" or statistics.median(lat.ms) < STORED_MEDIAN_MS
        rows.append((f"A {crowd.clients} clients, {kind}: requests / errors", f"{len(lat.ms)} / {len(lat.errors)}",
                     not lat.errors))
        rows.append((f"A {crowd.clients} clients, {kind}: median / p95 / max ms",
                     f"{statistics.median(lat.ms):.1f} / {percentile(lat.ms, 0.95):.1f} / {max(lat.ms):.1f}", target))
    throughput = len(crowd.every().ms) / crowd.seconds
    rows.append((f"A {crowd.clients} clients: requests per second", f"{throughput:.0f}", True))
    rows.append((f"A {crowd.clients} clients, static file: median ms", f"{statistics.median(floor.every().ms):.1f}",
                 True))
    for error in (alone.every().errors + crowd.every().errors)[:5]:
        print("  error:", error)
    return rows


def _has_its_report(item: Tracked) -> bool:
    status = item.status
    return (not item.error and status.get("status") == "done" and (status.get("report") or {}).get("verdict") == "high"
            and (status.get("report_url") or "").endswith(f"/{item.submission.repo.name}/{item.submission.repo.sha}"))


def report_scans(site: Site, repos: list[Repo], tracked: list[Tracked], seconds: float) -> list[Row]:
    failed = [t for t in tracked if not _has_its_report(t)]
    for item in failed[:5]:
        print("  failed:", item.submission.url, item.error or item.status.get("error"))
    downloads = {repo.name: site.downloads(repo) for repo in repos}
    wrong = {name: n for name, n in downloads.items() if n != 1}
    scan_ms = [(t.finished - t.submitted) * 1000 for t in tracked if t.finished is not None]
    polled, peak = running_at_once(tracked), site.codeload.peak
    distinct_jobs = len({t.job_id for t in tracked if t.job_id})
    first = [t for t in tracked if t.submission.repo == repos[0]]
    waited = len({t.job_id for t in first if "waiting" in t.stages})
    return [
        ("B submissions / jobs", f"{len(tracked)} / {distinct_jobs}", True),
        ("B first repository: submissions / jobs / waited",
         f"{len(first)} / {len({t.job_id for t in first if t.job_id})} / {waited}", True),
        ("B finished with a report", f"{len(tracked) - len(failed)} of {len(tracked)}", not failed),
        ("B total time s", f"{seconds:.2f}", seconds < SCANS_SECONDS),
        ("B submission to report, median / max s",
         f"{statistics.median(scan_ms) / 1000:.2f} / {max(scan_ms) / 1000:.2f}" if scan_ms else "-", bool(scan_ms)),
        ("B downloads in flight, max", f"{peak} (limit {site.workers})", peak <= site.workers),
        ("B jobs running at once, polled", f"{polled} (limit {site.workers})", polled <= site.workers),
        ("B downloads per repository",
         "1 each" if not wrong else ", ".join(f"{name}: {n}" for name, n in wrong.items()), not wrong),
    ]


def print_table(rows: list[Row]) -> None:
    width = max(len(name) for name, _, _ in rows)
    print()
    for name, value, ok in rows:
        print(f"{name:<{width}}  {value:<24} {'ok' if ok else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="phase A: clients asking at once")
    parser.add_argument("--requests", type=int, default=20, help="phase A: requests per client")
    parser.add_argument("--scans", type=int, default=20, help="phase B: distinct repositories scanned at once")
    parser.add_argument("--workers", type=int, default=2, help="the site's web_workers (scans at once)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="gunicorn processes serving the site (default: one per core)")
    args = parser.parse_args()
    forge, codeload = FakeForge(), CountingForge(delay=ARCHIVE_DELAY)
    try:
        with tempfile.TemporaryDirectory(prefix="trustcheck-load-") as tmp:
            settings = settings_for(forge, codeload, web_workers=args.workers, scans_per_hour=10_000)
            with gunicorn_site(settings, Path(tmp), args.processes) as base:
                site = Site(base, forge, codeload, args.workers)
                stored = serve_repo(forge, codeload, 0)
                print(f"phase A: {args.clients} clients x {args.requests} requests for a stored report, "
                      f"{args.processes} server processes")
                rows = report_stored(*stored_reports(site, stored, args.clients, args.requests))
                codeload.peak = 0
                repos = [serve_repo(forge, codeload, i) for i in range(1, args.scans + 1)]
                waves = burst(site, repos)
                duplicates = sum(map(len, waves)) - args.scans
                print(f"phase B: {args.scans} new scans and {duplicates} duplicate submissions, {args.workers} workers")
                tracked, seconds = new_scans(site, waves)
                rows += report_scans(site, repos, tracked, seconds)
    finally:
        forge.close()
        codeload.close()
    print_table(rows)
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
