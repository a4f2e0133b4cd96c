"""Complaints with their deadlines and replies (helper module `gateway.complaints.service`), and the
reminder calendar of a chosen day per time zone (what `jembatan reminders preview` prints).

Both call the same functions as their CLI commands; the complaint services write the audit entry with
the staff member's name. The modules are imported when a page is asked for.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.console import bp
from gateway.console.access import db, me, now, requires, runtime
from gateway.console.texts import t

HOME_ZONE = ZoneInfo("Asia/Jakarta")
STATUSES = ("open", "answered")


def _send(outbox_id: int) -> None:
    """After commit: queue the SMS now; a failure leaves it to the outbox sweeper."""
    from rq import Queue

    from gateway.sms.outbox import QUEUE_NAME, enqueue_outbox

    try:
        enqueue_outbox(Queue(QUEUE_NAME, connection=runtime().redis), [outbox_id])
    except Exception:
        return


@bp.route("/complaints")
@requires("complaints")
def complaints() -> str:
    from gateway.complaints.service import list_complaints

    status = request.args.get("status", "open")
    if status not in ("", *STATUSES):
        abort(400)
    overdue = True if request.args.get("overdue") == "1" else None
    with db() as session:
        found = list_complaints(session, status or None, overdue, now=now())
    return render_template("console/complaints.html", complaints=found, status=status, overdue=overdue)


@bp.route("/complaints/<reference>/<action>", methods=["POST"])
@requires("reply")
def complaint_action(reference: str, action: str) -> Response:
    from gateway.complaints.service import ComplaintError, answer_complaint, extend_complaint

    if len(reference) > 32 or action not in ("answer", "extend"):
        abort(404)
    text = (request.form.get("text") or "").strip()
    try:
        with db() as session:
            if action == "answer":
                outbox_id = answer_complaint(session, reference, text, me().username, now())
            else:
                _due, outbox_id = extend_complaint(session, reference, text, me().username, now())
    except ComplaintError as exc:
        flash(t("complaints.refused", why=str(exc)), "error")
    else:
        _send(outbox_id)
        flash(t(f"complaints.done_{action}", reference=reference.upper()), "ok")
    return redirect(url_for("console.complaints"))


def _stamp(locales_dir: Path, policy: Path) -> tuple[tuple[str, int], ...]:
    files = [policy, *sorted(locales_dir.glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())


@lru_cache(maxsize=2)
def _texts_and_policy(locales_dir: Path, path: Path, _stamp: tuple[tuple[str, int], ...]) -> tuple[Any, Any, list[str]]:
    """The catalogue and the reminder policy, read again only when a file changed."""
    from gateway.i18n import load_catalog
    from gateway.reminders.policy import read_policy

    catalog, problems = load_catalog(locales_dir)
    policy, policy_problems = read_policy(path.read_text(encoding="utf-8"), str(path))
    return catalog, policy, [str(p) for p in problems + policy_problems]


@bp.route("/reminders")
@requires("reminders")
def reminders() -> str:
    from gateway.reminders.policy import POLICY_FILE
    from gateway.reminders.preview import preview

    raw = request.args.get("day")
    try:
        day = date.fromisoformat(raw) if raw else now().astimezone(HOME_ZONE).date()
    except ValueError:
        abort(400)
    settings = runtime().settings
    path = settings.menus_dir / POLICY_FILE
    catalog, policy, problems = _texts_and_policy(settings.locales_dir, path, _stamp(settings.locales_dir, path))
    zones: list[tuple[str, list[Any]]] = []
    if policy is not None and not problems:
        lines = sorted(
            preview(runtime().db_engine, catalog, policy, day), key=lambda line: (line.tz, line.window_start)
        )
        zones = [(tz, list(group)) for tz, group in groupby(lines, key=lambda line: line.tz)]
    return render_template("console/reminders.html", day=day.isoformat(), zones=zones, problems=problems)
