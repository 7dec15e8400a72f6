"""Scan jobs: resolve a URL to a commit, answer from the store when that commit was scanned,
else download, scan and store it, reporting progress on the way.

Jobs live in the site's database, so that every process serving the site sees every job and the
limits hold for the site as a whole: at most `web_workers` scans run at once, one job per target
while it is unfinished, and one scan per commit (a job whose commit another job is scanning
waits for that one). Each process runs runner threads that claim queued jobs in the order they
came; a process that stops in the middle of a scan stops beating, and its jobs fail with a
message instead of running forever. The heavy parsing runs in worker processes (engine.pipeline).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..engine.pipeline import ENGINE_VERSION
from ..errors import TrustcheckError
from ..fetch import Resolution, fetch_repository, resolve_repository
from ..forges import AppRef, RepoRef, parse_target
from ..report.model import Report
from ..scan import scan_fetched
from .database import Database
from .excerpts import collect_excerpts
from .store import ReportKey, ReportStore

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2  # how soon an idle runner sees a job queued by another process
BEAT_SECONDS = 5.0  # how often a process tells the others that its running jobs are alive
STALE_SECONDS = 60.0  # a running job whose process has not beaten for this long has stopped
PROGRESS_SECONDS = 0.25  # progress within a stage is written at most this often
_COLUMNS = "id, input, status, stage, done, total, report_key, error, error_status, created"


@dataclass
class Job:
    id: str
    input: str
    status: str = "queued"  # queued | running | done | failed
    stage: str = "queued"  # resolving | downloading | extracting | parsing | analyzing | waiting | done
    done: int = 0
    total: int = 0
    key: ReportKey | None = None
    error: str | None = None
    error_status: int = 0
    created: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "stage": self.stage,
                "progress": {"done": self.done, "total": self.total}, "error": self.error}

    @classmethod
    def from_row(cls, row: tuple) -> Job:
        key = ReportKey(*json.loads(row[6])) if row[6] else None
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], key, row[7], row[8], row[9])


class JobManager:
    def __init__(self, settings: Settings, store: ReportStore, database: Database):
        self.settings = settings
        self.store = store
        self._db = database
        self._owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stopping = threading.Event()
        self._wakeup = threading.Condition()
        self._mine: set[str] = set()  # the jobs this process is running, whose liveness it beats
        with database.writing() as db:
            db.execute("""CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY, target TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
                stage TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
                report_key TEXT, error TEXT, error_status INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL,
                owner TEXT, beat REAL)""")
            db.execute("CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created)")
            db.execute("CREATE INDEX IF NOT EXISTS jobs_by_target ON jobs (target, status)")
            db.execute("CREATE TABLE IF NOT EXISTS scanning (report_key TEXT PRIMARY KEY, job TEXT NOT NULL)")
        threads = [threading.Thread(target=self._runner, name=f"scan-{i}", daemon=True)
                   for i in range(max(1, settings.web_workers))]
        threads.append(threading.Thread(target=self._beater, name="scan-beat", daemon=True))
        for thread in threads:
            thread.start()

    def submit(self, target: RepoRef | AppRef, text: str) -> Job:
        """A new queued job for `target`, or the unfinished one already asked for it."""
        with self._db.writing() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE target = ? AND status IN ('queued', 'running')",
                             (repr(target),)).fetchone()
            if row is not None:
                return Job.from_row(row)
            job = Job(uuid.uuid4().hex, text, created=time.time())
            db.execute("INSERT INTO jobs (id, target, input, status, stage, created) VALUES (?, ?, ?, ?, ?, ?)",
                       (job.id, repr(target), text, job.status, job.stage, job.created))
            db.execute("DELETE FROM jobs WHERE status IN ('done', 'failed') AND id NOT IN "
                       "(SELECT id FROM jobs ORDER BY created DESC LIMIT ?)", (self.settings.jobs_kept,))
        self._wake()
        return job

    def get(self, job_id: str) -> Job | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row else None

    def wait(self, job_id: str, seconds: float) -> Job | None:
        """The job once finished, or as it is after `seconds`."""
        deadline = time.monotonic() + seconds
        while (job := self.get(job_id)) is not None and not job.finished and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        """Stop claiming jobs (a scan in progress runs on in its daemon thread)."""
        self._stopping.set()
        self._wake()

    def reap(self, now: float | None = None) -> int:
        """Fail the running jobs whose process stopped beating, and free the commits they held."""
        now = time.time() if now is None else now
        with self._db.writing() as db:
            reaped = db.execute("UPDATE jobs SET status = 'failed', error = ?, error_status = 503 "
                                "WHERE status = 'running' AND beat < ?",
                                ("the server stopped during this scan; please try again",
                                 now - STALE_SECONDS)).rowcount
            db.execute("DELETE FROM scanning WHERE job NOT IN (SELECT id FROM jobs WHERE status = 'running')")
        return reaped

    # Running jobs --------------------------------------------------------------------------------

    def _wake(self) -> None:
        with self._wakeup:
            self._wakeup.notify_all()

    def _runner(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = self._claim_job()
            except sqlite3.Error:  # a database busy for longer than its timeout: try again later
                log.exception("could not claim a scan job")
                claimed = None
            if claimed is None:
                with self._wakeup:
                    self._wakeup.wait(POLL_SECONDS)
                continue
            self._mine.add(claimed[0])
            try:
                self._run(*claimed)
            except sqlite3.Error:  # its end could not be written: it stops beating and is reaped
                log.exception("scan job %s could not be finished", claimed[0])
            finally:
                self._mine.discard(claimed[0])
            self._wake()  # a slot is free

    def _beater(self) -> None:
        while not self._stopping.wait(BEAT_SECONDS):
            try:
                for job_id in list(self._mine):
                    self._db.execute("UPDATE jobs SET beat = ? WHERE id = ? AND status = 'running'",
                                     (time.time(), job_id))
                self.reap()
            except sqlite3.Error:
                log.exception("could not record that this process's scans are alive")

    def _claim_job(self) -> tuple[str, str] | None:
        """The oldest queued job, now running here, when fewer than `web_workers` run."""
        if self._db.execute("SELECT 1 FROM jobs WHERE status = 'queued' LIMIT 1").fetchone() is None:
            return None  # the common case, answered without the write lock
        with self._db.writing() as db:
            (running,) = db.execute("SELECT count(*) FROM jobs WHERE status = 'running'").fetchone()
            if running >= max(1, self.settings.web_workers):
                return None
            row = db.execute("SELECT id, input FROM jobs WHERE status = 'queued' ORDER BY created, rowid LIMIT 1"
                             ).fetchone()
            if row is not None:
                db.execute("UPDATE jobs SET status = 'running', owner = ?, beat = ? WHERE id = ?",
                           (self._owner, time.time(), row[0]))
        return row

    def _run(self, job_id: str, text: str) -> None:
        progress = _Progress(self._db, job_id)
        status, error, error_status = "done", None, 0
        try:
            self._scan(job_id, text, progress)
        except TrustcheckError as err:
            status, error, error_status = "failed", err.message, err.http_status
        except Exception:  # a bug must fail the job with a message, not leave it running forever
            log.exception("scan job %s failed", job_id)
            status, error, error_status = "failed", "the scan failed unexpectedly", 500
        with self._db.writing() as db:
            db.execute("UPDATE jobs SET status = ?, stage = ?, error = ?, error_status = ? "
                       "WHERE id = ? AND status = 'running'",  # not when reaped meanwhile
                       (status, "done" if status == "done" else progress.stage, error, error_status, job_id))
            db.execute("DELETE FROM scanning WHERE job = ?", (job_id,))

    def _scan(self, job_id: str, text: str, progress: _Progress) -> None:
        settings = self.settings
        resolution = resolve_repository(parse_target(text, settings), settings, progress)
        key = ReportKey(resolution.forge, resolution.repo, resolution.commit, ENGINE_VERSION,
                        resolution.ref.subpath or "")
        self._db.execute("UPDATE jobs SET report_key = ? WHERE id = ?", (_key_text(key), job_id))
        if self.store.get(key) is not None:
            return
        other = self._claim_commit(job_id, key)
        if other is not None:  # the same commit is being scanned: wait for that scan
            progress("waiting", 0, 0)
            self.wait(other, settings.download_seconds + settings.scan_seconds + 60)
            if self.store.get(key) is not None:
                return
            raise TrustcheckError("the scan of this commit failed; please try again")
        # A scan of this commit may have stored its report and let go of it between the check
        # above and the claim: look again before downloading it a second time.
        if self.store.get(key) is not None:
            return
        report, extras = self._download_and_scan(text, resolution, progress)
        self.store.put(key, report.to_dict(), extras)

    def _claim_commit(self, job_id: str, key: ReportKey) -> str | None:
        """Make the job the one scanning `key`, or return the id of the job that already is."""
        with self._db.writing() as db:
            row = db.execute("SELECT job FROM scanning WHERE report_key = ?", (_key_text(key),)).fetchone()
            if row is None:
                db.execute("INSERT INTO scanning VALUES (?, ?)", (_key_text(key), job_id))
        return row[0] if row else None

    def _download_and_scan(self, text: str, resolution: Resolution, progress: _Progress) -> tuple[Report, dict]:
        settings = self.settings
        progress("downloading", 0, 0)  # the commit is known; the archive may take a while to start
        with tempfile.TemporaryDirectory(prefix="trustcheck-scan-") as tmp:
            fetched = fetch_repository(resolution, Path(tmp) / "repo", settings, progress)
            report = scan_fetched(fetched, text, settings, progress)
            extras = {"web_url": fetched.web_url, "default_branch": fetched.default_branch,
                      "subpath": fetched.subpath, "excerpts": collect_excerpts(fetched.root, report)}
        return report, extras


def _key_text(key: ReportKey) -> str:
    return json.dumps([key.forge, key.repo, key.commit, key.engine, key.subpath])


class _Progress:
    """A job's progress callback: each new stage is written at once, counts within a stage at
    most every PROGRESS_SECONDS (a download reports every chunk)."""

    def __init__(self, database: Database, job_id: str):
        self._db = database
        self.job_id = job_id
        self.stage = "queued"
        self._written = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self._written < PROGRESS_SECONDS:
            return
        self.stage, self._written = stage, now
        self._db.execute("UPDATE jobs SET stage = ?, done = ?, total = ? WHERE id = ?",
                         (stage, done, total, self.job_id))
