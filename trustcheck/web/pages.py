"""The HTML pages: the form, a scan's progress, the report, the rules and the badge."""
from __future__ import annotations

import re
import secrets

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from ..engine.pipeline import ENGINE_VERSION
from ..errors import TrustcheckError
from ..forges import accepted_inputs, parse_target
from ..report import OutputFormat, render
from ..report.model import Report
from ..report.sarif import rule_help_markdown
from ..rules import load_rules
from . import context
from .badge import badge_svg
from .security import check_csrf, csrf_token
from .store import ReportKey
from .view import ReportView

bp = Blueprint("pages", __name__)
EXAMPLES = ("https://github.com/owner/streamlit-chat", "gitlab.com/group/subgroup/app",
            "https://huggingface.co/spaces/owner/space", "https://my-app.streamlit.app")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_TOKEN_PLACEHOLDER = secrets.token_hex(16)  # unguessable, so no scanned text can contain it
_DOWNLOADS = {"json": (OutputFormat.JSON, "application/json"), "sarif": (OutputFormat.SARIF, "application/sarif+json"),
              "md": (OutputFormat.MARKDOWN, "text/markdown; charset=utf-8")}


@bp.get("/")
def index():
    return render_template("index.html", examples=EXAMPLES, accepted=accepted_inputs(context.settings()))


@bp.post("/scan")
def submit():
    check_csrf()
    text = request.form.get("url", "").strip()
    try:
        target = parse_target(text, context.settings())
    except TrustcheckError as err:
        return render_template("index.html", examples=EXAMPLES, accepted=accepted_inputs(context.settings()),
                               error=err.message, value=text), err.http_status
    wait = context.limiter().allow(context.client_address())
    if wait:
        abort(429, description=f"Too many scans from your address. Try again in {int(wait // 60) + 1} minutes.")
    job = context.jobs().submit(target, text)
    return redirect(url_for("pages.progress", job_id=job.id), code=303)


@bp.get("/scans/<job_id>")
def progress(job_id: str):
    job = context.jobs().get(job_id)
    if job is None:
        abort(404, description="This scan is not known (it may have expired). Start it again from the home page.")
    if job.status == "done" and job.key is not None:
        stored = context.store().get(job.key)
        if stored is not None:
            return redirect(context.views().view(stored).path, code=303)
    if job.status == "failed":
        return render_template("error.html", status=job.error_status or 500, title="The scan failed",
                               message=job.error, retry=job.input), job.error_status or 500
    return render_template("progress.html", job=job)


@bp.get("/r/<host>/<path:rest>")
def report(host: str, rest: str):
    repo, _, last = rest.rpartition("/")
    commit, _, extension = last.partition(".")
    if not repo or not _SHA.match(commit) or (extension and extension not in _DOWNLOADS):
        abort(404, description="There is no report at this address.")
    subpath = request.args.get("path", "")
    stored = next((found for forge in context.forges_at(host) if (found := context.store().get(
        ReportKey(forge, repo, commit, ENGINE_VERSION, subpath))) is not None), None)
    if stored is None:
        abort(404, description="This commit has not been scanned yet (or was scanned by an older version). "
                               "Scan it from the home page.")
    view = context.views().view(stored)
    if extension:
        fmt, mimetype = _DOWNLOADS[extension]
        text = render(Report.from_dict(stored.report), fmt) if fmt is not OutputFormat.MARKDOWN else \
            _issue_text(view)
        name = f"trustcheck-{repo.replace('/', '-')}-{commit[:12]}.{extension}"
        return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    page = context.views().page(stored, _render_report)
    return page.replace(_TOKEN_PLACEHOLDER, csrf_token())


def _render_report(view: ReportView) -> str:
    """The report page with a placeholder where each visitor's own CSRF token goes: the rest of
    the page is the same for everyone, so it is rendered once per stored report."""
    return render_template("report.html", view=view, issue=view.issue, csrf_token=lambda: _TOKEN_PLACEHOLDER)


def _issue_text(view: ReportView) -> str:
    issue = view.issue
    return f"# {issue.title}\n\n{issue.body}"


@bp.get("/rules")
def rules():
    ordered = sorted(load_rules().values(), key=lambda r: (not r.scored, r.category, r.id))
    return render_template("rules.html", rules=ordered)


@bp.get("/rules/<rule_id>")
def rule(rule_id: str):
    found = load_rules().get(rule_id)
    if found is None:
        abort(404, description=f"There is no rule named {rule_id!r}.")
    return render_template("rule.html", rule=found, help_markdown=rule_help_markdown(found))


@bp.get("/badge/<host>/<path:repo>.svg")
def badge(host: str, repo: str):
    found = [s for forge in context.forges_at(host) if (s := context.store().latest(forge, repo)) is not None]
    stored = max(found, key=lambda s: s.created) if found else None
    verdict = stored.report["verdict"] if stored else "not scanned"
    response = Response(badge_svg(verdict), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "max-age=300"
    return response
