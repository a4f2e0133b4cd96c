"""SMS endpoints: Twilio's inbound webhook and status callbacks, a local aggregator, the demo sandbox.

Replies never go back in the HTTP answer (no TwiML message): they go out through the outbox, so each is
sent once and its delivery tracked. Only a message that could not be stored gets a 5xx.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from flask import Blueprint, Response, abort, current_app, jsonify, request

from gateway.messaging.status import apply_status
from gateway.messaging.wiring import AGGREGATOR_PATH, SANDBOX_PATH, STATUS_PATH, TWILIO_PATH, SmsChannel
from gateway.runtime import Runtime
from gateway.sms.inbound import (
    AGGREGATOR_ACK,
    Rejected,
    RejectReason,
    parse_aggregator,
    parse_twilio,
    parse_twilio_status,
)
from gateway.sms.sandbox import list_sandbox

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
CREDENTIAL_HEADER = "X-Aggregator-Credential"
CREDENTIAL_PARAM = "credential"
SANDBOX_LIMIT = 50
_SIGNATURE_PROBLEMS = (RejectReason.MISSING_SIGNATURE, RejectReason.BAD_SIGNATURE)


def channel() -> SmsChannel:
    rt: Runtime = current_app.extensions["jembatan"]
    sms: SmsChannel | None = getattr(rt, "sms", None)
    if sms is None:
        abort(404)
    return sms


def signed_url(sms: SmsChannel) -> str:
    """The URL Twilio signed: the configured public base URL, never `request.url` (wrong behind a proxy)."""
    query = request.query_string.decode()
    return sms.settings.public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def twiml() -> Response:
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post(TWILIO_PATH)
def twilio_inbound() -> Response:
    sms = channel()
    parsed = parse_twilio(request.form, request.headers, signed_url(sms), sms.settings.twilio_auth_token)
    if isinstance(parsed, Rejected):
        return _rejected("twilio", parsed, request.form.get("MessageSid", ""), request.form.get("From", ""), sms)
    received = sms.inbox.receive(parsed)
    log.info("sms twilio %s: %s", parsed.provider_message_id, received.outcome)
    return twiml()


@bp.route(AGGREGATOR_PATH, methods=["GET", "POST"])
def aggregator_inbound() -> Response:
    sms = channel()
    credential = request.headers.get(CREDENTIAL_HEADER) or request.values.get(CREDENTIAL_PARAM, "")
    parsed = parse_aggregator(request.values, credential, sms.settings.aggregator_credential)
    if isinstance(parsed, Rejected):
        if parsed.reason is RejectReason.BAD_CREDENTIAL:
            abort(403)
        if parsed.reason is RejectReason.MISSING_FIELD:
            abort(400)
        _rejected("aggregator", parsed, request.values.get("messageid", ""), request.values.get("original", ""), sms)
        return Response(AGGREGATOR_ACK, mimetype="text/plain")
    received = sms.inbox.receive(parsed)
    log.info("sms aggregator %s: %s", parsed.provider_message_id, received.outcome)
    return Response(AGGREGATOR_ACK, mimetype="text/plain")


@bp.post(STATUS_PATH)
def twilio_status() -> Response:
    sms = channel()
    parsed = parse_twilio_status(request.form, request.headers, signed_url(sms), sms.settings.twilio_auth_token)
    if isinstance(parsed, Rejected):
        if parsed.reason in _SIGNATURE_PROBLEMS:
            log.warning("twilio status callback refused: %s", parsed.reason.value)
            abort(403)
        log.info("twilio status callback ignored: %s %s", parsed.reason.value, parsed.detail[:40])
        return twiml()
    raw_id = request.args.get("outbox", "")
    with sms.outbox.sessions() as db, db.begin():
        outcome = apply_status(db, parsed, int(raw_id) if raw_id.isdigit() else None, sms.outbox.clock())
    log.info("twilio status %s %s: %s", parsed.provider_message_id, parsed.status.value, outcome.value)
    return twiml()


@bp.get(SANDBOX_PATH)
def sandbox() -> Response:
    """What the sandbox "sent", newest first (bodies in clear: a demo only; 404 when Twilio is configured)."""
    sms = channel()
    if not sms.sandbox:
        abort(404)
    limit = min(request.args.get("limit", SANDBOX_LIMIT, type=int) or SANDBOX_LIMIT, SANDBOX_LIMIT * 4)
    return jsonify([asdict(message) for message in list_sandbox(sms.redis, limit)])


def _rejected(provider: str, rejected: Rejected, message_id: str, raw_sender: str, sms: SmsChannel) -> Response:
    if rejected.reason in _SIGNATURE_PROBLEMS:
        log.warning("%s inbound refused: %s", provider, rejected.reason.value)
        abort(403)
    if rejected.reason is RejectReason.UNUSABLE_NUMBER:
        body = request.values.get("Body" if provider == "twilio" else "message", "")
        sms.inbox.record_unanswerable(provider, message_id, raw_sender, body[:1600], "unusable_sender")
    log.info("%s inbound not answered: %s", provider, rejected.reason.value)
    return twiml()
