"""The JSON API: POST /api/scans with {"url": ...} -> 202 {"id", "status_url"};
GET /api/scans/ID -> {"status", "stage", "progress", "report_url", "report", "error"}.
JSON bodies only and no cookies, so no CSRF token is needed."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from ..forges import parse_target
from . import context
from .errors import error_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/scans")
def create_scan():
    if request.mimetype != "application/json":
        abort(415, description="Send a JSON body: {\"url\": \"https://github.com/OWNER/REPO\"}.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("url"), str):
        abort(400, description="The body must be a JSON object with a \"url\" string.")
    target = parse_target(body["url"].strip(), context.settings())
    wait = context.limiter().allow(context.client_address())
    if wait:
        return error_response(429, "Too many scans from your address.", wait)
    job = context.jobs().submit(target, body["url"].strip())
    status_url = url_for("api.scan_status", job_id=job.id)
    return jsonify(id=job.id, status_url=status_url), 202, {"Location": status_url}


@bp.get("/scans/<job_id>")
def scan_status(job_id: str):
    job = context.jobs().get(job_id)
    if job is None:
        abort(404, description="No scan with this id (it may have expired).")
    out = job.to_dict()
    out["report_url"] = None
    if job.status == "done" and job.key is not None:
        stored = context.store().get(job.key)
        if stored is not None:
            view = context.views().view(stored)
            out["report_url"] = view.url
            out["report"] = stored.report
    return jsonify(out)
