"""Jupyter notebooks: their code cells as one Python text, with a map back to the file.

Each line of the returned text maps to the line of the .ipynb file that stores it (so a link
with `#L<line>` lands on it), to its cell's index and to its line inside that cell. Magics and
shell escapes (`%pip`, `!ls`) become comments: they are not Python and nothing in them runs.
"""
from __future__ import annotations

import json

from ast_grep_py import SgNode, SgRoot

from .errors import TrustcheckError

_CELL_MAGICS_KEPT = ("%%time", "%%timeit", "%%capture")


class NotebookError(TrustcheckError):
    """The file is not a notebook we can read."""


def notebook_code(text: str) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """(Python text of the code cells, per line: (file line, cell, line in cell))."""
    try:
        data = json.loads(text)
        cells = data["cells"]
    except (ValueError, KeyError, TypeError):
        raise NotebookError("not a Jupyter notebook (no cells)") from None
    positions = _source_lines(text)
    lines: list[str] = []
    line_map: list[tuple[int, int, int]] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        pieces = source if isinstance(source, list) else [source]
        starts = positions[index] if index < len(positions) else []
        cell_lines: list[tuple[str, int]] = []
        for number, piece in enumerate(pieces):
            file_line = starts[number] if number < len(starts) else (starts[-1] if starts else 1)
            for part in str(piece).splitlines() or [""]:
                cell_lines.append((part, file_line))
        skip_cell = bool(cell_lines) and cell_lines[0][0].startswith("%%") and \
            not cell_lines[0][0].startswith(_CELL_MAGICS_KEPT)
        for cell_line, (code, file_line) in enumerate(cell_lines, start=1):
            stripped = code.lstrip()
            if skip_cell or stripped.startswith(("%", "!")):
                code = "#" + code
            lines.append(code)
            line_map.append((file_line, index, cell_line))
        lines.append("")  # keep cells apart
        line_map.append(line_map[-1] if line_map else (1, index, 1))
    return "\n".join(lines) + "\n", tuple(line_map)


def _source_lines(text: str) -> list[list[int]]:
    """For each cell of the file, the 1-based file line of each string of its `source`."""
    root = SgRoot(text, "json").root()
    document = root.named_children()
    top = document[0] if document else None
    cells = _pair_value(top, "cells") if top is not None else None
    out: list[list[int]] = []
    if cells is None or cells.kind() != "array":
        return out
    for cell in cells.named_children():
        source = _pair_value(cell, "source") if cell.kind() == "object" else None
        if source is None:
            out.append([])
        elif source.kind() == "array":
            out.append([s.range().start.line + 1 for s in source.named_children() if s.kind() == "string"])
        else:
            out.append([source.range().start.line + 1])
    return out


def _pair_value(obj: SgNode, key: str) -> SgNode | None:
    for pair in obj.named_children():
        if pair.kind() != "pair":
            continue
        name = pair.field("key")
        if name is not None and name.text().strip('"') == key:
            return pair.field("value")
    return None
