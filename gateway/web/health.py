"""`GET /healthz`: does Redis answer, does the database answer. Each probe is bounded by its client's timeouts
(gateway.runtime.connect_redis; the database engine's connect and statement timeouts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)
OK = "ok"


def probe(check: Callable[[], object]) -> str:
    """ "ok", or "down: <error kind>": the kind is enough for an operator, and tells nothing to a stranger."""
    try:
        check()
    except Exception as exc:  # any failure means "down"
        return f"down: {type(exc).__name__}"
    return OK


def _database(engine: Any) -> Callable[[], object]:
    def check() -> object:
        if engine is None:
            raise LookupError("no database configured")
        with engine.connect() as connection:
            return connection.execute(text("SELECT 1"))

    return check


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    rt = current_app.extensions["jembatan"]
    state = {
        "redis": probe(rt.redis.ping),
        "database": probe(_database(rt.db_engine)),
        "menu_version": rt.menus.current.menu.version,
    }
    healthy = state["redis"] == OK and state["database"] == OK
    return jsonify(state), 200 if healthy else 503
