"""USSD endpoints: parse the aggregator's request, run one hop, answer in its format.

Whatever happens, the phone gets an `END` in the adapter's format: a refused request a 4xx (the
aggregator's fault, nothing stored), an unexpected failure a 200 with the localized error text (logged
once with its traceback, never sent).

Every hop of every call is a `POST /ussd/africastalking`, and Flask's request machinery with werkzeug's
general form parser costs about as much CPU as the hop itself: `HopFastPath` answers the plain ones
(urlencoded, within the size limit, no query string) as WSGI in front of Flask, with the same answers;
anything else, that endpoint included, goes through Flask as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug import urls  # noqa: F401 - registers the "werkzeug.url_quote" codec error handler
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from gateway.channels import africastalking, json_api
from gateway.channels.hop import BadHop
from gateway.runtime import Runtime

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

bp = Blueprint("ussd", __name__, url_prefix="/ussd")
log = logging.getLogger(__name__)

BAD_REQUEST = "engine.bad_request"
AFRICASTALKING_PATH = "/ussd/africastalking"
AFRICASTALKING_ENDPOINT = "ussd.africastalking_hop"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["jembatan"]
    return rt


def africastalking_answer(rt: Runtime, form: Mapping[str, str]) -> tuple[str, int]:
    """The body and status of the answer to one Africa's Talking request (its form already parsed)."""
    try:
        hop = africastalking.parse(form)
    except BadHop as bad:
        log.info("africastalking: refused request: %s", bad.detail)
        return africastalking.render(_notice_text(rt, bad.reason), True), 400 if bad.reason == BAD_REQUEST else 200
    reply = rt.dialog.hop(hop)
    return africastalking.render(reply.text, reply.end), 200


@bp.post("/africastalking")
def africastalking_hop() -> Response:
    body, status = africastalking_answer(runtime(), request.form)
    return Response(body, status=status, mimetype="text/plain")


class HopFastPath:
    """WSGI middleware: `POST /ussd/africastalking` with a plain form body, answered without Flask.

    Only a request `plain_form` can read (form-urlencoded, a Content-Length within the limit, no query
    string) takes this path; any other goes to Flask, whose answer (413, 400, 405) is the same as before.
    """

    def __init__(self, rt: Runtime, max_request_bytes: int, flask_app: WSGIApplication) -> None:
        self.rt, self.max_request_bytes, self.flask_app = rt, max_request_bytes, flask_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != AFRICASTALKING_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.flask_app(environ, start_response)
        form = plain_form(environ, self.max_request_bytes)
        if form is None:
            return self.flask_app(environ, start_response)
        try:
            body, status = africastalking_answer(self.rt, form)
        except Exception:  # as `failed` below answers on the Flask path
            log.exception("%s: unexpected error", AFRICASTALKING_ENDPOINT)
            body, status = africastalking.render(_notice_text(self.rt, "engine.error"), True), 200
        data = body.encode()
        start_response(
            f"{status} {HTTP_STATUS_CODES[status].upper()}",  # as werkzeug writes it
            [("Content-Type", PLAIN_TEXT), ("Content-Length", str(len(data)))],
        )
        return [data]


PLAIN_TEXT = "text/plain; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"


def plain_form(environ: WSGIEnvironment, max_bytes: int) -> dict[str, str] | None:
    """The form of a simple urlencoded POST, read as werkzeug reads it (the first value of a repeated field;
    bytes that are not UTF-8 give an empty form); None for any request this does not cover."""
    if environ.get("QUERY_STRING") or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != FORM_TYPE:
        return None
    length = environ.get("CONTENT_LENGTH", "")
    if not length.isdigit() or int(length) > max_bytes:
        return None
    raw = environ["wsgi.input"].read(int(length))
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return {}
    form: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"):
        form.setdefault(name, value)
    return form


@bp.post("/json")
def json_hop() -> Response:
    rt = runtime()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not our contract's shape
        body = None
    g.ussd_session_id = json_api.echo_id(body)
    try:
        hop = json_api.parse(body)
    except BadHop as bad:
        log.info("json: refused request: %s", bad.detail)
        return _end(bad.reason, 400 if bad.reason == BAD_REQUEST else 200)
    reply = rt.dialog.hop(hop)
    return jsonify(json_api.render(hop.session_id, reply.text, reply.end))


@bp.errorhandler(Exception)
def failed(exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 500:
        log.info("%s: refused request: %s", request.endpoint, exc.name)  # too large, unreadable form
        return _end(BAD_REQUEST, exc.code)
    log.exception("%s: unexpected error", request.endpoint)
    return _end("engine.error", 200)


def _notice_text(rt: Runtime, reason: str) -> str:
    try:
        return rt.dialog.notice(reason).text
    except Exception:  # the catalog is in memory; should it fail, the phone still gets an END, not a 500
        log.exception("ussd: no text for %s", reason)
        return ""


def _end(reason: str, status: int) -> Response:
    """The localized END for `reason` in the format of the endpoint that was called."""
    text = _notice_text(runtime(), reason)
    if request.endpoint == "ussd.json_hop":
        response = jsonify(json_api.render(g.get("ussd_session_id", ""), text, True))
        response.status_code = status
        return response
    return Response(africastalking.render(text, True), status=status, mimetype="text/plain")
