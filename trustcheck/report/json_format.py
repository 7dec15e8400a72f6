"""The JSON report: the contract of ../SPEC.md ("CLI and JSON contract")."""
from __future__ import annotations

import json

from .model import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
