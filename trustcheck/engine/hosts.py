"""Where a request goes: from the texts a URL could have to a classified destination."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import providers
from .values import Text

# From the most to the least worrying: a sink reports the first kind its URL can have.
KINDS = ("third-party", "config", "unknown", "relative", "user", "provider", "loopback")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_HOST_END = re.compile(r"[/?#]")
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$")


@dataclass(frozen=True, slots=True)
class Destination:
    kind: str  # one of KINDS
    host: str  # the host name, or words for what chose it
    scheme: str = ""

    @property
    def rank(self) -> int:
        return KINDS.index(self.kind)


def _classify_host(host: str, scheme: str) -> Destination:
    name = host.lower()
    if name.startswith("["):
        name = name.split("]")[0] + "]"
    elif ":" in name:
        name = name.split(":")[0]
    if "@" in name:
        name = name.rsplit("@", 1)[1]
    table = providers()
    if table.is_loopback(name):
        return Destination("loopback", name, scheme)
    if table.is_provider_host(name):
        return Destination("provider", name, scheme)
    return Destination("third-party", name, scheme)


def destination(text: Text) -> Destination:
    """Classify one possible URL (or bare host) text. A URL read from configuration or typed
    by the user is theirs to choose, whatever its default."""
    found = _parse(text)
    if text.origin in ("config", "user") and found.kind in ("provider", "third-party", "loopback"):
        return Destination(text.origin, found.host, found.scheme)
    return found


def _parse(text: Text) -> Destination:
    prefix = text.prefix.strip()
    match = _SCHEME.match(prefix)
    if match:
        rest = prefix[match.end():]
        end = _HOST_END.search(rest)
        if end is None and not text.complete:
            return _unknown(text)
        host = rest[:end.start()] if end else rest
        if not host:
            return _unknown(text)
        return _classify_host(host, match.group(1).lower())
    if prefix.startswith("//"):
        rest = prefix[2:]
        end = _HOST_END.search(rest)
        if end is None and not text.complete:
            return _unknown(text)
        return _classify_host(rest[:end.start()] if end else rest, "")
    if prefix.startswith("/") or prefix.startswith("./") or prefix.startswith("?"):
        return Destination("relative", prefix.split("?")[0] or "/")  # the path on the app's own server
    if prefix:
        end = _HOST_END.search(prefix)
        candidate = prefix[:end.start()] if end else prefix
        if (end is not None or text.complete) and _BARE_HOST.match(candidate):
            return _classify_host(candidate, "")
    return _unknown(text)


def _unknown(text: Text) -> Destination:
    if text.origin == "config":
        return Destination("config", "a configured URL")
    if text.origin == "user":
        return Destination("user", "a URL the user chose")
    return Destination("unknown", "an undetermined host")


def destinations(texts) -> list[Destination]:
    """Every distinct destination the texts allow, the most worrying first."""
    found = {destination(t) for t in texts if t.prefix or t.origin != "code"}
    return sorted(found, key=lambda d: (d.rank, d.host))
