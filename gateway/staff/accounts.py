"""Staff accounts: argon2 password hashes, one-time passwords changed at first login, lock-out.

The caller owns the transaction (`session`); nothing here commits. Passwords are never logged or stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from gateway.staff.audit import record_audit
from gateway.staff.roles import Role
from gateway.storage.staff_tables import USERNAME_LENGTH, staff

MAX_FAILED_LOGINS = 5
"""Wrong passwords in a row before the account is locked."""
LOCKOUT = timedelta(minutes=15)
LOGIN, LOGIN_REFUSED, LOGOUT = "staff.login", "staff.login_refused", "staff.logout"
"""Audit actions of the console's door."""
MIN_PASSWORD_CHARS = 10
ONE_TIME_PASSWORD_BYTES = 12
"""16 URL-safe characters."""
USERNAME_PATTERN = r"[a-z][a-z0-9._-]{1,63}"
DEFAULT_HASHER = PasswordHasher()


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against for an unknown username, so it takes as long as a known one."""
    return hasher.hash(secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES))


class StaffError(ValueError):
    """A staff command that cannot be done (unknown or duplicate username, bad role, weak password)."""


class Refusal(str, Enum):
    BAD_CREDENTIALS = "bad_credentials"
    """Unknown username or wrong password (the two are not told apart)."""
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class LoginRefusal:
    reason: Refusal
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    role: Role
    must_change_password: bool
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None


def to_staff(row: Any) -> Staff:
    return Staff(
        row.id, row.username, Role(row.role), row.must_change_password, row.disabled, row.created_at,
        row.password_changed_at,
    )  # fmt: skip


def valid_username(username: str) -> bool:
    return re.fullmatch(USERNAME_PATTERN, username) is not None


def staff_row(session: Session, username: str, *, lock: bool = False) -> Any:
    query = sa.select(staff).where(staff.c.username == username)
    return session.execute(query.with_for_update() if lock else query).first()


def staff_by_username(session: Session, username: str) -> Staff | None:
    row = staff_row(session, username)
    return to_staff(row) if row else None


def staff_by_id(session: Session, staff_id: int) -> Staff | None:
    row = session.execute(sa.select(staff).where(staff.c.id == staff_id)).first()
    return to_staff(row) if row else None


def all_staff(session: Session) -> list[Staff]:
    return [to_staff(row) for row in session.execute(sa.select(staff).order_by(staff.c.username))]


def add_staff(
    session: Session, username: str, role: Role | str, now: datetime, *, actor: str = "cli",
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> str:  # fmt: skip
    """Create an account; returns its one-time password (shown once, changed at first login)."""
    if not valid_username(username):
        raise StaffError(f"usernames are 2-{USERNAME_LENGTH} characters: a-z first, then a-z 0-9 . _ -")
    try:
        role = Role(role)
    except ValueError:
        raise StaffError(f"unknown role {role!r}: one of {', '.join(r.value for r in Role)}") from None
    if staff_row(session, username) is not None:
        raise StaffError(f"{username} exists already")
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    session.execute(
        staff.insert().values(
            username=username, role=role.value, password_hash=hasher.hash(password), must_change_password=True,
            disabled=False, failed_logins=0, locked_until=None, created_at=now, password_changed_at=None,
        )
    )  # fmt: skip
    record_audit(session, actor, "staff.add", username, "", {"role": role.value}, now)
    return password


def disable_staff(session: Session, username: str, now: datetime, *, actor: str = "cli", reason: str = "") -> None:
    if staff_row(session, username, lock=True) is None:
        raise StaffError(f"no staff member {username}")
    session.execute(staff.update().where(staff.c.username == username).values(disabled=True))
    record_audit(session, actor, "staff.disable", username, reason, {}, now)


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session, username: str, password: str, now: datetime,
    *, hasher: PasswordHasher = DEFAULT_HASHER, origin: str = "",
) -> Staff | LoginRefusal:  # fmt: skip
    """Check a login; counts failures and locks the account for LOCKOUT after MAX_FAILED_LOGINS in a row.

    A locked or disabled account is refused even with the right password. Every login and every refusal of
    an existing account is audited (`origin`: where it came from, e.g. the client's address); a name that
    is no account is not (people type passwords into the name field). The caller commits, also on a
    refusal (the failure count and the audit entry must stick).
    """
    row = staff_row(session, username, lock=True)
    if row is None:
        _verify(hasher, _dummy_hash(hasher), password)
        return LoginRefusal(Refusal.BAD_CREDENTIALS)
    details = _origin(origin)
    if row.disabled:
        record_audit(session, username, LOGIN_REFUSED, username, "account disabled", details, now)
        return LoginRefusal(Refusal.DISABLED)
    if row.locked_until is not None and row.locked_until > now:
        record_audit(session, username, LOGIN_REFUSED, username, "account locked", details, now)
        return LoginRefusal(Refusal.LOCKED, row.locked_until)
    by_name = staff.update().where(staff.c.id == row.id)
    if not _verify(hasher, row.password_hash, password):
        record_audit(session, username, LOGIN_REFUSED, username, "wrong password", details, now)
        failures = row.failed_logins + 1
        if failures >= MAX_FAILED_LOGINS:
            session.execute(by_name.values(failed_logins=0, locked_until=now + LOCKOUT))
            record_audit(session, username, "staff.locked", username, "too many wrong passwords", {}, now)
            return LoginRefusal(Refusal.LOCKED, now + LOCKOUT)
        session.execute(by_name.values(failed_logins=failures))
        return LoginRefusal(Refusal.BAD_CREDENTIALS)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
    if hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = hasher.hash(password)
    session.execute(by_name.values(**values))
    record_audit(session, username, LOGIN, username, "", details, now)
    return to_staff(row)


def record_logout(session: Session, username: str, now: datetime, origin: str = "") -> None:
    record_audit(session, username, LOGOUT, username, "", _origin(origin), now)


def _origin(origin: str) -> dict[str, Any]:
    """An audit entry's details naming where the request came from (none when unknown)."""
    return {"from": origin} if origin else {}


def password_problem(username: str, new_password: str) -> str | None:
    """Why a new password is refused (a message key suffix), or None."""
    if len(new_password) < MIN_PASSWORD_CHARS:
        return "too_short"
    if username.lower() in new_password.lower():
        return "contains_username"
    return None


def change_password(
    session: Session, username: str, current_password: str, new_password: str, now: datetime,
    *, hasher: PasswordHasher = DEFAULT_HASHER,
) -> None:  # fmt: skip
    """Set a new password after checking the current one; clears must_change_password. Raises StaffError
    with `password_problem`'s code, or "wrong_current"/"same_as_current"."""
    row = staff_row(session, username, lock=True)
    if row is None or row.disabled or not _verify(hasher, row.password_hash, current_password):
        raise StaffError("wrong_current")
    problem = password_problem(username, new_password)
    if problem is None and new_password == current_password:
        problem = "same_as_current"
    if problem is not None:
        raise StaffError(problem)
    session.execute(
        staff.update()
        .where(staff.c.id == row.id)
        .values(password_hash=hasher.hash(new_password), must_change_password=False, password_changed_at=now)
    )
    record_audit(session, username, "staff.password_changed", username, "", {}, now)
