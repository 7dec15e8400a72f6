"""Reports kept by (forge, repository, commit, engine version), so a commit already scanned is
answered at once. SQLite in the instance folder by default; `ReportStore` is the interface
another database can implement instead."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Protocol

from .database import Database


@dataclass(frozen=True)
class ReportKey:
    forge: str
    repo: str
    commit: str
    engine: str
    subpath: str = ""


@dataclass(frozen=True)
class StoredReport:
    key: ReportKey
    report: dict  # the JSON contract
    extras: dict  # what only the site shows: code excerpts, the forge's web URL
    created: float


class ReportStore(Protocol):
    def get(self, key: ReportKey) -> StoredReport | None: ...
    def put(self, key: ReportKey, report: dict, extras: dict) -> None: ...
    def latest(self, forge: str, repo: str) -> StoredReport | None: ...


class SQLiteReportStore:
    def __init__(self, database: Database):
        self._db = database
        with database.writing() as db:
            db.execute("""CREATE TABLE IF NOT EXISTS reports (
                forge TEXT NOT NULL, repo TEXT NOT NULL, commit_sha TEXT NOT NULL, engine TEXT NOT NULL,
                subpath TEXT NOT NULL DEFAULT '', created REAL NOT NULL, report TEXT NOT NULL,
                extras TEXT NOT NULL, PRIMARY KEY (forge, repo, commit_sha, engine, subpath))""")
            db.execute("CREATE INDEX IF NOT EXISTS by_repo ON reports (forge, repo, created)")

    def get(self, key: ReportKey) -> StoredReport | None:
        row = self._db.execute(
            "SELECT report, extras, created FROM reports WHERE forge=? AND repo=? AND commit_sha=? AND engine=? "
            "AND subpath=?", (key.forge, key.repo, key.commit, key.engine, key.subpath)).fetchone()
        return StoredReport(key, json.loads(row[0]), json.loads(row[1]), row[2]) if row else None

    def put(self, key: ReportKey, report: dict, extras: dict) -> None:
        self._db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (key.forge, key.repo, key.commit, key.engine, key.subpath, time.time(),
                          json.dumps(report), json.dumps(extras)))

    def latest(self, forge: str, repo: str) -> StoredReport | None:
        row = self._db.execute(
            "SELECT commit_sha, engine, subpath, report, extras, created FROM reports WHERE forge=? AND repo=? "
            "ORDER BY created DESC LIMIT 1", (forge, repo)).fetchone()
        if row is None:
            return None
        return StoredReport(ReportKey(forge, repo, row[0], row[1], row[2]), json.loads(row[3]), json.loads(row[4]),
                            row[5])
