"""The report model and its renderers: one module per output format."""
from __future__ import annotations

from enum import Enum

from .model import Report


class OutputFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"


def render(report: Report, fmt: OutputFormat, color: bool = False) -> str:
    if fmt is OutputFormat.JSON:
        from .json_format import render_json
        return render_json(report)
    if fmt is OutputFormat.SARIF:
        from .sarif import render_sarif
        return render_sarif(report)
    if fmt is OutputFormat.MARKDOWN:
        from .markdown import render_markdown
        return render_markdown(report)
    from .text import render_text
    return render_text(report, color=color)
