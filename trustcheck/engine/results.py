"""From what the interpreter saw to the report's findings: severity by where the code runs,
which sources count, the trace in the file's own lines, test code apart."""
from __future__ import annotations

from ..report.model import ExpectedUse, Finding, TraceStep
from ..rules import load_rules
from .context import is_test_path
from .program import Program, RawFinding
from .values import Step

# When several sources reach a sink, the trace shown starts at the most direct one.
_ORIGIN_RANK = {"user": 0, "request": 0, "param": 1, "env": 2}


def collect(program: Program) -> tuple[list[Finding], list[Finding], list[ExpectedUse]]:
    """(findings, test findings, expected uses), sorted by file and line."""
    rules = load_rules()
    imported_tests = _test_modules_imported_by_app(program)
    findings, test_findings = [], []
    for raw in program.findings.values():
        finding = _finding(program, raw, rules[raw.rule])
        if finding is None:
            continue
        in_tests = _in_tests(raw.file, imported_tests) or (raw.facts and all(
            _in_tests(program.sources[sid].file, imported_tests) for sid, _ in raw.facts))
        (test_findings if in_tests else findings).append(finding)
    expected = [ExpectedUse(file, _locate(program, file, line)[0], message)
                for (file, line), message in program.expected.items()]
    return sorted(findings, key=_position), sorted(test_findings, key=_position), sorted(expected, key=_position)


def _position(item) -> tuple[str, int]:
    return item.file, item.line


def _finding(program: Program, raw: RawFinding, rule) -> Finding | None:
    severity = rule.severity_in(raw.context)
    if severity is None:
        return None
    facts = {}
    for fact, trace in raw.facts.items():
        source = program.sources[fact[0]]
        if source.origin.startswith("carrier:"):
            channel = (program.modules[source.file].language, source.origin.split(":", 1)[1])
            if channel not in program.request_key_channels:  # no key is read from there in that language
                continue
        elif source.origin == "env" and raw.context == "server" and (
                rule.category in ("logging", "persistence") or rule.id == "key-sent-to-configured-host"):
            continue  # the deployer's own secret, in the deployer's logs, files, configured hosts
        facts[fact] = trace
    if raw.facts and not facts:
        return None
    message = rule.message.format(call=raw.call or "a call", host=raw.host or "another host")
    steps: list[Step] = []
    if facts:
        best = min(facts.items(), key=lambda item: (_rank(program, item[0][0]), item[1].length))
        steps = best[1].steps()
    steps.append(Step(raw.file, raw.line, rule.note.format(call=raw.call or "a call", host=raw.host or "another host")))
    trace = tuple(_trace_step(program, s) for s in steps)
    line, cell, cell_line = _locate(program, raw.file, raw.line)
    end_line = _locate(program, raw.file, raw.end_line)[0]
    return Finding(rule.id, rule.category, severity, raw.file, line, max(line, end_line), message, trace,
                   cell, cell_line)


def _rank(program: Program, source_id: int) -> int:
    origin = program.sources[source_id].origin
    return _ORIGIN_RANK.get(origin, 3)


def _locate(program: Program, file: str, line: int) -> tuple[int, int | None, int | None]:
    """A line of the analyzed text -> (line in the file, cell, line in the cell)."""
    module = program.modules.get(file)
    if module is None or module.line_map is None or not 0 < line <= len(module.line_map):
        return line, None, None
    return module.line_map[line - 1]


def _trace_step(program: Program, step: Step) -> TraceStep:
    line, cell, cell_line = _locate(program, step.file, step.line)
    return TraceStep(step.file, line, step.note, cell, cell_line)


def _in_tests(path: str, imported_tests: set[str]) -> bool:
    """Test code, unless the app's own code imports it. A finding reached only from keys that
    enter in test code (a test calling the app with a key) belongs to the tests too."""
    return is_test_path(path) and path not in imported_tests


def _test_modules_imported_by_app(program: Program) -> set[str]:
    imported: set[str] = set()
    for path, targets in program.import_edges.items():
        if not is_test_path(path):
            imported.update(t for t in targets if is_test_path(t))
    return imported
