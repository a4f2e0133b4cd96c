"""Who may see which console page, the logged-in staff member, and the database session a view works in.

Pages are named; `PAGES` says which roles see each. A view is guarded with `@requires("page")`: not
logged in goes to the login page, the wrong role gets 403, a forced password change comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, redirect, request, url_for
from flask_login import UserMixin, current_user
from sqlalchemy.orm import Session

from gateway.runtime import Runtime
from gateway.staff import Role, Staff, record_audit

OPERATOR, OFFICER, SUPERVISOR, AUDITOR = Role.OPERATOR, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR
PAGES: dict[str, frozenset[Role]] = {
    "simulator": frozenset({OPERATOR, SUPERVISOR}),
    "graph": frozenset({OPERATOR, SUPERVISOR, AUDITOR}),
    "publish": frozenset({OPERATOR, SUPERVISOR}),
    "funnels": frozenset({OPERATOR, SUPERVISOR, AUDITOR}),
    "messages": frozenset({OPERATOR, OFFICER, SUPERVISOR, AUDITOR}),
    "applications": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "decide": frozenset({OFFICER, SUPERVISOR}),
    "complaints": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "reply": frozenset({OFFICER, SUPERVISOR}),
    "reminders": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "audit": frozenset({SUPERVISOR, AUDITOR}),
}
"""Page -> the roles that see it. Auditors read everything and change nothing."""
MENU = ("simulator", "graph", "funnels", "messages", "applications", "complaints", "reminders", "audit")
"""The navigation, in order (only the pages the member's role sees are shown)."""

View = TypeVar("View", bound=Callable[..., Any])


class ConsoleUser(UserMixin):
    """Flask-Login's user: a staff member. The id carries the password's change time, so a new password
    (or a disabled account, which the loader refuses) ends every other session of that member."""

    def __init__(self, staff: Staff) -> None:
        self.staff = staff

    def get_id(self) -> str:
        stamp = self.staff.password_changed_at.timestamp() if self.staff.password_changed_at else 0
        return f"{self.staff.id}:{stamp:.0f}"

    def may(self, page: str) -> bool:
        return self.staff.role in PAGES.get(page, frozenset())


def runtime() -> Runtime:
    return cast(Runtime, current_app.extensions["jembatan"])


def now() -> datetime:
    return cast(datetime, runtime().services.now()) if runtime().services else datetime.now(UTC)


@contextmanager
def db() -> Iterator[Session]:
    """A session on the gateway's database, in a transaction that commits when the block ends."""
    with Session(runtime().db_engine, expire_on_commit=False) as session, session.begin():
        yield session


def me() -> Staff:
    return cast(ConsoleUser, current_user).staff


def audit(session: Session, action: str, subject: str, reason: str = "", **details: Any) -> None:
    """Every change made in the console: who (the logged-in member), when, what and why."""
    record_audit(session, me().username, action, subject, reason, details, now())


def requires(page: str) -> Callable[[View], View]:
    def guard(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("console.login", next=request.path))
            if me().must_change_password:
                return redirect(url_for("console.password"))
            if not cast(ConsoleUser, current_user).may(page):
                abort(403)
            return view(*args, **kwargs)

        return cast(View, guarded)

    return guard
