"""`jembatan complaints list|show|answer|extend`: the branch's complaint desk in a terminal.

Phone numbers are printed masked in `list`, whole in `show` (staff call the customer back); complaint
texts are shown to staff and never logged. `answer` and `extend` send their SMS through the outbox:
queued after the commit, or picked up by the outbox sweeper within a minute if the queue is down.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.complaints.service import (
    ComplaintError,
    ComplaintView,
    answer_complaint,
    extend_complaint,
    get_complaint,
    list_complaints,
)
from gateway.config import Settings
from gateway.phones import mask_msisdn
from gateway.storage.complaint_tables import ComplaintStatus

log = logging.getLogger("gateway.complaints")


def _with_session(settings: Settings, work: Callable[[Session, datetime], int]) -> int:
    from gateway.runtime import utc_now
    from gateway.storage.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            return work(session, utc_now())
    finally:
        engine.dispose()


def _enqueue(settings: Settings, outbox_id: int) -> None:
    from rq import Queue

    from gateway.runtime import connect_redis
    from gateway.sms.outbox import QUEUE_NAME, enqueue_outbox

    try:
        enqueue_outbox(Queue(QUEUE_NAME, connection=connect_redis(settings.redis_url)), [outbox_id])
    except Exception as exc:  # the row is safe: the outbox sweeper sends it
        log.warning("complaint SMS not enqueued (%s); the outbox sweeper will", type(exc).__name__)


def _line(view: ComplaintView) -> str:
    late = " OVERDUE" if view.overdue else ""
    extended = " (extended)" if view.extended else ""
    return (
        f"{view.reference}  {view.status}{late}  due {view.answer_due.isoformat()}{extended}  "
        f"{view.channel}/{view.topic}  {mask_msisdn(view.msisdn)}  {view.created_at:%Y-%m-%d %H:%M} UTC"
    )


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> int:
        views = list_complaints(session, args.status, True if args.overdue else None, now=now)
        for view in views:
            print(_line(view))
        print(f"{len(views)} complaint(s)")
        return 0

    return _with_session(settings, work)


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> int:
        view = get_complaint(session, args.ref, now=now)
        if view is None:
            print(f"no complaint {args.ref}", file=sys.stderr)
            return 1
        print(_line(view))
        print(f"phone: {view.msisdn}{'  (asked to be called back)' if view.call_back else ''}")
        print(f"complaint: {view.text or '-'}")
        if view.answered_at is not None:
            print(f"answered {view.answered_at:%Y-%m-%d %H:%M} UTC by {view.answered_by}: {view.answer_text}")
        return 0

    return _with_session(settings, work)


def cmd_answer(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> int:
        return answer_complaint(session, args.ref, args.text, args.staff, now)

    return _act(settings, work, f"answered {args.ref.upper()}; the answer goes out by SMS")


def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> int:
        due, outbox_id = extend_complaint(session, args.ref, args.reason, args.staff, now)
        print(f"new deadline {due.isoformat()}")
        return outbox_id

    return _act(settings, work, f"extended {args.ref.upper()}; the customer is told by SMS")


def _act(settings: Settings, work: Callable[[Session, datetime], int], done: str) -> int:
    try:
        outbox_id = _with_session(settings, work)
    except ComplaintError as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    _enqueue(settings, outbox_id)
    print(done)
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    complaints = sub.add_parser("complaints", help="complaints (pengaduan): list, show, answer, extend")
    commands = complaints.add_subparsers(dest="complaints_command", required=True)
    listing = commands.add_parser("list", help="oldest first, numbers masked")
    listing.add_argument("--status", choices=[status.value for status in ComplaintStatus])
    listing.add_argument("--overdue", action="store_true", help="only open complaints past their deadline")
    listing.set_defaults(func=cmd_list)
    show = commands.add_parser("show", help="one complaint in full (personal data: for the desk only)")
    show.add_argument("ref", help="e.g. ADU-2026-000123")
    show.set_defaults(func=cmd_show)
    answer = commands.add_parser("answer", help="record the answer and send it to the customer by SMS")
    answer.add_argument("ref")
    answer.add_argument("--text", required=True, help="the answer, at most 300 characters (GSM-7)")
    answer.add_argument("--staff", required=True, help="who answers (a staff username)")
    answer.set_defaults(func=cmd_answer)
    extend = commands.add_parser("extend", help="the one extension: 10 more working days, the customer told why")
    extend.add_argument("ref")
    extend.add_argument("--reason", required=True, help="why, in a short sentence the customer reads by SMS")
    extend.add_argument("--staff", required=True)
    extend.set_defaults(func=cmd_extend)
