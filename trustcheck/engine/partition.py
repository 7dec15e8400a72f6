"""Split a large repository into parts that can be analyzed apart, one worker process each.

A part is a set of files closed under the file graph (see `file_graph`): a file stays with
everything it imports or is imported by, and with the files it shares state with. Joining two
parts that did not need it only costs parallelism; splitting two that did would lose a flow.

    parts = partition(graph, files, workers=2)   # -> [[SourceFile, ...], ...]

Where a module runs depends on the whole app (a module no server imports is server code
when the app has a server), so each part is told which languages have a server elsewhere
(`FileGraph.servers`).
"""
from __future__ import annotations

from ..files import SourceFile
from .file_graph import FileGraph


def partition(graph: FileGraph, files: list[SourceFile], workers: int) -> list[list[SourceFile]]:
    """These files (some of the graph's) in at most `workers` lists, balanced by weight, each a
    union of whole parts."""
    groups = _UnionFind(len(files))
    index = {f.rel: i for i, f in enumerate(files)}
    shared: dict[str, int] = {}
    for i, file in enumerate(files):
        for target in graph.imports.get(file.rel, ()):
            if target in index:
                groups.join(i, index[target])
        channel = graph.channels.get(file.rel)
        if channel:
            groups.join(i, shared.setdefault(channel, i))
    parts: dict[int, list[SourceFile]] = {}
    for i, file in enumerate(files):
        parts.setdefault(groups.find(i), []).append(file)
    return _balance(list(parts.values()), graph, workers)


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _balance(parts: list[list[SourceFile]], graph: FileGraph, bins: int) -> list[list[SourceFile]]:
    """Heaviest part first into the lightest bin."""
    loads = [[0.0, []] for _ in range(max(1, bins))]
    for part, weight in sorted(((p, _weight(p, graph)) for p in parts), key=lambda pw: -pw[1]):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += weight
        lightest[1].extend(part)
    return [files for _, files in loads if files]


def _weight(part: list[SourceFile], graph: FileGraph) -> float:
    """The analysis costs about the same per file whatever its size, a little more for a large
    one (fitted on the benchmark's repositories: 6.9 ms a file and 0.06 s a megabyte), and next
    to nothing for a file that will be skipped (no text: binary, minified, too large)."""
    sizes = (graph.facts[f.rel].size for f in part)
    return sum(1 + size / 65536 if size else 0.05 for size in sizes)
