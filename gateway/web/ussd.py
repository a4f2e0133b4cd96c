"""USSD endpoints: parse the aggregator's request, run one hop, answer in its format.

Whatever happens, the phone gets an `END` in the adapter's format: a refused request a 4xx (the
aggregator's fault, nothing stored), an unexpected failure a 200 with the localized error text (logged
once with its traceback, never sent).
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from gateway.channels import africastalking, json_api
from gateway.channels.hop import BadHop
from gateway.runtime import Runtime

bp = Blueprint("ussd", __name__, url_prefix="/ussd")
log = logging.getLogger(__name__)

BAD_REQUEST = "engine.bad_request"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["jembatan"]
    return rt


@bp.post("/africastalking")
def africastalking_hop() -> Response:
    rt = runtime()
    try:
        hop = africastalking.parse(request.form)
    except BadHop as bad:
        log.info("africastalking: refused request: %s", bad.detail)
        return _end(bad.reason, 400 if bad.reason == BAD_REQUEST else 200)
    reply = rt.dialog.hop(hop)
    return Response(africastalking.render(reply.text, reply.end), mimetype="text/plain")


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


def _end(reason: str, status: int) -> Response:
    """The localized END for `reason` in the format of the endpoint that was called."""
    try:
        text = runtime().dialog.notice(reason).text
    except Exception:  # the catalog is in memory; should it fail, the phone still gets an END, not a 500
        log.exception("ussd: no text for %s", reason)
        text = ""
    if request.endpoint == "ussd.json_hop":
        response = jsonify(json_api.render(g.get("ussd_session_id", ""), text, True))
        response.status_code = status
        return response
    return Response(africastalking.render(text, True), status=status, mimetype="text/plain")
