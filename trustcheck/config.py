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
    workers: int = 0  # parsing processes; 0: one per core
    parallel_threshold: int = 48  # fewer files than this are parsed in-process
    max_archive_bytes: int = 200_000_000  # a downloaded or local archive
    max_extracted_bytes: int = 500_000_000
    max_archive_members: int = 50_000
    max_path_depth: int = 40
    max_compression_ratio: int = 200  # extracted size / archive size


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
