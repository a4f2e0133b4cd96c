"""USSD endpoints: parse the aggregator's request, run one hop, answer in its format."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from gateway.channels import africastalking, json_api
from gateway.channels.hop import BadHop
from gateway.runtime import Runtime

bp = Blueprint("ussd", __name__, url_prefix="/ussd")
log = logging.getLogger(__name__)


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
        reply = rt.dialog.notice(bad.reason)
        return Response(
            africastalking.render(reply.text, True),
            status=400 if bad.reason == "engine.bad_request" else 200,
            mimetype="text/plain",
        )
    reply = rt.dialog.hop(hop)
    return Response(africastalking.render(reply.text, reply.end), mimetype="text/plain")


@bp.post("/json")
def json_hop() -> Response | tuple[Response, int]:
    rt = runtime()
    body = request.get_json(silent=True)
    try:
        hop = json_api.parse(body)
    except BadHop as bad:
        log.info("json: refused request: %s", bad.detail)
        reply = rt.dialog.notice(bad.reason)
        raw_id = body.get("sessionId") if isinstance(body, dict) else None
        session_id = raw_id if isinstance(raw_id, str) else ""
        status = 400 if bad.reason == "engine.bad_request" else 200
        return jsonify(json_api.render(session_id[:128], reply.text, True)), status
    reply = rt.dialog.hop(hop)
    return jsonify(json_api.render(hop.session_id, reply.text, reply.end))
