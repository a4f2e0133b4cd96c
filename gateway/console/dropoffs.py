"""Where callers drop off: per release, screen and day, the sessions that arrived, went on, went back, typed
something invalid, timed out or ended there, with the median time spent; and the funnels from dial to a
submitted loan application and to a registration.

The figures are `gateway.funnels`' (helper H1: counted on the hop, rolled up into the database, no phone
numbers); this page only reads them through `screen_stats` and `funnel`, imported when the page is asked
for, so the console runs before that module exists (the page then says so).
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

from flask import abort, render_template, request

from gateway.console import bp
from gateway.console.access import db, now, requires, runtime
from gateway.console.graph_views import NAME

COLUMNS = ("arrived", "went_on", "back", "invalid", "timed_out", "ended")
FUNNELS = ("loan_application", "registration")
DEFAULT_DAYS = 7
MAX_DAYS = 92


def value(row: Any, name: str, default: Any = 0) -> Any:
    """A figure from a row, whether the module returns objects or mappings."""
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


def _days() -> tuple[date, date]:
    """[since, until] from the query (`since`, `until`, YYYY-MM-DD), by default the last week; 400 on nonsense."""
    today = now().date()
    try:
        until = date.fromisoformat(request.args["until"]) if request.args.get("until") else today
        since = (
            date.fromisoformat(request.args["since"])
            if request.args.get("since")
            else until - timedelta(DEFAULT_DAYS - 1)
        )
    except ValueError:
        abort(400)
    if since > until or (until - since).days >= MAX_DAYS:
        abort(400)
    return since, until


@bp.route("/funnels")
@requires("funnels")
def funnels() -> str:
    since, until = _days()
    release = (request.args.get("release") or "").strip().lower()
    if release and not NAME.fullmatch(release):
        abort(400)
    try:
        source: Any = importlib.import_module("gateway.funnels")
    except ImportError:
        return render_template("console/funnels.html", missing=True, since=since, until=until, release=release)
    with db() as session:
        stats = list(source.screen_stats(session, release=release or None, since=since, until=until))
        flows = {name: list(source.funnel(session, name, release=release or None, since=since, until=until))
                 for name in FUNNELS}  # fmt: skip
    current = runtime().menus.current.menu.version
    return render_template(
        "console/funnels.html", missing=False, stats=stats, flows=flows, columns=COLUMNS, value=value,
        since=since, until=until, release=release, current=current,
    )  # fmt: skip
