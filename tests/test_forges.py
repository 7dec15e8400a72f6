"""What a user pastes -> which repository (no network: parsing only)."""
from __future__ import annotations

import pytest

from trustcheck.config import load_settings
from trustcheck.errors import UnsupportedURL
from trustcheck.forge_sites import forge_site, line_url, site_for
from trustcheck.forges import AppRef, RepoRef, parse_target

SETTINGS = load_settings({}, gitea_urls="https://git.example.org/, https://forge.example.net/sub")


def parse(text: str):
    return parse_target(text, SETTINGS)


@pytest.mark.parametrize("text", [
    "https://github.com/alice/chat-app",
    "https://github.com/alice/chat-app/",
    "https://github.com/alice/chat-app.git",
    "http://github.com/alice/chat-app",
    "https://www.github.com/alice/chat-app",
    "github.com/alice/chat-app",
    "  https://github.com/alice/chat-app  ",
    "alice/chat-app",
    "alice/chat-app.git",
    "git@github.com:alice/chat-app.git",
    "https://github.com/alice/chat-app/issues/3",
    "https://github.com/alice/chat-app?tab=readme#top",
    "https://GitHub.com/alice/chat-app",
])
def test_github_variants_name_the_repository(text):
    assert parse(text) == RepoRef("github", "alice", "chat-app")


@pytest.mark.parametrize("text, ref, subpath", [
    ("https://github.com/alice/chat-app/tree/dev", "dev", None),
    ("https://github.com/alice/chat-app/tree/dev/apps/chat", "dev", "apps/chat"),
    ("https://github.com/alice/chat-app/blob/main/apps/chat/app.py", "main", None),
    ("https://github.com/alice/chat-app/commit/" + "a" * 40, "a" * 40, None),
    ("https://github.com/alice/chat-app/releases/tag/v1.2", "v1.2", None),
    ("https://github.com/alice/chat-app/tree/v%201", "v 1", None),
])
def test_github_urls_naming_a_ref_or_folder(text, ref, subpath):
    assert parse(text) == RepoRef("github", "alice", "chat-app", ref, subpath)


@pytest.mark.parametrize("text, expected", [
    ("https://gitlab.com/alice/chat-app", RepoRef("gitlab", "alice", "chat-app")),
    ("gitlab.com/group/sub/deeper/chat-app.git", RepoRef("gitlab", "group/sub/deeper", "chat-app")),
    ("https://gitlab.com/group/sub/chat-app/-/tree/dev/src", RepoRef("gitlab", "group/sub", "chat-app", "dev", "src")),
    ("https://gitlab.com/group/chat-app/-/blob/main/app.py", RepoRef("gitlab", "group", "chat-app", "main")),
    ("https://gitlab.com/group/chat-app/-/issues/4", RepoRef("gitlab", "group", "chat-app")),
    ("git@gitlab.com:group/sub/chat-app.git", RepoRef("gitlab", "group/sub", "chat-app")),
    ("https://codeberg.org/alice/chat-app", RepoRef("codeberg", "alice", "chat-app")),
    ("https://codeberg.org/alice/chat-app/src/branch/dev/web", RepoRef("codeberg", "alice", "chat-app", "dev", "web")),
    ("https://codeberg.org/alice/chat-app/src/commit/" + "b" * 40, RepoRef("codeberg", "alice", "chat-app", "b" * 40)),
    ("https://git.example.org/alice/chat-app",
     RepoRef("codeberg", "alice", "chat-app", gitea_url="https://git.example.org")),
    ("https://forge.example.net/sub/alice/chat-app/src/tag/v1",
     RepoRef("codeberg", "alice", "chat-app", "v1", gitea_url="https://forge.example.net/sub")),
    ("https://bitbucket.org/alice/chat-app", RepoRef("bitbucket", "alice", "chat-app")),
    ("https://bitbucket.org/alice/chat-app/src/dev/", RepoRef("bitbucket", "alice", "chat-app", "dev")),
    ("https://bitbucket.org/alice/chat-app/src/dev/web/app.py",
     RepoRef("bitbucket", "alice", "chat-app", "dev", "web/app.py")),
    ("https://huggingface.co/spaces/alice/chat-app", RepoRef("huggingface", "alice", "chat-app")),
    ("https://huggingface.co/spaces/alice/chat-app/tree/main/src",
     RepoRef("huggingface", "alice", "chat-app", "main", "src")),
    ("https://huggingface.co/spaces/alice/chat-app/blob/main/app.py",
     RepoRef("huggingface", "alice", "chat-app", "main")),
    ("https://alice-chatapp.hf.space", RepoRef("huggingface", "alice", "chatapp")),
    ("https://alice-chatapp.hf.space/?logs=container", RepoRef("huggingface", "alice", "chatapp")),
])
def test_other_forges(text, expected):
    assert parse(text) == expected


def test_app_urls_are_resolved_later():
    assert parse("https://my-chat.streamlit.app/") == AppRef("streamlit", "my-chat", "https://my-chat.streamlit.app")
    assert parse("my-chat.streamlit.app/page?embed=true") == AppRef("streamlit", "my-chat",
                                                                    "https://my-chat.streamlit.app")
    # owner-space with hyphens inside either part: only the Hub can tell the split
    assert parse("https://my-org-chat-app.hf.space") == AppRef("huggingface", "my-org-chat-app",
                                                               "https://my-org-chat-app.hf.space")


@pytest.mark.parametrize("text", [
    "", "   ", "hello", "https://example.com/alice/chat-app", "https://github.com/alice",
    "https://github.com/", "https://gitlab.com/alice", "ftp://github.com/alice/chat-app",
    "https://huggingface.co/alice/some-model", "https://huggingface.co/datasets/alice/data",
    "https://streamlit.app", "https://share.streamlit.io/", "https://a.b.streamlit.app",
    "https://github.com/alice/chat app", "https://github.com/al%2Fice/chat-app",
    "https://github.com/alice/chat-app/tree/main/../../etc", "https://github.com/alice/..",
    "https://github.com:99999/alice/chat-app", "https://github.com.evil.example/alice/chat-app",
    "https://evil.example/github.com/alice/chat-app", "javascript:alert(1)", "a" * 3000,
])
def test_anything_else_is_refused_with_what_is_accepted(text):
    with pytest.raises(UnsupportedURL) as caught:
        parse(text)
    assert caught.value.http_status == 400 and caught.value.exit_code == 2
    assert "github.com" in caught.value.message or "repository" in caught.value.message


def test_unconfigured_gitea_host_is_refused():
    with pytest.raises(UnsupportedURL):
        site_for(RepoRef("codeberg", "a", "b", gitea_url="https://elsewhere.example"), SETTINGS)


def test_hosts_come_from_the_configuration():
    local = load_settings({"TRUSTCHECK_GITHUB_URL": "http://127.0.0.1:8123/gh"})
    assert parse_target("http://127.0.0.1:8123/gh/alice/chat-app/tree/dev", local) == \
        RepoRef("github", "alice", "chat-app", "dev")
    with pytest.raises(UnsupportedURL):
        parse_target("https://github.com/alice/chat-app", local)
    with pytest.raises(UnsupportedURL):
        parse_target("http://127.0.0.1:8124/gh/alice/chat-app", local)


def test_a_token_goes_to_the_api_host_only(monkeypatch):
    monkeypatch.setenv("TRUSTCHECK_GITHUB_TOKEN", "forge-token-for-tests")
    site = forge_site("github", SETTINGS)
    assert site.auth_headers("https://api.github.com/repos/a/b") == {"Authorization": "Bearer forge-token-for-tests"}
    assert site.auth_headers("https://codeload.github.com/a/b/tar.gz/x") == {}
    assert site.auth_headers("https://github.com/a/b") == {}
    assert site.auth_headers("http://api.github.com/repos/a/b") == {}
    assert "forge-token-for-tests" not in repr(site) + repr(SETTINGS)


def test_only_configured_hosts_are_allowed():
    site = forge_site("github", SETTINGS)
    assert site.allows("https://api.github.com/repos/a/b")
    assert site.allows("https://codeload.github.com/a/b/legacy.tar.gz/x")
    assert not site.allows("http://codeload.github.com/a/b")  # no downgrade to plain HTTP
    assert not site.allows("https://objects.githubusercontent.com/x")
    assert not site.allows("file:///etc/passwd")


@pytest.mark.parametrize("forge, expected", [
    ("github", "https://f.example/o/r/blob/abc/src/app%20x.py#L7"),
    ("gitlab", "https://f.example/o/r/-/blob/abc/src/app%20x.py#L7"),
    ("codeberg", "https://f.example/o/r/src/commit/abc/src/app%20x.py#L7"),
    ("bitbucket", "https://f.example/o/r/src/abc/src/app%20x.py#lines-7"),
    ("huggingface", "https://f.example/o/r/blob/abc/src/app%20x.py#L7"),
])
def test_line_links_follow_each_forge(forge, expected):
    assert line_url(forge, "https://f.example/o/r", "abc", "src/app x.py", 7) == expected
