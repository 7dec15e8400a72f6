"""The site's SQLite database in the instance folder: reports, scan jobs and recent submissions,
shared by every process that serves the site (WAL mode, one connection per thread)."""
from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Database:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            _use_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        return self.connection().execute(sql, parameters)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A transaction that holds the write lock from its start, so that a read inside it and
        the write it decides on are one step for every process."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _use_wal(connection: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch the file to write-ahead logging, which then stays. Switching needs the file to
    itself, and the busy timeout does not wait for that: when every process of the site opens a
    new database at once, all but one are refused, so try again until the file is in WAL mode."""
    for _ in range(attempts):
        try:
            if connection.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
