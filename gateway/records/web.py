"""`POST /records`: value-chain records from a cooperative or buyer, authenticated by its source key.

Body: a JSON array of records, or `{"records": [...]}` (fields: gateway/records/parse.py). The key comes
as `Authorization: Bearer <key>` (or `X-Api-Key`). Answers 200 with what was added, already stored and
refused (by item number); 422 when every item was refused; 400 for a body that is not such JSON; 401
without a valid key; 413 for a body over the app's request limit; 503 when the database fails.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gateway.records.files import RawRow
from gateway.records.keys import source_for_key
from gateway.records.parse import latest_today
from gateway.records.store import import_rows

bp = Blueprint("records", __name__)
log = logging.getLogger(__name__)
MAX_ITEMS = 1000


def _presented_key() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-Api-Key", "").strip()


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.post("/records")
def post_records() -> tuple[Response, int]:
    engine = current_app.extensions["jembatan"].db_engine
    if engine is None:
        return _error(503, "no database configured")
    try:
        return _post(engine)
    except DBAPIError as exc:
        log.warning("records: the database failed (%s)", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
        return _error(503, "the database is not available; send the records again later")


def _post(engine: Engine) -> tuple[Response, int]:
    source = source_for_key(engine, _presented_key())
    if source is None:
        return _error(401, "a valid source key is required (Authorization: Bearer <key>)")
    try:
        body: Any = json.loads(request.get_data(cache=False) or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep to read
        return _error(400, "the body must be JSON")
    items = body.get("records") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        return _error(400, 'send a JSON array of records, or {"records": [...]}')
    if len(items) > MAX_ITEMS:
        return _error(400, f"at most {MAX_ITEMS} records in one request")
    now = datetime.now(UTC)
    rows = [RawRow(number, item) for number, item in enumerate(items, start=1)]
    report = import_rows(engine, rows, source, now, latest_today(now))
    log.info("records from source %s: %s", source, report.summary())
    answer = {
        "added": report.added,
        "already_stored": report.already_stored,
        "refused": [{"item": bad.line, "reason": bad.reason} for bad in report.bad],
    }
    return jsonify(answer), 422 if len(report.bad) == len(items) else 200
