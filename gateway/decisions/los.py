"""The hand-off to a loan origination system (LOS): a signed webhook out, a signed callback in.

Out: `POST LOS_WEBHOOK_URL` with the application as JSON, headers `X-Jembatan-Timestamp` (Unix seconds),
`X-Jembatan-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with LOS_WEBHOOK_SECRET>` and
`Idempotency-Key: <application reference>`. Any 2xx (or 409, "I have it") marks it delivered; anything else
leaves it pending with backoff (los_state.py), so an LOS that is down gets each application once it is back.
The LOS should treat the reference as the idempotency key: a worker that dies after the LOS answered but
before it recorded that sends the same application again.

In: `POST /api/los/callback` signed the same way (window CALLBACK_WINDOW) with
`{"reference": ..., "decision": "approve"|"decline", "reason_code": ..., "note": ..., "payout": "savings"|"cash"}`:
the loan system decides instead of an officer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import requests

from gateway.banking.loan_desk import application_file
from gateway.decisions import cases, los_state
from gateway.decisions.desk import DecisionError, Desk, LosConfig
from gateway.decisions.model import LOAN_SYSTEM, Payout
from gateway.decisions.service import approve, decline

TIMESTAMP_HEADER = "X-Jembatan-Timestamp"
SIGNATURE_HEADER = "X-Jembatan-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
CALLBACK_WINDOW = timedelta(minutes=5)
MAX_CALLBACK_BYTES = 16_384
DELIVERED_STATUSES = frozenset({409})

log = logging.getLogger(__name__)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secret: str, timestamp: str | None, given: str | None, body: bytes, now: datetime) -> bool:
    """The callback's signature matches and its timestamp is within CALLBACK_WINDOW of now."""
    if not secret or not timestamp or not given or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs(now.timestamp() - int(timestamp)) > CALLBACK_WINDOW.total_seconds():
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)


def payload(desk: Desk, reference: str) -> dict[str, Any] | None:
    with desk.sessions() as db:
        application = application_file(db, reference)
        row = cases.case(db, reference)
        scored = cases.last_assessment(db, reference)
        if application is None or row is None:
            return None
        return {
            "event": "application",
            "reference": reference,
            "submitted_at": application.submitted_at.isoformat(),
            "state": row.state,
            "customer": {
                "id": application.customer_id,
                "msisdn": application.msisdn,
                "name": application.name,
                "value_chain": application.value_chain,
                "place": application.place,
            },
            "product": application.product_code,
            "amount": application.amount,
            "tenor": application.tenor,
            "purpose": application.purpose,
            "consent": cases.consented(db, reference),
            "assessment": None
            if scored is None
            else {
                "outcome": scored.outcome,
                "score": scored.score,
                "scorecard_version": scored.scorecard_version,
                "policy_version": scored.policy_version,
                "reasons": (scored.detail or {}).get("reasons", []),
            },
        }


def deliver(desk: Desk, reference: str, session: requests.Session | None = None) -> str:
    """One attempt: delivered, retry (pending again, with backoff), skipped (not due, delivered, or no LOS)."""
    if desk.los is None:
        return "skipped"
    now = desk.clock()
    with desk.sessions() as db, db.begin():
        if not los_state.claim(db, reference, now):
            return "skipped"
    content = payload(desk, reference)
    error = "application not found" if content is None else _send(desk.los, content, now, session)
    with desk.sessions() as db, db.begin():
        if error:
            los_state.failed(db, reference, error, desk.clock())
        else:
            los_state.delivered(db, reference, desk.clock())
    if error:
        log.warning("loan system: %s not delivered (%s); retried later", reference, error)
        return "retry"
    log.info("loan system: %s delivered", reference)
    return "delivered"


def _send(config: LosConfig, content: Mapping[str, Any], now: datetime, session: requests.Session | None) -> str:
    """'' when delivered, else what went wrong (no secret, no body)."""
    body = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        IDEMPOTENCY_HEADER: str(content["reference"]),
        **signed_headers(config.secret, body, now),
    }
    try:
        response = (session or requests).post(
            config.url, data=body, headers=headers, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
        )
    except requests.RequestException as exc:
        return type(exc).__name__
    if 200 <= response.status_code < 300 or response.status_code in DELIVERED_STATUSES:
        return ""
    return f"HTTP {response.status_code}"


def callback(desk: Desk, content: Any) -> dict[str, str]:
    """Apply a verified callback; raises DecisionError (bad_request for a body it cannot read)."""
    if not isinstance(content, Mapping):
        raise DecisionError("bad_request", "a JSON object is expected")
    reference, decision = str(content.get("reference") or ""), content.get("decision")
    note = str(content.get("note") or "")[:500]
    if not reference or decision not in ("approve", "decline"):
        raise DecisionError("bad_request", "reference and decision (approve or decline) are required")
    if decision == "decline":
        decline(desk, reference, LOAN_SYSTEM, str(content.get("reason_code") or ""), note)
        return {"reference": reference, "state": "declined"}
    try:
        payout = Payout(content.get("payout") or Payout.SAVINGS.value)
    except ValueError:
        raise DecisionError("bad_request", "payout is savings or cash") from None
    state = approve(desk, reference, LOAN_SYSTEM, note, payout)
    return {"reference": reference, "state": state.value}
