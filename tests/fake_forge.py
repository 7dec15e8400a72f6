"""A fake forge: a real HTTP server on 127.0.0.1 that answers like a forge's API and serves
archives built at test time. Each forge is served under its own path prefix (see `settings_for`);
GitHub's archive host is a second server, reached as `localhost` so that its host differs."""
from __future__ import annotations

import io
import json
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from trustcheck.config import Settings, load_settings


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    endless: bool = False  # stream without a length until the client hangs up
    delay: float = 0.0


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]


class FakeForge:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.hits: list[Hit] = []
        self.streamed = 0  # bytes sent by an endless reply
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply(self, path: str, *replies: Reply) -> None:
        """Answer `path` (with its query) with these replies in turn, the last one from then on."""
        self.routes[path] = list(replies)

    def json(self, path: str, data: object, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.reply(path, Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json",
                                                                    **(headers or {})}))

    def file(self, path: str, body: bytes) -> None:
        self.reply(path, Reply(200, body, {"Content-Type": "application/octet-stream"}))

    def redirect(self, path: str, location: str) -> None:
        self.reply(path, Reply(302, b"", {"Location": location}))

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(forge: FakeForge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            forge.hits.append(Hit(self.path, dict(self.headers)))
            queue = forge.routes.get(self.path)
            reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else \
                Reply(404, b'{"message": "Not Found"}', {"Content-Type": "application/json"})
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if not reply.endless:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.endless:
                    self._stream()
                else:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _stream(self) -> None:
            chunk = b"\0" * 65536
            while forge.streamed < 500_000_000:
                self.wfile.write(chunk)
                forge.streamed += len(chunk)

        def log_message(self, *args) -> None:
            pass

    return Handler


def settings_for(forge: FakeForge, archive_host: FakeForge, **overrides) -> Settings:
    """Settings pointing every forge at the fake one."""
    base = forge.url
    values = dict(
        workers=1, http_retry_delay=0.0, http_timeout=5.0, http_connect_timeout=5.0,
        github_api_url=f"{base}/gh-api", github_url=f"{base}/gh", github_archive_hosts=f"localhost:{archive_host.port}",
        gitlab_api_url=f"{base}/gl/api/v4", gitlab_url=f"{base}/gl",
        codeberg_api_url=f"{base}/cb/api/v1", codeberg_url=f"{base}/cb",
        bitbucket_api_url=f"{base}/bb-api", bitbucket_url=f"{base}/bb",
        huggingface_api_url=f"{base}/hf/api", huggingface_url=f"{base}/hf",
        streamlit_app_url=f"{base}/st/{{name}}")
    values.update(overrides)
    return load_settings({}, **values)


def tarball(top: str, files: dict[str, str | bytes], members: list[tarfile.TarInfo] = ()) -> bytes:
    """A .tar.gz whose files sit under one top folder, as forges build them; `members` are
    extra raw entries (links, `..` paths) added as they are."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for info in members:
            tf.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    return out.getvalue()


def serve_github(forge: FakeForge, archive_host: FakeForge, owner: str, name: str, sha: str,
                 files: dict[str, str | bytes], branch: str = "main", **repo: object) -> None:
    """A public GitHub repository: metadata, the branch's commit, and the tarball redirect."""
    api = f"/gh-api/repos/{owner}/{name}"
    forge.json(api, {"full_name": f"{owner}/{name}", "default_branch": branch, "private": False,
                     "visibility": "public", **repo})
    forge.json(f"{api}/commits/{branch}", {"sha": sha})
    archive = f"/{owner}/{name}/legacy.tar.gz/{sha}"
    forge.redirect(f"{api}/tarball/{sha}", f"http://localhost:{archive_host.port}{archive}")
    archive_host.file(archive, tarball(f"{owner}-{name}-{sha[:7]}", files))
