"""The report of one scan: what every renderer (text, JSON, SARIF, Markdown, HTML) shows.

A report never holds a key's text: findings point at lines, and messages are built from the
catalogue's words, hosts and call names only.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1, "info": 0}


@dataclass(frozen=True)
class TraceStep:
    file: str
    line: int
    note: str
    cell: int | None = None  # notebooks: the 0-based code cell
    cell_line: int | None = None  # and the 1-based line inside it

    def to_dict(self) -> dict:
        out = {"file": self.file, "line": self.line, "note": self.note}
        if self.cell is not None:
            out.update(cell=self.cell, cell_line=self.cell_line)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> TraceStep:
        return cls(data["file"], data["line"], data["note"], data.get("cell"), data.get("cell_line"))


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: str
    file: str
    line: int
    end_line: int
    message: str
    trace: tuple[TraceStep, ...]
    cell: int | None = None
    cell_line: int | None = None

    def to_dict(self) -> dict:
        out = {"rule": self.rule, "category": self.category, "severity": self.severity,
               "file": self.file, "line": self.line, "end_line": self.end_line,
               "message": self.message, "trace": [s.to_dict() for s in self.trace]}
        if self.cell is not None:
            out.update(cell=self.cell, cell_line=self.cell_line)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        return cls(data["rule"], data["category"], data["severity"], data["file"], data["line"],
                   data["end_line"], data["message"], tuple(TraceStep.from_dict(s) for s in data["trace"]),
                   data.get("cell"), data.get("cell_line"))


@dataclass(frozen=True)
class ExpectedUse:
    file: str
    line: int
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Skip:
    file: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Target:
    input: str
    repo: str | None = None
    commit: str | None = None
    forge: str | None = None

    def to_dict(self) -> dict:
        out = {"input": self.input, "repo": self.repo, "commit": self.commit}
        if self.forge:
            out["forge"] = self.forge
        return out


@dataclass
class Coverage:
    files: int = 0
    bytes: int = 0
    complete: bool = True
    skipped: list[Skip] = field(default_factory=list)
    parsed_with_errors: list[str] = field(default_factory=list)  # analyzed despite syntax errors

    def to_dict(self) -> dict:
        return {"files": self.files, "bytes": self.bytes, "complete": self.complete,
                "skipped": [s.to_dict() for s in self.skipped], "parsed_with_errors": self.parsed_with_errors}


@dataclass
class Report:
    """One scan's result. `to_dict` is the JSON contract; `from_dict` reads it back (the web
    site keeps reports as JSON)."""
    target: Target
    findings: list[Finding]
    test_findings: list[Finding]
    expected_uses: list[ExpectedUse]
    coverage: Coverage
    seconds: float = 0.0
    engine_version: str = ""
    app_kind: str = ""  # "server", "local" or "mixed": where the code a key can reach runs
    security_policy: str | None = None  # the repository's SECURITY.md, when it has one

    @property
    def verdict(self) -> str:
        """high/medium/low from the scored findings; unknown when nothing was analyzed, and
        never low for a scan that stopped early."""
        scored = [f for f in self.findings if f.severity != "info"]
        if scored:
            return max((f.severity for f in scored), key=SEVERITY_ORDER.__getitem__)
        if self.coverage.files == 0 or not self.coverage.complete:
            return "unknown"
        return "low"

    def to_dict(self) -> dict:
        return {"target": self.target.to_dict(), "verdict": self.verdict,
                "findings": [f.to_dict() for f in self.findings],
                "test_findings": [f.to_dict() for f in self.test_findings],
                "expected_uses": [u.to_dict() for u in self.expected_uses],
                "coverage": self.coverage.to_dict(),
                "stats": {"seconds": round(self.seconds, 3)},
                "engine": {"version": self.engine_version, "app_kind": self.app_kind},
                "repository": {"security_policy": self.security_policy}}

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        target = data["target"]
        coverage = data["coverage"]
        engine = data.get("engine", {})
        return cls(
            target=Target(target["input"], target.get("repo"), target.get("commit"), target.get("forge")),
            findings=[Finding.from_dict(f) for f in data["findings"]],
            test_findings=[Finding.from_dict(f) for f in data["test_findings"]],
            expected_uses=[ExpectedUse(**u) for u in data["expected_uses"]],
            coverage=Coverage(coverage["files"], coverage["bytes"], coverage["complete"],
                              [Skip(**s) for s in coverage["skipped"]], coverage.get("parsed_with_errors", [])),
            seconds=data["stats"]["seconds"], engine_version=engine.get("version", ""),
            app_kind=engine.get("app_kind", ""),
            security_policy=data.get("repository", {}).get("security_policy"))
