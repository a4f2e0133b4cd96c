"""The audit log page: who did what, when and why (supervisors and auditors; read only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import abort, render_template, request

from gateway.console import bp
from gateway.console.access import db, requires
from gateway.staff import audit_entries

PAGE_SIZE = 200


def day_range(raw: str | None) -> tuple[datetime | None, datetime | None, str]:
    """A `YYYY-MM-DD` filter as [start, end) in UTC; 400 on anything else."""
    if not raw:
        return None, None, ""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400)
    start = datetime.combine(day, time(0), UTC)
    return start, start + timedelta(days=1), day.isoformat()


@bp.route("/audit")
@requires("audit")
def audit() -> str:
    since, until, day = day_range(request.args.get("day"))
    actor = (request.args.get("actor") or "").strip()[:64] or None
    with db() as session:
        entries = audit_entries(session, actor=actor, since=since, until=until, limit=PAGE_SIZE)
    return render_template("console/audit.html", entries=entries, day=day, actor=actor or "")
