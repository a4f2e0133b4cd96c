"""Where callers drop off: per release, screen and day, the sessions that arrived, went on, went back, typed
something invalid, timed out or ended there, with the median time spent; and the funnels from dial to a
submitted loan application and to a registration.

The figures are `gateway.funnels`' (counted on the hop, rolled up into the database, no phone numbers);
this page only reads them, through `screen_stats` and `funnel`.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request

from gateway.console import bp
from gateway.console.access import db, now, requires
from gateway.console.graph_views import NAME
from gateway.funnels import FUNNELS, funnel, screen_stats

COLUMNS = ("arrived", "went_on", "back", "invalid", "timed_out", "ended")
DEFAULT_DAYS = 7
MAX_DAYS = 92


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
    with db() as session:
        stats = screen_stats(session, release or None, since, until)
        flows = {name: funnel(session, name, release or None, since, until) for name in FUNNELS}
    return render_template(
        "console/funnels.html", stats=stats, flows=flows, columns=COLUMNS, since=since, until=until, release=release
    )
