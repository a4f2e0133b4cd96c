"""`jembatan staff add|disable|api-key|list`: staff accounts for the console and the officers' API.

A one-time password or an API key is printed once and never stored in clear (argon2 and SHA-256).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.staff.accounts import StaffError, add_staff, all_staff, disable_staff
from gateway.staff.apikeys import issue_api_key
from gateway.staff.roles import ROLE_NAMES
from gateway.storage.db import make_engine


@contextmanager
def _transaction(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _run(settings: Settings, work: Callable[[Session, datetime], str]) -> int:
    try:
        with _transaction(settings) as session:
            print(work(session, datetime.now(UTC)))
    except StaffError as exc:
        print(f"jembatan: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"jembatan: database: {type(exc).__name__} (is it migrated? `jembatan db upgrade`)", file=sys.stderr)
        return 1
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> str:
        password = add_staff(session, args.username, args.role, now, actor=_actor())
        return (
            f"{args.username} ({args.role}) added; one-time password: {password}\n"
            "Hand it over in person: it is shown only now, and must be changed at the first login."
        )

    return _run(settings, work)


def cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> str:
        disable_staff(session, args.username, now, actor=_actor(), reason=args.reason or "")
        return f"{args.username} disabled: no login, no API key"

    return _run(settings, work)


def cmd_api_key(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> str:
        key = issue_api_key(session, args.username, now, actor=_actor())
        return f"API key for {args.username} (shown once; older keys no longer work):\n{key}"

    return _run(settings, work)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session, now: datetime) -> str:
        rows = [
            f"{s.username:<24} {s.role.value:<11} {'disabled' if s.disabled else 'active'}"
            + (" (must change password)" if s.must_change_password else "")
            for s in all_staff(session)
        ]
        return "\n".join(rows) or "no staff accounts yet: `jembatan staff add USERNAME --role ROLE`"

    return _run(settings, work)


def add_commands(sub: Any) -> None:
    """`jembatan staff ...` (`sub` is the top-level subparsers object)."""
    staff = sub.add_parser("staff", help="console and API accounts").add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="add an account; prints a one-time password")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLE_NAMES)
    add.set_defaults(func=cmd_add)
    disable = staff.add_parser("disable", help="stop an account's logins and API keys")
    disable.add_argument("username")
    disable.add_argument("--reason", help="why, for the audit log")
    disable.set_defaults(func=cmd_disable)
    key = staff.add_parser("api-key", help="issue a new API key (revokes the older ones); printed once")
    key.add_argument("username")
    key.set_defaults(func=cmd_api_key)
    staff.add_parser("list", help="accounts and their roles").set_defaults(func=cmd_list)
