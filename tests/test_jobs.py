"""The scan queue shared through the site's database: several processes serving the site (here,
several job managers, each with its own connections, on one database file) see every job and
keep the site's limits together."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from fake_forge import Reply, serve_github, settings_for
from site_process import gunicorn_site
from trustcheck.forges import parse_target
from trustcheck.web.database import Database
from trustcheck.web.jobs import STALE_SECONDS, JobManager
from trustcheck.web.security import RateLimiter
from trustcheck.web.store import SQLiteReportStore

ROOT = Path(__file__).resolve().parent.parent
APP = {"app.py": "import logging\nimport streamlit as st\n"
                 "key = st.text_input('OpenAI API key', type='password')\nlogging.info('key %s', key)\n"}


def sha(n: int) -> str:
    return f"{n:040x}"


def slow_repo(forge, codeload, name: str, commit: str, seconds: float) -> str:
    """A GitHub repository whose archive takes `seconds` to start; returns its URL."""
    serve_github(forge, codeload, "team", name, commit, APP)
    forge.json(f"/gh-api/repos/team/{name}/commits/{commit}", {"sha": commit})  # URLs naming the commit
    archive = f"/team/{name}/legacy.tar.gz/{commit}"
    (reply,) = codeload.routes[archive]
    codeload.reply(archive, Reply(reply.status, reply.body, reply.headers, delay=seconds))
    return f"{forge.url}/gh/team/{name}"


@pytest.fixture
def processes(forge, codeload, tmp_path):
    """Two job managers on one database, as two processes of the site would be; one scan at once."""
    settings = settings_for(forge, codeload, web_workers=1)
    managers = []
    for _ in range(2):
        database = Database(tmp_path / "site.sqlite3")
        managers.append(JobManager(settings, SQLiteReportStore(database), database))
    yield managers
    for manager in managers:
        manager.shutdown()


def submit(manager: JobManager, url: str):
    return manager.submit(parse_target(url, manager.settings), url)


def test_jobs_are_seen_by_every_process_and_run_one_at_a_time_across_them(processes, forge, codeload):
    first, second = processes
    urls = [slow_repo(forge, codeload, f"app{n}", sha(n), 0.4) for n in range(3)]
    ids = [submit(first, urls[0]).id, submit(second, urls[1]).id, submit(first, urls[2]).id]
    most_running, deadline = 0, time.monotonic() + 30
    while time.monotonic() < deadline:
        seen = [second.get(job_id) for job_id in ids]  # the second process asked about every job
        most_running = max(most_running, sum(job.status == "running" for job in seen))
        if all(job.finished for job in seen):
            break
        time.sleep(0.02)
    assert [first.get(job_id).status for job_id in ids] == ["done"] * 3
    assert most_running == 1
    assert [p for p in codeload.paths() if "legacy.tar.gz" in p] == [
        f"/team/app{n}/legacy.tar.gz/{sha(n)}" for n in range(3)]  # in the order they were asked for


def test_one_commit_asked_of_two_processes_is_downloaded_once(forge, codeload, tmp_path):
    settings = settings_for(forge, codeload, web_workers=2)
    databases = [Database(tmp_path / "site.sqlite3") for _ in range(2)]
    managers = [JobManager(settings, SQLiteReportStore(db), db) for db in databases]
    try:
        url = slow_repo(forge, codeload, "shared", sha(7), 0.5)
        first = submit(managers[0], url)
        for _ in range(50):  # the second asks once the first is scanning, through another URL of the commit
            if managers[1].get(first.id).stage == "downloading":
                break
            time.sleep(0.02)
        other = submit(managers[1], f"{url}/commit/{sha(7)}")
        assert other.id != first.id
        done = [manager.wait(job.id, 20) for manager, job in zip(managers, [first, other])]
    finally:
        for manager in managers:
            manager.shutdown()
    assert [job.status for job in done] == ["done", "done"], [job.error for job in done]
    assert done[0].key == done[1].key
    assert [p for p in codeload.paths() if "legacy.tar.gz" in p] == [f"/team/shared/legacy.tar.gz/{sha(7)}"]


def test_the_same_url_asked_twice_while_queued_is_one_job(processes, forge, codeload):
    first, second = processes
    busy = slow_repo(forge, codeload, "busy", sha(1), 0.5)
    url = slow_repo(forge, codeload, "queued", sha(2), 0.0)
    submit(first, busy)
    assert submit(first, url).id == submit(second, url).id


def test_a_job_whose_process_stopped_fails_with_a_message_and_frees_its_commit(processes, forge, codeload):
    first, second = processes
    url = slow_repo(forge, codeload, "orphan", sha(3), 3.0)
    job = submit(first, url)
    assert second.wait(job.id, 0.1).status in ("queued", "running")
    for _ in range(100):
        if first.get(job.id).stage == "downloading":
            break
        time.sleep(0.02)
    assert second.reap(now=time.time() + STALE_SECONDS / 2) == 0  # still beating recently enough
    assert second.reap(now=time.time() + STALE_SECONDS + 10) == 1  # as if its process had died
    failed = second.get(job.id)
    assert failed.status == "failed" and "server stopped" in failed.error
    retry = submit(second, url)  # asked again, it is a new job that scans the commit itself
    assert retry.id != job.id
    assert second.wait(retry.id, 20).status == "done"
    assert first.get(job.id).status == "failed"  # the stopped scan does not come back to life


def test_the_scan_limit_per_client_holds_across_processes(tmp_path):
    limiters = [RateLimiter(3, Database(tmp_path / "site.sqlite3")) for _ in range(2)]
    assert [limiters[n % 2].allow("203.0.113.9") for n in range(3)] == [0.0, 0.0, 0.0]
    assert 3500 < limiters[1].allow("203.0.113.9") <= 3600
    assert limiters[0].allow("198.51.100.4") == 0.0  # another client is counted apart


def test_the_site_under_gunicorn_with_two_processes_answers_for_every_job(forge, codeload, tmp_path):
    """As deployed: whichever process a request reaches, it knows every job and report."""
    with gunicorn_site(settings_for(forge, codeload, web_workers=1), tmp_path, processes=2) as base:
        session = requests.Session()
        session.trust_env = False
        urls = [slow_repo(forge, codeload, f"gun{n}", sha(20 + n), 0.2) for n in range(3)]
        ids = [session.post(f"{base}/api/scans", json={"url": url}, timeout=10).json()["id"] for url in urls]
        statuses = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(statuses) < len(ids):
            for job_id in ids:
                fresh = requests.Session()  # a new connection: any process may answer
                fresh.trust_env = False
                job = fresh.get(f"{base}/api/scans/{job_id}", timeout=10).json()
                if job["status"] in ("done", "failed"):
                    statuses[job_id] = job
            time.sleep(0.05)
        assert [statuses[job_id]["report"]["verdict"] for job_id in ids] == ["high"] * 3
        assert all(session.get(base + statuses[job_id]["report_url"][len(base):], timeout=10).status_code == 200
                   for job_id in ids)


BOOT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from trustcheck.web.database import Database
from trustcheck.web.jobs import JobManager
from trustcheck.web.security import RateLimiter
from trustcheck.web.store import SQLiteReportStore
from trustcheck.config import load_settings
time.sleep(max(0.0, {start} - time.time()))
database = Database(Path({path!r}))
JobManager(load_settings({{}}), SQLiteReportStore(database), database).shutdown()
RateLimiter(5, database)
"""


def test_processes_opening_a_new_database_at_once_all_start(tmp_path):
    """gunicorn starts its workers together: each creates the tables of a database nobody made yet."""
    for attempt in range(4):
        path = tmp_path / f"site{attempt}.sqlite3"
        start = time.time() + 1.5
        code = BOOT.format(root=str(ROOT), start=start, path=str(path))
        workers = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(3)]
        errors = [w.communicate(timeout=60)[1].decode() for w in workers]
        assert [w.returncode for w in workers] == [0, 0, 0], errors
