"""`GET /healthz`: does Redis answer, does the database answer."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    rt = current_app.extensions["jembatan"]
    state = {"redis": "ok", "database": "ok", "menu_version": rt.menus.current.menu.version}
    try:
        rt.redis.ping()
    except Exception as exc:  # any failure means "down"; the kind is enough for an operator
        state["redis"] = f"down: {type(exc).__name__}"
    try:
        with rt.db_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        state["database"] = f"down: {type(exc).__name__}"
    healthy = state["redis"] == "ok" and state["database"] == "ok"
    return jsonify(state), 200 if healthy else 503
