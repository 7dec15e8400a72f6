"""A small SVG badge with a repository's latest verdict (text from a fixed set: no escaping
of repository data is involved)."""
from __future__ import annotations

COLORS = {"high": "#b42318", "medium": "#b54708", "low": "#067647", "unknown": "#475467",
          "not scanned": "#475467"}
LABEL = "API keys"


def badge_svg(verdict: str) -> str:
    text = verdict if verdict in COLORS else "unknown"
    word = {"high": "high risk", "medium": "medium risk", "low": "low risk"}.get(text, text)
    left = 7 * len(LABEL) + 12
    right = 7 * len(word) + 12
    width = left + right
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
            f'aria-label="{LABEL}: {word}"><title>{LABEL}: {word}</title>'
            f'<rect width="{left}" height="20" fill="#344054"/>'
            f'<rect x="{left}" width="{right}" height="20" fill="{COLORS[text]}"/>'
            f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
            f'<text x="6" y="14">{LABEL}</text><text x="{left + 6}" y="14">{word}</text></g></svg>')
