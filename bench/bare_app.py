"""The baseline: a bare Flask app whose one endpoint does one Redis GET and one SET, nothing else.

`POST /ussd/bare` reads the form (like the real adapter), GETs then SETs a key per `sessionId` in two
separate round trips, and answers `CON ok` as text/plain. Run under the same gunicorn settings as the
real app, it is the floor a USSD hop cannot beat: HTTP parsing, WSGI, two Redis round trips.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request

from gateway.runtime import connect_redis

__all__ = ["DEFAULT_REDIS_URL", "KEY_PREFIX", "KEY_TTL_S", "create_bare_app"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
KEY_PREFIX = "jmb:bench:bare:"
KEY_TTL_S = 300
REPLY = "CON ok"


def create_bare_app(redis_url: str | None = None) -> Flask:
    """Same Redis client settings as the gateway (`connect_redis`), so the baseline is fair."""
    client = connect_redis(redis_url or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    app = Flask(__name__)
    app.extensions["bench_redis"] = client

    @app.post("/ussd/bare")
    def bare_hop() -> Response:
        key = KEY_PREFIX + request.form.get("sessionId", "")
        client.get(key)
        client.set(key, "1", ex=KEY_TTL_S)
        return Response(REPLY, mimetype="text/plain")

    return app
