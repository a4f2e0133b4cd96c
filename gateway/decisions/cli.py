"""`jembatan applications list|show|approve|decline|disburse|rescore|reasons`: loan decisions at the branch.

The acting staff member is `--as USERNAME` (default: $JEMBATAN_STAFF, else the login name); her role
(gateway.staff) decides what she may do, and every action goes to the audit log with her name and reason.
Without a worker the commands do their follow-up work inline (scoring, the hand-off); SMS go out through
the outbox (the worker's queue, else its sweeper).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from gateway.config import Settings
from gateway.decisions import views
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.explain import explain
from gateway.decisions.model import Actor, CaseState, Payout
from gateway.decisions.reasons import officer_reasons
from gateway.decisions.scoring import score
from gateway.decisions.service import approve, decline, disburse

STAFF_ENV = "JEMBATAN_STAFF"


def _desk(settings: Settings) -> Desk:
    from gateway.decisions.wiring import build_desk
    from gateway.runtime import connect_redis, utc_now
    from gateway.storage.db import make_engine

    return build_desk(settings, connect_redis(settings.redis_url), make_engine(settings.database_url), utc_now)


def _username(given: str | None) -> str:
    if given:
        return given
    if os.environ.get(STAFF_ENV):
        return os.environ[STAFF_ENV]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def actor_for(desk: Desk, username: str) -> Actor:
    """The enabled staff member `username`, as an actor; DecisionError when there is none."""
    from gateway.staff import staff_by_username

    with desk.sessions() as db:
        member = staff_by_username(db, username) if username else None
    if member is None or member.disabled:
        raise DecisionError("forbidden", f"no enabled staff member {username!r} (give --as USERNAME)")
    return Actor(member.username, member.role.value)


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def run(args: argparse.Namespace, settings: Settings, desk: Desk | None = None) -> int:
    desk = desk or _desk(settings)
    try:
        actor = actor_for(desk, _username(args.staff))
        return _dispatch(args, desk, actor)
    except DecisionError as exc:
        print(f"jembatan: {exc.message}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"jembatan: database: {type(exc).__name__} (is it migrated? `jembatan db upgrade`)", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, desk: Desk, actor: Actor) -> int:
    command = args.applications_command
    if command == "list":
        state = CaseState(args.state) if args.state else None
        for item in views.list_applications(desk, actor, state, args.limit):
            print(
                f"{item['reference']}  {item['state']:<9}  {item['submitted_at'][:16]}  {item['msisdn']}"
                f"  {item['product']}  Rp{item['amount']:,}  {item['tenor']} bln"
            )
    elif command == "show":
        detail = views.application_detail(desk, actor, args.reference)
        if args.json:
            _print(detail)
        else:
            print(explain(detail, desk.catalog()))
    elif command == "approve":
        state = approve(desk, args.reference, actor, args.reason, Payout(args.payout))
        print(f"{args.reference}: approved ({state.value})")
    elif command == "decline":
        decline(desk, args.reference, actor, args.reason_code, args.note or "")
        print(f"{args.reference}: declined ({args.reason_code}); the customer gets an SMS with the reasons")
    elif command == "disburse":
        loan = disburse(desk, args.reference, actor, Payout(args.payout))
        print(f"{args.reference}: disbursed as loan {loan.reference}, {len(loan.instalments)} instalments")
    elif command == "rescore":
        done = score(desk, args.reference, actor)
        print(f"{args.reference}: {done.outcome.value} (score {done.score}, scorecard {done.scorecard_version})")
    elif command == "reasons":
        for code, text in officer_reasons(desk.catalog(), args.lang).items():
            print(f"{code:<22} {text}")
    return 0


def add_commands(sub: Any) -> None:
    apps = sub.add_parser("applications", help="loan applications: decide, disburse, explain")
    apps.add_argument("--as", dest="staff", help=f"the acting staff member (default: ${STAFF_ENV} or login name)")
    commands = apps.add_subparsers(dest="applications_command", required=True)
    listing = commands.add_parser("list", help="applications, newest first")
    listing.add_argument("--state", choices=[s.value for s in CaseState])
    listing.add_argument("--limit", type=int, default=50)
    show = commands.add_parser("show", help="one application and every decision on it, explained")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true", help="the same as JSON (what the API answers)")
    ok = commands.add_parser("approve", help="approve (and disburse to savings at once, unless --payout cash)")
    ok.add_argument("reference")
    ok.add_argument("--reason", default="", help="why (goes to the audit log)")
    ok.add_argument("--payout", choices=[p.value for p in Payout], default=Payout.SAVINGS.value)
    no = commands.add_parser("decline", help="decline with a reason code (see `applications reasons`)")
    no.add_argument("reference")
    no.add_argument("reason_code")
    no.add_argument("--note", help="the officer's note (audit log; not sent to the customer)")
    pay = commands.add_parser("disburse", help="pay out an approved application: the loan and its schedule")
    pay.add_argument("reference")
    pay.add_argument("--payout", choices=[p.value for p in Payout], default=Payout.CASH.value)
    again = commands.add_parser("rescore", help="score again with today's scorecard and records (a new decision)")
    again.add_argument("reference")
    reasons = commands.add_parser("reasons", help="the bank's decline reason codes and their texts")
    reasons.add_argument("--lang", default="id")
    for parser in (listing, show, ok, no, pay, again, reasons):
        parser.set_defaults(func=run)
