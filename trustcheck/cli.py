"""The command line: parse arguments, scan, render, exit 0 (ran), 1 (--fail-on met) or 2
(the target could not be scanned, with one line on stderr)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import load_settings
from .errors import TrustcheckError
from .report import OutputFormat, render
from .report.model import SEVERITY_ORDER
from .rules import load_rules


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trustcheck", description="What does this app's code do with the API key you paste into it?")
    parser.add_argument("--version", action="version", version=f"trustcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan a folder, a .zip/.tar.gz archive or a public repository")
    scan.add_argument("target", help="a folder, a .zip / .tar.gz archive of one, or the URL of a public "
                                     "repository (GitHub, GitLab, Codeberg, Bitbucket, Hugging Face) or app")
    scan.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    scan.add_argument("--fail-on", choices=["high", "medium", "low"],
                      help="exit 1 when a scored finding at or above this severity exists")
    scan.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    rules = commands.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("rule", nargs="?", help="a rule id, e.g. key-in-log-call")
    return parser


def _scan(args: argparse.Namespace) -> int:
    from .scan import looks_like_url, scan_path, scan_repository

    settings = load_settings()
    local = Path(args.target)
    if not local.exists() and looks_like_url(args.target):
        report = scan_repository(args.target, settings)
    else:
        report = scan_path(local, settings)
    fmt = OutputFormat(args.format)
    color = fmt is OutputFormat.TEXT and args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    text = render(report, fmt, color=color)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.fail_on:
        threshold = SEVERITY_ORDER[args.fail_on]
        if any(SEVERITY_ORDER[f.severity] >= threshold for f in report.findings if f.severity != "info"):
            return 1
    return 0


def _rules(args: argparse.Namespace) -> int:
    rules = load_rules()
    if not args.rule:
        for rule in sorted(rules.values(), key=lambda r: (r.category, r.id)):
            print(f"{rule.id:<32} {rule.category:<22} {rule.title}")
        return 0
    rule = rules.get(args.rule)
    if rule is None:
        raise TrustcheckError(f"no rule named {args.rule!r} (see: python -m trustcheck rules)")
    from .report.sarif import rule_help_markdown
    print(f"# {rule.id}: {rule.title}\n\n{rule_help_markdown(rule)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = _scan(args) if args.command == "scan" else _rules(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except TrustcheckError as err:
        print(f"trustcheck: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("trustcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `trustcheck rules | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
