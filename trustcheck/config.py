"""Every limit and setting in one place. Each can be overridden with an environment variable
named TRUSTCHECK_<NAME> (for example TRUSTCHECK_MAX_FILE_BYTES=500000)."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 2_000_000  # a source file larger than this is skipped
    max_line_chars: int = 20_000  # a line this long means minified or generated code
    max_files: int = 20_000  # files analyzed per scan
    scan_seconds: float = 120.0  # analysis budget per scan; the report says when it ran out
    workers: int = 0  # analysis processes for a large repository; 0: one per core
    parallel_threshold: int = 400  # a repository of fewer files is analyzed whole, in one process
    max_archive_bytes: int = 200_000_000  # a downloaded or local archive
    max_extracted_bytes: int = 500_000_000
    max_archive_members: int = 50_000
    max_path_depth: int = 40
    max_compression_ratio: int = 200  # extracted size / archive size
    # Forges. Only these hosts (and each forge's archive hosts, comma-separated host or host:port)
    # are ever contacted. A server-side token per forge is read from TRUSTCHECK_<FORGE>_TOKEN at
    # call time, never stored here, so that it cannot end up in a repr or a log.
    github_api_url: str = "https://api.github.com"
    github_url: str = "https://github.com"
    github_archive_hosts: str = "codeload.github.com"
    gitlab_api_url: str = "https://gitlab.com/api/v4"
    gitlab_url: str = "https://gitlab.com"
    gitlab_archive_hosts: str = ""
    codeberg_api_url: str = "https://codeberg.org/api/v1"
    codeberg_url: str = "https://codeberg.org"
    codeberg_archive_hosts: str = ""
    gitea_urls: str = ""  # other Gitea/Forgejo hosts, comma-separated web base URLs (API at /api/v1)
    bitbucket_api_url: str = "https://api.bitbucket.org/2.0"
    bitbucket_url: str = "https://bitbucket.org"
    bitbucket_archive_hosts: str = ""
    huggingface_api_url: str = "https://huggingface.co/api"
    huggingface_url: str = "https://huggingface.co"
    huggingface_archive_hosts: str = ""  # empty: Git LFS files (CDN-hosted) are skipped
    huggingface_space_domain: str = "hf.space"
    streamlit_app_domain: str = "streamlit.app"  # NAME.<domain> is accepted as an app URL
    streamlit_app_url: str = "https://{name}.streamlit.app"  # where an app's page is read
    http_timeout: float = 20.0  # seconds to wait for a forge's next bytes
    http_connect_timeout: float = 10.0
    http_retry_delay: float = 1.0  # before the one retry after a 5xx or a connection error
    download_seconds: float = 300.0  # a whole archive download
    max_api_bytes: int = 10_000_000  # an API answer or an app page
    web_workers: int = 2  # scans the site runs at once; more wait in the queue
    scans_per_hour: int = 30  # scans one client may ask for per hour (viewing a stored report is free)
    jobs_kept: int = 1000  # finished jobs remembered for their status pages
    issue_url_limit: int = 7500  # characters of a prefilled new-issue link (forges refuse ~8 KB)
    public_url: str = ""  # the site's public base URL for links in issues; empty: the request's
    trusted_proxies: int = 0  # reverse proxies in front of the site whose X-Forwarded-For to trust


def load_settings(environ: dict[str, str] | None = None, **overrides) -> Settings:
    environ = os.environ if environ is None else environ
    values = {}
    for spec in fields(Settings):
        raw = environ.get(f"TRUSTCHECK_{spec.name.upper()}")
        if raw is not None:
            try:
                values[spec.name] = type(spec.default)(raw)
            except ValueError:
                raise ValueError(f"TRUSTCHECK_{spec.name.upper()} must be a number, not {raw!r}") from None
    values.update(overrides)
    return Settings(**values)
