"""The analysis stays bounded on code that would make it grow without end."""
from __future__ import annotations

from trustcheck.engine.paths import MAX_PATH, deeper


def test_a_library_path_stops_growing_in_a_recursive_walk():
    path = ("vue", "ref", "()", "value")
    for _ in range(50):
        path = deeper(deeper(path, "properties"), "[]")
    assert len(path) == MAX_PATH and path[:4] == ("vue", "ref", "()", "value")
