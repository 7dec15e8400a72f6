"""The shared heap: module globals ("g", module, name), object fields ("f", class, site, name),
attributes of library modules ("m", path), React state ("state", site) and contexts ("context",
site), front-end stores ("store", site; see stores.py).

Every read is recorded, with the cell's version at the time, against the analysis running
(`track`); every change bumps the cell's version. A later round re-runs only the analyses that
read a cell which has changed since (`is_stale`). A join that only shortens traces is not a
change.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .values import CLEAN, Value, join_all


class Heap:
    def __init__(self) -> None:
        self.cells: dict[tuple, Value] = {}
        self.changed = False  # did anything change this round
        self._versions: dict[tuple, int] = {}  # cells and groups of cells (absent: 0)
        self._reading: list[dict[tuple, int]] = []
        self._below: dict[tuple, set[tuple]] = {}  # library path -> "m" cells under it
        self._fields: dict[tuple, set[tuple]] = {}  # (class, site) -> its "f" cells
        self._named: dict[tuple, set[tuple]] = {}  # (class, field name) -> that field's cells, every site
        self._globals: dict[str, set[str]] = {}  # module -> names of its globals

    @contextmanager
    def track(self) -> Iterator[dict[tuple, int]]:
        """Record what is read inside the block (nested blocks add to their parent's)."""
        reads: dict[tuple, int] = {}
        self._reading.append(reads)
        try:
            yield reads
        finally:
            self._reading.pop()
            self.depends_on(reads)

    def depends_on(self, reads: dict[tuple, int]) -> None:
        """The running analysis used a remembered result that read these cells."""
        if self._reading and reads:
            mine = self._reading[-1]
            for key, version in reads.items():
                seen = mine.get(key)
                if seen is None or version < seen:
                    mine[key] = version

    def is_stale(self, reads: dict[tuple, int]) -> bool:
        """Whether a cell read by an analysis has changed since it was read."""
        versions = self._versions
        return any(versions.get(key, 0) != version for key, version in reads.items())

    def _read(self, key: tuple) -> None:
        if self._reading:
            self._reading[-1].setdefault(key, self._versions.get(key, 0))

    def _bump(self, key: tuple) -> None:
        self._versions[key] = self._versions.get(key, 0) + 1

    def get(self, cell: tuple, default: Value | None = CLEAN) -> Value | None:
        self._read(cell)
        return self.cells.get(cell, default)

    def write(self, cell: tuple, value: Value) -> None:
        old = self.cells.get(cell)
        new = value if old is None else old.join(value)
        if old is not None and new.same_as(old):
            if new is not old:
                self.cells[cell] = new  # shorter traces
            return
        self.cells[cell] = new
        self.changed = True
        self._bump(cell)
        kind = cell[0]
        if kind == "m":
            path = cell[1]
            for end in range(1, len(path) + 1):
                self._bump(("below", path[:end]))
                if old is None and end < len(path):
                    self._below.setdefault(path[:end], set()).add(cell)
        elif kind == "f":
            self._bump(("fields", cell[1], cell[2]))
            self._fields.setdefault((cell[1], cell[2]), set()).add(cell)
            self._bump(("named", cell[1], cell[3]))
            self._named.setdefault((cell[1], cell[3]), set()).add(cell)
        elif kind == "g":
            self._bump(("globals", cell[1]))
            self._globals.setdefault(cell[1], set()).add(cell[2])

    def subtree(self, cell: tuple) -> Value:
        """A library module attribute and everything stored under it (`st.session_state` and
        `st.session_state["key"]`)."""
        self._read(("below", cell[1]))
        value = self.cells.get(cell, CLEAN)
        for below in self._below.get(cell[1], ()):  # what entries hold, not what they are:
            held = self.cells[below]                  # `os.environ.get` is no method of a value in it
            value = value.join(Value(held.taint, held.strs))
        return value

    def fields(self, ckey: tuple, site: object, masked: frozenset[str] = frozenset()) -> Value:
        """Everything an object holds (its own fields and its class's), as `vars(obj)` shows;
        `masked` fields print as '****'."""
        self._read(("fields", ckey, site))
        self._read(("fields", ckey, None))
        cells = self._fields.get((ckey, site), set()) | self._fields.get((ckey, None), set())
        return join_all(self.cells[cell] for cell in cells if cell[-1] not in masked)

    def field_of_any(self, ckey: tuple, name: str) -> Value:
        """Field `name` as any instance of the class holds it: for a method the framework calls
        on an instance the program made elsewhere."""
        self._read(("named", ckey, name))
        return join_all(self.cells[cell] for cell in self._named.get((ckey, name), ()))

    def globals_of(self, module: str) -> list[tuple[str, Value]]:
        self._read(("globals", module))
        return [(name, self.cells[("g", module, name)]) for name in sorted(self._globals.get(module, ()))]
