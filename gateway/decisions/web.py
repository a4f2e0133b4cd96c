"""The officers' JSON API and the loan system's callback.

    GET  /api/applications?state=referred&limit=50     list (officer, supervisor, auditor)
    GET  /api/applications/<ref>                        everything that explains it
    POST /api/applications/<ref>/approve   {"reason": ..., "payout": "savings"|"cash"}     officer, supervisor
    POST /api/applications/<ref>/decline   {"reason_code": ..., "note": ...}
    POST /api/applications/<ref>/disburse  {"payout": "cash"|"savings"}
    POST /api/applications/<ref>/rescore
    POST /api/los/callback                 signed by the loan system (gateway/decisions/los.py)

Staff authenticate with their API key (`jembatan staff api-key USER`): `Authorization: Bearer <key>`. 401
without a valid key, 403 for a role that may not, 404 unknown reference, 409 an application in another
state, 400 a body it cannot read.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from gateway.decisions import los, views
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import Actor, CaseState, Payout
from gateway.decisions.scoring import score
from gateway.decisions.service import approve, decline, disburse

bp = Blueprint("decisions", __name__, url_prefix="/api")
EXTENSION = "jembatan.decisions"
STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "bad_request": 400, "unavailable": 503}
MAX_LIMIT = 500


def desk() -> Desk | None:
    """The app's desk, built on first use from its runtime (settings, Redis, database, clock); None
    without a database."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if EXTENSION not in app.extensions:
        from gateway.decisions.wiring import build_desk

        runtime = app.extensions["jembatan"]
        if runtime.db_engine is None:
            return None
        app.extensions[EXTENSION] = build_desk(
            runtime.settings, runtime.redis, runtime.db_engine, runtime.services.clock
        )
    found: Desk = app.extensions[EXTENSION]
    return found


NO_DATABASE = "no database configured"


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _actor(current: Desk) -> Actor | None:
    from gateway.staff import staff_for_api_key

    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not key:
        return None
    with current.sessions() as db:
        member = staff_for_api_key(db, key)
    return Actor(member.username, member.role.value) if member else None


def _body() -> dict[str, Any]:
    raw = request.get_data(cache=False) or b"{}"
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DecisionError("bad_request", "the body must be JSON") from None
    if not isinstance(body, dict):
        raise DecisionError("bad_request", "the body must be a JSON object")
    return body


def _payout(value: Any, default: Payout) -> Payout:
    try:
        return Payout(value or default.value)
    except ValueError:
        raise DecisionError("bad_request", "payout is savings or cash") from None


def _staff_call(action: str, reference: str | None = None) -> tuple[Response, int]:
    current = desk()
    if current is None:
        return _error(503, NO_DATABASE)
    actor = _actor(current)
    if actor is None:
        return _error(401, "a valid staff API key is required (Authorization: Bearer <key>)")
    try:
        return jsonify(_act(current, actor, action, reference)), 200
    except DecisionError as exc:
        return _error(STATUS.get(exc.code, 400), exc.message)


def _act(current: Desk, actor: Actor, action: str, reference: str | None) -> Any:
    if action == "list" or reference is None:
        state = request.args.get("state") or None
        if state is not None and state not in {s.value for s in CaseState}:
            raise DecisionError("bad_request", f"state is one of {', '.join(s.value for s in CaseState)}")
        limit = request.args.get("limit", "50")
        if not limit.isdigit():
            raise DecisionError("bad_request", "limit is a whole number")
        found = views.list_applications(current, actor, CaseState(state) if state else None, int(limit))
        return {"applications": found}
    if action == "show":
        return views.application_detail(current, actor, reference)
    body = _body()
    if action == "approve":
        state = approve(
            current, reference, actor, str(body.get("reason") or ""), _payout(body.get("payout"), Payout.SAVINGS)
        )
        return {"reference": reference, "state": state.value}
    if action == "decline":
        decline(current, reference, actor, str(body.get("reason_code") or ""), str(body.get("note") or ""))
        return {"reference": reference, "state": CaseState.DECLINED.value}
    if action == "disburse":
        loan = disburse(current, reference, actor, _payout(body.get("payout"), Payout.CASH))
        return {"reference": reference, "state": CaseState.DISBURSED.value, "loan": loan.reference}
    assessment = score(current, reference, actor)
    return {"reference": reference, "outcome": assessment.outcome.value, "score": assessment.score}


@bp.get("/applications")
def list_view() -> tuple[Response, int]:
    return _staff_call("list")


@bp.get("/applications/<reference>")
def show_view(reference: str) -> tuple[Response, int]:
    return _staff_call("show", reference[:40])


@bp.post("/applications/<reference>/<action>")
def action_view(reference: str, action: str) -> tuple[Response, int]:
    if action not in ("approve", "decline", "disburse", "rescore"):
        return _error(404, "unknown action")
    return _staff_call(action, reference[:40])


@bp.post("/los/callback")
def los_callback() -> tuple[Response, int]:
    current = desk()
    if current is None:
        return _error(503, NO_DATABASE)
    body = request.get_data(cache=False)
    config = current.los
    verified = config is not None and los.verify(
        config.secret,
        request.headers.get(los.TIMESTAMP_HEADER),
        request.headers.get(los.SIGNATURE_HEADER),
        body,
        current.clock(),
    )
    if not verified:
        return _error(401, "a valid signature and a fresh timestamp are required")
    try:
        content = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "the body must be JSON")
    try:
        return jsonify(los.callback(current, content)), 200
    except DecisionError as exc:
        return _error(STATUS.get(exc.code, 400), exc.message)
