"""The site as it is deployed, for the tests and the load benchmark: `wsgi:app` under gunicorn in
processes of its own on 127.0.0.1, configured by environment variables as an operator would."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Iterator

import requests

from trustcheck.config import Settings

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn_site(settings: Settings, instance: Path, processes: int, threads: int = 4) -> Iterator[str]:
    """The site's base URL while it runs; stopped on leaving."""
    env = {**os.environ, "TRUSTCHECK_INSTANCE_PATH": str(instance),
           **{f"TRUSTCHECK_{spec.name.upper()}": str(getattr(settings, spec.name)) for spec in fields(settings)}}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(processes), "--threads", str(threads), "--log-level", "warning",
                               "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base)
        yield base
    finally:
        server.terminate()
        server.wait(30)


def _wait_until_up(server: subprocess.Popen, base: str) -> None:
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if session.get(f"{base}/", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("the site did not start under gunicorn")
