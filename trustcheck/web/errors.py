"""Friendly error pages (and JSON errors under /api): a message and a status, never a trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..errors import TrustcheckError

log = logging.getLogger(__name__)
TITLES = {400: "That did not work", 404: "Not found", 405: "Not allowed", 413: "Too large",
          415: "Wrong content type", 422: "Cannot scan this", 429: "Slow down", 500: "Something broke",
          502: "The forge did not answer"}


def error_response(status: int, message: str, retry_after: float | None = None):
    if request.path.startswith("/api/"):
        body = jsonify(error=message, status=status)
    else:
        body = render_template("error.html", status=status, title=TITLES.get(status, "Error"), message=message)
    headers = {"Retry-After": str(int(retry_after) + 1)} if retry_after else {}
    return body, status, headers


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if isinstance(err, InternalServerError):
            return error_response(500, "Something went wrong on our side. Please try again later.")
        return error_response(err.code or 500, err.description or TITLES.get(err.code or 500, "Error"))

    @app.errorhandler(TrustcheckError)
    def trustcheck_error(err: TrustcheckError):
        return error_response(err.http_status, err.message, getattr(err, "retry_after", None))

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unhandled error on %s", request.path)
        return error_response(500, "Something went wrong on our side. Please try again later.")
