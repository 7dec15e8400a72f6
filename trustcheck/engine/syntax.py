"""What the front ends need from an ast-grep tree besides its shape: a parse that says whether
any part of the tree failed, and 1-based line numbers (`range()` costs O(column): call these
only for calls, statements and findings)."""
from __future__ import annotations

from ast_grep_py import SgNode, SgRoot


def parse(text: str, language: str) -> tuple[SgNode, bool]:
    """The root of `text`'s tree, and whether it holds a parse error anywhere (also inside parts
    a front end does not walk)."""
    root = SgRoot(text, language).root()
    return root, root.find(kind="ERROR") is not None


def line_of(node: SgNode) -> int:
    return node.range().start.line + 1


def span_of(node: SgNode) -> tuple[int, int]:
    r = node.range()
    return r.start.line + 1, r.end.line + 1
