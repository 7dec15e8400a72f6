"""The Flask application factory: nothing app-level exists before `create_app()`."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings, load_settings
from .web import api, pages, security
from .web.database import Database
from .web.errors import install_error_handlers
from .web.jobs import JobManager
from .web.store import SQLiteReportStore
from .web.view import ViewCache

ROOT = Path(__file__).resolve().parent.parent
MAX_FORM_BYTES = 16 * 1024  # a URL and a token: nothing bigger is ever posted


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=os.environ.get("TRUSTCHECK_INSTANCE_PATH"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("TRUSTCHECK_SECRET_KEY") or _instance_secret(Path(app.instance_path)),
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("TRUSTCHECK_SECURE_COOKIES", "") == "1",
        TRUSTCHECK_SETTINGS=None,
        TRUSTCHECK_DATABASE=str(Path(app.instance_path) / "trustcheck.sqlite3"),
    )
    if test_config:
        app.config.update(test_config)
    settings: Settings = app.config["TRUSTCHECK_SETTINGS"] or load_settings()
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
                                x_host=settings.trusted_proxies)
    database = Database(Path(app.config["TRUSTCHECK_DATABASE"]))
    store = SQLiteReportStore(database)
    app.extensions["trustcheck"] = {
        "settings": settings,
        "store": store,
        "jobs": JobManager(settings, store, database),
        "limiter": security.RateLimiter(settings.scans_per_hour, database),
        "views": ViewCache(),
    }
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    security.install(app)
    install_error_handlers(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app


def _instance_secret(instance: Path) -> str:
    """A signing key kept in the instance folder, so that several worker processes share it."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
