"""The Flask app factory: everything is built here, nothing at import time."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.exceptions import HTTPException

from gateway import logs, safety
from gateway.config import DEV_SECRET, Settings
from gateway.runtime import Runtime, build_runtime

MAX_REQUEST_BYTES = 16 * 1024
log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None, runtime: Runtime | None = None) -> Flask:
    logs.configure()
    settings = Settings.from_env().with_overrides(config)
    safety.check_start(settings)  # production mode: refuse unsafe settings before serving
    if settings.secret_key == DEV_SECRET and runtime is None:
        log.warning("SECRET_KEY is the development default: set it (and PIN_PEPPER) before serving real customers")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.extensions["jembatan"] = runtime or build_runtime(settings)

    from gateway.web import health, sms, ussd

    app.register_blueprint(ussd.bp)
    app.wsgi_app = ussd.HopFastPath(app.extensions["jembatan"], MAX_REQUEST_BYTES, app.wsgi_app)  # type: ignore[method-assign]
    app.register_blueprint(health.bp)
    app.register_blueprint(sms.bp)
    if app.extensions["jembatan"].db_engine is not None:  # the staff console needs the staff tables
        from gateway.console import init_console

        init_console(app, app.extensions["jembatan"])

    from gateway.records import web as records_web

    app.register_blueprint(records_web.bp)

    from gateway.decisions import web as decisions_web

    app.register_blueprint(decisions_web.bp)

    @app.before_request
    def readable_query_string() -> None:
        """Werkzeug decodes the query string as strict UTF-8 on first use (`request.args`): refuse other bytes
        up front with a 400, in each blueprint's format, rather than a 500 wherever a view reads an argument."""
        try:
            request.query_string.decode()
        except UnicodeDecodeError:
            abort(400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return Response(f"{exc.code} {exc.name}", status=exc.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        """Outside USSD (whose blueprint answers a localized END): a bare 500, the traceback only in the log."""
        log.exception("unhandled error on %r", request.path[:80])
        return Response("500 Internal Server Error", status=500, mimetype="text/plain")

    return app
