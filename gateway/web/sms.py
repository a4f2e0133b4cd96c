"""SMS endpoints: Twilio's inbound webhook and status callbacks, a local aggregator, the demo sandbox.

Replies never go back in the HTTP answer (no TwiML message): they go out through the outbox, so each is
sent once and its delivery tracked. Only a message that could not be stored durably gets a 5xx (503:
the provider retries); bad input gets a 4xx, and a body the database cannot hold (a NUL) is stored
cleaned. The sandbox answers only in development mode and to loopback callers.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import asdict

from flask import Blueprint, Response, abort, current_app, jsonify, request

from gateway.runtime import Runtime
from gateway.sms.aggregator_provider import parse_delivery_report
from gateway.sms.inbound import (
    AGGREGATOR_ACK,
    InboundSms,
    Rejected,
    RejectReason,
    StatusUpdate,
    parse_aggregator,
    parse_twilio,
    parse_twilio_status,
    usable_message_id,
)
from gateway.sms.inbox import DATABASE_DOWN, StorageUnavailable
from gateway.sms.numbers import ascii_int
from gateway.sms.sandbox import list_sandbox
from gateway.sms.status import apply_status
from gateway.sms.wiring import (
    AGGREGATOR_DELIVERED_PATH,
    AGGREGATOR_PATH,
    SANDBOX_PATH,
    STATUS_PATH,
    TWILIO_PATH,
    SmsChannel,
)

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
CREDENTIAL_HEADER = "X-Aggregator-Credential"
CREDENTIAL_PARAM = "credential"
SANDBOX_LIMIT = 50
LOOPBACK = frozenset({"127.0.0.1", "::1"})
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
    unavailable = _receive(sms, parsed)
    return unavailable or twiml()


@bp.route(AGGREGATOR_PATH, methods=["GET", "POST"])
def aggregator_inbound() -> Response:
    sms = channel()
    parsed = parse_aggregator(request.values, _credential(), sms.settings.aggregator_credential)
    if isinstance(parsed, Rejected):
        if parsed.reason is RejectReason.BAD_CREDENTIAL:
            abort(403)
        if parsed.reason in (RejectReason.MISSING_FIELD, RejectReason.BAD_MESSAGE_ID):
            abort(400)
        _rejected("aggregator", parsed, request.values.get("messageid", ""), request.values.get("original", ""), sms)
        return aggregator_ack()
    return _receive(sms, parsed) or aggregator_ack()


@bp.route(AGGREGATOR_DELIVERED_PATH, methods=["GET", "POST"])
def aggregator_delivered() -> Response:
    """`status=10` delivered, `30` failed; `messageid` is ours, a part suffix (`.2`) stands for the message."""
    sms = channel()
    if not _credential_ok(sms):
        abort(403)
    report = parse_delivery_report(request.values.get("status", ""), request.values.get("messageid", ""))
    if report is None or not usable_message_id(report.message_id):
        abort(400)
    if report.status is None:
        log.info("aggregator delivery report %s: status not known, ignored", report.message_id)
        return aggregator_ack()
    failed = report.status.value == "failed"
    update = StatusUpdate(report.message_id, report.status, ascii_int(request.values.get("status")) if failed else None)
    try:
        with sms.outbox.sessions() as db, db.begin():
            outcome = apply_status(db, update, None, sms.outbox.clock())
    except DATABASE_DOWN as exc:
        sms.outages.failed("database", exc)
        abort(503)
    log.info("aggregator delivery report %s %s: %s", report.message_id, report.status.value, outcome.value)
    return aggregator_ack()


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
    try:
        with sms.outbox.sessions() as db, db.begin():
            outcome = apply_status(db, parsed, ascii_int(request.args.get("outbox")), sms.outbox.clock())
    except DATABASE_DOWN as exc:
        sms.outages.failed("database", exc)
        abort(503)
    log.info("twilio status %s %s: %s", parsed.provider_message_id, parsed.status.value, outcome.value)
    return twiml()


@bp.get(SANDBOX_PATH)
def sandbox() -> Response:
    """What the sandbox "sent", newest first. Bodies are in clear (codes, balances): it answers only in
    development mode, to a loopback caller, with the sandbox provider; anything else gets 404."""
    sms = channel()
    if not sms.sandbox or sms.settings.production or request.remote_addr not in LOOPBACK:
        abort(404)
    limit = min(request.args.get("limit", SANDBOX_LIMIT, type=int) or SANDBOX_LIMIT, SANDBOX_LIMIT * 4)
    return jsonify([asdict(message) for message in list_sandbox(sms.redis, limit)])


def aggregator_ack() -> Response:
    return Response(AGGREGATOR_ACK, mimetype="text/plain")


def _credential() -> str:
    """The header (preferred) or the `credential` query parameter (never logged: gateway.logs masks it)."""
    return request.headers.get(CREDENTIAL_HEADER) or request.values.get(CREDENTIAL_PARAM, "")


def _credential_ok(sms: SmsChannel) -> bool:
    expected = sms.settings.aggregator_credential
    return bool(expected) and hmac.compare_digest(_credential().encode(), expected.encode())


def _receive(sms: SmsChannel, parsed: InboundSms) -> Response | None:
    """Store and handle the message; a 503 when it could not be stored durably (the provider retries)."""
    try:
        received = sms.inbox.receive(parsed)
    except StorageUnavailable as exc:
        sms.outages.failed(exc.part, exc.cause)
        return Response("503 Service Unavailable", status=503, mimetype="text/plain")
    sms.outages.recovered("database")
    sms.outages.recovered("redis")
    log.info("sms %s %s: %s", parsed.provider, parsed.provider_message_id, received.outcome)
    return None


def _rejected(provider: str, rejected: Rejected, message_id: str, raw_sender: str, sms: SmsChannel) -> Response:
    if rejected.reason in _SIGNATURE_PROBLEMS:
        log.warning("%s inbound refused: %s", provider, rejected.reason.value)
        abort(403)
    if rejected.reason is RejectReason.BAD_MESSAGE_ID or not usable_message_id(message_id):
        abort(400)
    if rejected.reason is RejectReason.UNUSABLE_NUMBER:
        body = request.values.get("Body" if provider == "twilio" else "message", "")
        try:
            sms.inbox.record_unanswerable(provider, message_id, raw_sender, body[:1600], "unusable_sender")
        except StorageUnavailable as exc:
            sms.outages.failed(exc.part, exc.cause)
            abort(503)
    log.info("%s inbound not answered: %s", provider, rejected.reason.value)
    return twiml()
