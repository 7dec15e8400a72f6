"""Scan jobs: resolve a URL to a commit, answer from the store when that commit was scanned,
else download, scan and store it, reporting progress on the way.

Jobs run in a bounded pool of threads (the heavy parsing runs in worker processes, see
engine.pipeline). Two requests for the same repository share one job while it runs, and a job
whose commit is already being scanned by another waits for that one. `JobManager` is the
interface a shared queue can implement instead; the views only submit and look jobs up.
"""
from __future__ import annotations

import logging
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..engine.pipeline import ENGINE_VERSION
from ..errors import TrustcheckError
from ..fetch import Resolution, fetch_repository, resolve_repository
from ..forges import AppRef, RepoRef
from ..report.model import Report
from ..scan import scan_fetched
from .excerpts import collect_excerpts
from .store import ReportKey, ReportStore

log = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    target: RepoRef | AppRef
    input: str
    status: str = "queued"  # queued | running | done | failed
    stage: str = "queued"  # resolving | downloading | extracting | parsing | analyzing | done
    done: int = 0
    total: int = 0
    key: ReportKey | None = None
    error: str | None = None
    error_status: int = 0
    created: float = field(default_factory=time.time)
    finished: threading.Event = field(default_factory=threading.Event)

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def to_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "stage": self.stage,
                "progress": {"done": self.done, "total": self.total}, "error": self.error}


class JobManager:
    def __init__(self, settings: Settings, store: ReportStore):
        self.settings = settings
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=max(1, settings.web_workers), thread_name_prefix="scan")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._active_targets: dict[object, str] = {}  # what was asked -> running job
        self._active_commits: dict[ReportKey, str] = {}  # what is being scanned -> job

    def submit(self, target: RepoRef | AppRef, text: str) -> Job:
        with self._lock:
            running = self._active_targets.get(target)
            if running is not None and running in self._jobs:
                return self._jobs[running]
            job = Job(uuid.uuid4().hex, target, text)
            self._jobs[job.id] = job
            self._active_targets[target] = job.id
            while len(self._jobs) > self.settings.jobs_kept:
                old_id, old = next(iter(self._jobs.items()))
                if not old.finished.is_set():
                    break
                del self._jobs[old_id]
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job) -> None:
        job.status = "running"
        try:
            self._scan(job)
            job.status, job.stage = "done", "done"
        except TrustcheckError as err:
            job.status, job.error, job.error_status = "failed", err.message, err.http_status
        except Exception:  # a bug must fail the job with a message, not leave it running forever
            log.exception("scan job %s failed", job.id)
            job.status, job.error, job.error_status = "failed", "the scan failed unexpectedly", 500
        finally:
            with self._lock:
                self._active_targets.pop(job.target, None)
                if job.key is not None and self._active_commits.get(job.key) == job.id:
                    del self._active_commits[job.key]
            job.finished.set()

    def _scan(self, job: Job) -> None:
        settings = self.settings
        resolution = resolve_repository(job.target, settings, job.progress)
        key = ReportKey(resolution.forge, resolution.repo, resolution.commit, ENGINE_VERSION,
                        resolution.ref.subpath or "")
        job.key = key
        if self.store.get(key) is not None:
            return
        other = self._claim(job, key)
        if other is not None:  # the same commit is being scanned: wait for that scan
            job.stage = "waiting"
            other.finished.wait(timeout=settings.download_seconds + settings.scan_seconds + 60)
            if self.store.get(key) is not None:
                return
            raise TrustcheckError("the scan of this commit failed; please try again")
        # A scan of this commit may have stored its report and let go of it between the check
        # above and the claim: look again before downloading it a second time.
        if self.store.get(key) is not None:
            return
        report, extras = self._download_and_scan(job, resolution)
        self.store.put(key, report.to_dict(), extras)

    def _claim(self, job: Job, key: ReportKey) -> Job | None:
        """Make `job` the one scanning `key`, or return the job that already is. A claimed job
        is unfinished, so it is still in `_jobs` while the lock is held."""
        with self._lock:
            other = self._active_commits.get(key)
            if other is None:
                self._active_commits[key] = job.id
                return None
            return self._jobs[other]

    def _download_and_scan(self, job: Job, resolution: Resolution) -> tuple[Report, dict]:
        settings = self.settings
        job.progress("downloading", 0, 0)  # the commit is known; the archive may take a while to start
        with tempfile.TemporaryDirectory(prefix="trustcheck-scan-") as tmp:
            fetched = fetch_repository(resolution, Path(tmp) / "repo", settings, job.progress)
            report = scan_fetched(fetched, job.input, settings, job.progress)
            extras = {"web_url": fetched.web_url, "default_branch": fetched.default_branch,
                      "subpath": fetched.subpath, "excerpts": collect_excerpts(fetched.root, report)}
        return report, extras
