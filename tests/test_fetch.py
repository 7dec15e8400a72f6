"""The fetcher against a fake forge: a real HTTP server on 127.0.0.1 (tests/fake_forge.py)."""
from __future__ import annotations

import tarfile
import time

import pytest

from fake_forge import Reply, serve_github, settings_for, tarball
from trustcheck.errors import (AppSourceNotFound, ArchiveTooLarge, ForgeUnavailable, RateLimited,
                               RedirectRefused, RepositoryNotFound, TargetError, UnsupportedURL)
from trustcheck.fetch import fetch_repository, resolve_repository
from trustcheck.forges import AppRef, RepoRef
from trustcheck.report.model import Skip

SHA = "0123456789abcdef0123456789abcdef01234567"
SHA2 = "fedcba9876543210fedcba9876543210fedcba98"
APP = "import streamlit as st\nkey = st.text_input('OpenAI key', type='password')\n"
TOKEN = "forge-token-for-tests"


@pytest.fixture
def settings(forge, codeload):
    return settings_for(forge, codeload)


@pytest.fixture(autouse=True)
def no_tokens(monkeypatch):
    for forge_name in ("GITHUB", "GITLAB", "CODEBERG", "BITBUCKET", "HUGGINGFACE"):
        monkeypatch.delenv(f"TRUSTCHECK_{forge_name}_TOKEN", raising=False)


def fetch(target, tmp_path, settings, progress=None):
    return fetch_repository(target, tmp_path / "repo", settings, progress)


def test_github_resolves_the_default_branch_and_extracts_the_commit(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP, "lib/util.py": "x = 1\n"})
    stages = []
    fetched = fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings, lambda *a: stages.append(a))
    assert (fetched.repo, fetched.commit, fetched.default_branch, fetched.forge) == \
        ("alice/chat-app", SHA, "main", "github")
    assert fetched.web_url == f"{forge.url}/gh/alice/chat-app"
    assert fetched.root == tmp_path / "repo" / "alice-chat-app-0123456"
    assert (fetched.root / "app.py").read_text() == APP and (fetched.root / "lib/util.py").exists()
    assert fetched.skipped == [] and fetched.subpath is None
    assert fetched.line_url("app.py", 2) == f"{forge.url}/gh/alice/chat-app/blob/{SHA}/app.py#L2"
    assert forge.paths() == ["/gh-api/repos/alice/chat-app", "/gh-api/repos/alice/chat-app/commits/main",
                             f"/gh-api/repos/alice/chat-app/tarball/{SHA}"]
    assert codeload.paths() == [f"/alice/chat-app/legacy.tar.gz/{SHA}"]
    assert [s[0] for s in stages][0] == "resolving" and stages[-1] == ("extracting", 0, 0)
    assert ("downloading", len(codeload.routes[codeload.paths()[0]][0].body),
            len(codeload.routes[codeload.paths()[0]][0].body)) in stages


def test_resolving_first_lets_a_caller_skip_or_pin_the_download(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    plan = resolve_repository("alice/chat-app", settings)
    assert (plan.forge, plan.repo, plan.commit, plan.default_branch) == ("github", "alice/chat-app", SHA, "main")
    assert plan.web_url == f"{forge.url}/gh/alice/chat-app" and codeload.hits == []
    api_calls = len(forge.hits)
    fetched = fetch_repository(plan, tmp_path / "repo", settings)
    assert fetched.commit == SHA and (fetched.root / "app.py").exists()
    assert len(forge.hits) == api_calls + 1  # only the tarball request: nothing resolved twice


def test_a_branch_and_folder_in_the_url_are_fetched_and_scanned(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "mono", SHA, {"apps/chat/app.py": APP, "README.md": "hi"})
    forge.json("/gh-api/repos/alice/mono/commits/dev", {"sha": SHA})
    fetched = fetch(f"{forge.url}/gh/alice/mono/tree/dev/apps/chat", tmp_path, settings)
    assert fetched.root == tmp_path / "repo" / "alice-mono-0123456" / "apps" / "chat"
    assert fetched.subpath == "apps/chat" and fetched.default_branch == "main"
    assert fetched.line_url("app.py", 1).endswith(f"/blob/{SHA}/apps/chat/app.py#L1")
    assert "/gh-api/repos/alice/mono/commits/dev" in forge.paths()


def test_a_folder_that_does_not_exist_is_an_error(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "mono", SHA, {"app.py": APP})
    with pytest.raises(TargetError, match="no folder 'nope' in alice/mono at 0123456789ab"):
        fetch(RepoRef("github", "alice", "mono", "main", "nope"), tmp_path, settings)


def test_gitlab_project_in_subgroups(forge, settings, tmp_path):
    api = "/gl/api/v4/projects/group%2Fsub%2Fchat-app"
    forge.json(api, {"path_with_namespace": "group/sub/chat-app", "default_branch": "trunk"})
    forge.json(f"{api}/repository/commits/trunk", {"id": SHA})
    forge.file(f"{api}/repository/archive.tar.gz?sha={SHA}", tarball(f"chat-app-{SHA}-{SHA}", {"app.py": APP}))
    fetched = fetch(f"{forge.url}/gl/group/sub/chat-app", tmp_path, settings)
    assert (fetched.repo, fetched.commit, fetched.default_branch) == ("group/sub/chat-app", SHA, "trunk")
    assert (fetched.root / "app.py").exists()
    assert fetched.line_url("app.py", 3) == f"{forge.url}/gl/group/sub/chat-app/-/blob/{SHA}/app.py#L3"


def test_gitea_default_branch_and_named_ref(forge, settings, tmp_path):
    api = "/cb/api/v1/repos/alice/chat-app"
    forge.json(api, {"full_name": "alice/chat-app", "default_branch": "main", "private": False, "internal": False})
    forge.json(f"{api}/branches/main", {"name": "main", "commit": {"id": SHA}})
    forge.json(f"{api}/git/commits/v1.0", {"sha": SHA2})
    for sha in (SHA, SHA2):
        forge.file(f"{api}/archive/{sha}.tar.gz", tarball("chat-app", {f"app_{sha[:2]}.py": APP}))
    fetched = fetch(f"{forge.url}/cb/alice/chat-app", tmp_path / "a", settings)
    assert (fetched.commit, fetched.default_branch) == (SHA, "main") and (fetched.root / "app_01.py").exists()
    tagged = fetch(f"{forge.url}/cb/alice/chat-app/src/tag/v1.0", tmp_path / "b", settings)
    assert tagged.commit == SHA2 and (tagged.root / "app_fe.py").exists()
    assert tagged.line_url("app_fe.py", 1) == f"{forge.url}/cb/alice/chat-app/src/commit/{SHA2}/app_fe.py#L1"


def test_bitbucket_archive_comes_from_the_web_host(forge, settings, tmp_path):
    api = "/bb-api/repositories/alice/chat-app"
    forge.json(api, {"full_name": "alice/chat-app", "mainbranch": {"name": "develop"}, "is_private": False})
    forge.json(f"{api}/commit/develop", {"hash": SHA})
    forge.file(f"/bb/alice/chat-app/get/{SHA}.tar.gz", tarball(f"alice-chat-app-{SHA[:12]}", {"app.py": APP}))
    # a /src/ URL naming a file: the whole repository is scanned
    fetched = fetch(f"{forge.url}/bb/alice/chat-app/src/develop/app.py", tmp_path, settings)
    assert (fetched.repo, fetched.commit, fetched.default_branch) == ("alice/chat-app", SHA, "develop")
    assert fetched.subpath is None and (fetched.root / "app.py").exists()
    assert fetched.line_url("app.py", 2) == f"{forge.url}/bb/alice/chat-app/src/{SHA}/app.py#lines-2"


def test_huggingface_space_files_come_one_by_one_under_the_limits(forge, settings, tmp_path):
    forge.json("/hf/api/spaces/alice/chat", {"id": "alice/chat", "sha": SHA, "private": False, "siblings": [
        {"rfilename": "app.py"}, {"rfilename": "src/helpers.py"}, {"rfilename": "../evil.py"},
        {"rfilename": "weights.bin"}, {"rfilename": "big.txt"}]})
    files = f"/hf/spaces/alice/chat/resolve/{SHA}"
    forge.file(f"{files}/app.py", APP.encode())
    forge.file(f"{files}/src/helpers.py", b"def f(): pass\n")
    forge.redirect(f"{files}/weights.bin", "https://cdn-lfs.invalid/weights.bin")
    forge.file(f"{files}/big.txt", b"x" * 5000)
    fetched = fetch(f"{forge.url}/hf/spaces/alice/chat", tmp_path, settings_for(forge, forge, max_file_bytes=4000))
    assert (fetched.repo, fetched.commit, fetched.default_branch, fetched.forge) == \
        ("alice/chat", SHA, "main", "huggingface")
    assert fetched.root == tmp_path / "repo"
    assert sorted(p.relative_to(fetched.root).as_posix() for p in fetched.root.rglob("*") if p.is_file()) == \
        ["app.py", "src/helpers.py"]
    assert [s.file for s in fetched.skipped] == ["../evil.py", "weights.bin", "big.txt"]
    assert not (tmp_path / "evil.py").exists()
    assert fetched.web_url == f"{forge.url}/hf/spaces/alice/chat"
    assert fetched.line_url("app.py", 2) == f"{forge.url}/hf/spaces/alice/chat/blob/{SHA}/app.py#L2"


def test_a_hf_space_subdomain_is_resolved_by_the_hub(forge, settings, tmp_path):
    forge.json("/hf/api/spaces/my-org/chat-app", {"id": "My-Org/chat-app", "sha": SHA, "private": False,
                                                 "siblings": [{"rfilename": "app.py"}]})
    forge.json("/hf/api/spaces/My-Org/chat-app", {"id": "My-Org/chat-app", "sha": SHA, "private": False,
                                                 "siblings": [{"rfilename": "app.py"}]})
    forge.file(f"/hf/spaces/My-Org/chat-app/resolve/{SHA}/app.py", APP.encode())
    fetched = fetch(AppRef("huggingface", "my-org-chat-app", "https://my-org-chat-app.hf.space"), tmp_path, settings)
    assert fetched.repo == "My-Org/chat-app" and (fetched.root / "app.py").exists()
    assert forge.paths()[:2] == ["/hf/api/spaces/my/org-chat-app", "/hf/api/spaces/my-org/chat-app"]


def test_a_missing_repository_says_missing_or_private(forge, settings, tmp_path):
    with pytest.raises(RepositoryNotFound, match="missing or private") as caught:
        fetch(f"{forge.url}/gh/alice/nothing", tmp_path, settings)
    assert caught.value.http_status == 404 and caught.value.exit_code == 2


def test_a_private_repository_visible_to_the_token_is_not_fetched(forge, codeload, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTCHECK_GITHUB_TOKEN", TOKEN)
    serve_github(forge, codeload, "alice", "secret", SHA, {"app.py": APP}, private=True, visibility="private")
    with pytest.raises(RepositoryNotFound, match="missing or private"):
        fetch(f"{forge.url}/gh/alice/secret", tmp_path, settings)
    assert forge.paths() == ["/gh-api/repos/alice/secret"] and codeload.hits == []


def test_an_unknown_branch_is_named(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    forge.json("/gh-api/repos/alice/chat-app/commits/nope", {"message": "No commit found for SHA: nope"}, 422)
    with pytest.raises(RepositoryNotFound, match="'nope' is not a branch, tag or commit of alice/chat-app"):
        fetch(f"{forge.url}/gh/alice/chat-app/tree/nope", tmp_path, settings)


def test_rate_limit_403_says_when_to_retry(forge, settings, tmp_path):
    reset = int(time.time()) + 600
    forge.json("/gh-api/repos/alice/chat-app", {"message": "API rate limit exceeded"}, 403,
               {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    with pytest.raises(RateLimited, match="try again in about 10 minutes") as caught:
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
    assert 590 <= caught.value.retry_after <= 600 and caught.value.http_status == 429


def test_rate_limit_429_with_retry_after(forge, settings, tmp_path):
    forge.json("/gl/api/v4/projects/alice%2Fchat-app", {"message": "Retry later"}, 429, {"Retry-After": "30"})
    with pytest.raises(RateLimited, match="GitLab's rate limit .* try again in 30 seconds") as caught:
        fetch(f"{forge.url}/gl/alice/chat-app", tmp_path, settings)
    assert caught.value.retry_after == 30


def test_a_5xx_is_retried_once(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    ok = forge.routes["/gh-api/repos/alice/chat-app"][0]
    forge.reply("/gh-api/repos/alice/chat-app", Reply(502, b"bad gateway"), ok)
    assert fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings).commit == SHA
    assert forge.paths().count("/gh-api/repos/alice/chat-app") == 2


def test_two_5xx_make_the_forge_unavailable(forge, settings, tmp_path):
    forge.reply("/gh-api/repos/alice/chat-app", Reply(503, b"down"))
    with pytest.raises(ForgeUnavailable, match="GitHub answered HTTP 503 .tried twice.") as caught:
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
    assert caught.value.http_status == 502 and len(forge.hits) == 2


def test_a_slow_forge_times_out(forge, codeload, tmp_path):
    forge.reply("/gh-api/repos/alice/chat-app", Reply(200, b"{}", delay=1.0))
    with pytest.raises(ForgeUnavailable, match="did not answer within 0.3 seconds"):
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings_for(forge, codeload, http_timeout=0.3))


def test_an_oversized_archive_download_stops_at_the_limit(forge, codeload, tmp_path):
    serve_github(forge, codeload, "alice", "huge", SHA, {})
    codeload.reply(f"/alice/huge/legacy.tar.gz/{SHA}", Reply(200, endless=True))
    seen = []
    with pytest.raises(ArchiveTooLarge, match="larger than the limit of 1,000,000 bytes"):
        fetch(f"{forge.url}/gh/alice/huge", tmp_path, settings_for(forge, codeload, max_archive_bytes=1_000_000),
              lambda stage, done, total: seen.append(done))
    assert max(seen) <= 1_000_000
    assert codeload.streamed < 50_000_000  # the server was cut off, not read to the end
    assert list((tmp_path / "repo").iterdir()) == []


def test_a_declared_oversized_archive_is_not_read(forge, codeload, tmp_path):
    serve_github(forge, codeload, "alice", "huge", SHA, {"big.py": "x" * 3000})
    with pytest.raises(ArchiveTooLarge):
        fetch(f"{forge.url}/gh/alice/huge", tmp_path, settings_for(forge, codeload, max_archive_bytes=100))


def test_archive_entries_escaping_the_folder_are_skipped(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "evil", SHA, {})
    top = f"alice-evil-{SHA[:7]}"
    link = tarfile.TarInfo(f"{top}/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    hard = tarfile.TarInfo(f"{top}/hard")
    hard.type, hard.linkname = tarfile.LNKTYPE, f"{top}/app.py"
    dotdot = tarfile.TarInfo("../escape.py")
    dotdot.size = 3
    codeload.file(f"/alice/evil/legacy.tar.gz/{SHA}", tarball(top, {"app.py": APP}, [link, hard, dotdot]))
    fetched = fetch(f"{forge.url}/gh/alice/evil", tmp_path, settings)
    assert [p.name for p in fetched.root.iterdir()] == ["app.py"]
    assert fetched.skipped == [Skip("passwd", "a link (not extracted)"), Skip("hard", "a link (not extracted)"),
                               Skip("../escape.py", "a path outside the archive's folder")]
    assert not (tmp_path / "escape.py").exists() and not (tmp_path / "repo" / "escape.py").exists()


@pytest.mark.parametrize("location", ["https://evil.invalid/archive.tar.gz", "http://127.0.0.1:{port}/a.tar.gz",
                                      "http://localhost:1/a.tar.gz", "file:///etc/passwd"])
def test_a_redirect_to_another_host_is_refused(forge, codeload, settings, tmp_path, location):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    forge.redirect(f"/gh-api/repos/alice/chat-app/tarball/{SHA}", location.format(port=codeload.port))
    with pytest.raises(RedirectRefused, match="not one of its configured hosts"):
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
    assert codeload.hits == []


def test_the_token_goes_to_the_api_and_not_to_the_archive_host(forge, codeload, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTCHECK_GITHUB_TOKEN", TOKEN)
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
    assert all(hit.headers.get("Authorization") == f"Bearer {TOKEN}" for hit in forge.hits)
    assert len(codeload.hits) == 1 and not any(TOKEN in str(h.headers) for h in codeload.hits)


def test_a_streamlit_app_page_leads_to_its_repository(forge, codeload, settings, tmp_path):
    serve_github(forge, codeload, "alice", "chat-app", SHA, {"app.py": APP})
    forge.reply("/st/alice-chat", Reply(200, b"""<html><head>
        <meta property="og:url" content="https://alice-chat.streamlit.app/">
        <link rel="stylesheet" href="/static/app.css"></head>
        <body><a href="https://github.com/streamlit/streamlit">Made with Streamlit</a>
        <a href="https://github.com/alice/chat-app/blob/main/app.py">View source</a>
        <a href="https://github.com/alice/chat-app">Repository</a></body></html>""",
                                                {"Content-Type": "text/html"}))
    fetched = fetch("https://alice-chat.streamlit.app/", tmp_path, settings)
    assert fetched.repo == "alice/chat-app" and (fetched.root / "app.py").exists()
    assert forge.paths()[0] == "/st/alice-chat"


@pytest.mark.parametrize("page, message", [
    (b"<html><body><p>Loading the app</p><a href='https://github.com/streamlit/streamlit'>x</a></body></html>",
     "does not link to its source repository"),
    (b"<a href='https://github.com/alice/one'>1</a><a href='https://github.com/bob/two'>2</a>",
     r"links to several repositories \(alice/one, bob/two\)"),
])
def test_a_streamlit_page_without_one_repository_asks_for_the_repository_url(forge, settings, tmp_path, page,
                                                                               message):
    forge.reply("/st/alice-chat", Reply(200, page, {"Content-Type": "text/html"}))
    with pytest.raises(AppSourceNotFound, match=message) as caught:
        fetch("https://alice-chat.streamlit.app", tmp_path, settings)
    assert "paste the URL of its repository" in caught.value.message


def test_a_streamlit_page_that_redirects_elsewhere_is_not_followed(forge, settings, tmp_path):
    forge.redirect("/st/private-app", "https://share.streamlit.invalid/-/auth/app")
    with pytest.raises(AppSourceNotFound, match="sent us to another site"):
        fetch("https://private-app.streamlit.app", tmp_path, settings)


def test_unsupported_input_contacts_nobody(forge, settings, tmp_path):
    with pytest.raises(UnsupportedURL):
        fetch("https://example.com/alice/chat-app", tmp_path, settings)
    assert forge.hits == []


def test_an_unexpected_answer_is_a_forge_error_not_a_crash(forge, settings, tmp_path):
    forge.reply("/gh-api/repos/alice/chat-app", Reply(200, b"<html>maintenance</html>"))
    with pytest.raises(ForgeUnavailable, match="not JSON"):
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
    forge.json("/gh-api/repos/alice/chat-app", {"full_name": "alice/chat-app", "default_branch": "main",
                                                "private": False})
    forge.json("/gh-api/repos/alice/chat-app/commits/main", {"sha": "../../etc"})
    with pytest.raises(ForgeUnavailable, match="unexpected sha"):
        fetch(f"{forge.url}/gh/alice/chat-app", tmp_path, settings)
