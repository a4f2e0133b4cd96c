"""Staff accounts, API keys and the append-only audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gateway.staff import (
    LoginRefusal,
    Refusal,
    Role,
    Staff,
    StaffError,
    add_staff,
    audit_entries,
    authenticate,
    change_password,
    disable_staff,
    issue_api_key,
    record_audit,
    staff_for_api_key,
)
from gateway.staff.accounts import LOCKOUT, MAX_FAILED_LOGINS, record_logout
from gateway.staff.demo import DEMO_STAFF, DemoInProduction, console_banner, seed_demo_staff
from gateway.storage.migrate import upgrade
from gateway.storage.staff_tables import audit_log
from tests.banking_fixtures import FAST_HASHER, NOW, db_engine, pg_engine, sqlite_engine

NEW_PASSWORD = "padi-sawah-hijau-7"


@pytest.fixture
def engine(db_engine: Engine) -> Engine:
    upgrade(db_engine)
    return db_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def _add(session: Session, username: str = "siti", role: Role = Role.OFFICER) -> str:
    with session.begin():
        return add_staff(session, username, role, NOW, hasher=FAST_HASHER)


def _login(session: Session, username: str, password: str, minutes: int = 0) -> Staff | LoginRefusal:
    with session.begin():
        return authenticate(session, username, password, NOW + timedelta(minutes=minutes), hasher=FAST_HASHER)


def test_a_new_account_logs_in_with_its_one_time_password_and_must_change_it(session: Session) -> None:
    password = _add(session)
    assert len(password) >= 16
    found = _login(session, "siti", password)
    assert isinstance(found, Staff)
    assert (found.role, found.must_change_password) == (Role.OFFICER, True)
    with session.begin():
        change_password(session, "siti", password, NEW_PASSWORD, NOW, hasher=FAST_HASHER)
    again = _login(session, "siti", NEW_PASSWORD)
    assert isinstance(again, Staff) and not again.must_change_password
    assert _login(session, "siti", password) == LoginRefusal(Refusal.BAD_CREDENTIALS)
    stored = session.execute(sa.text("SELECT password_hash FROM staff")).scalar_one()
    assert stored.startswith("$argon2") and NEW_PASSWORD not in stored


@pytest.mark.parametrize(
    ("current", "new", "problem"),
    [
        ("wrong", NEW_PASSWORD, "wrong_current"),
        (None, "short", "too_short"),
        (None, "xx-siti-xx-long", "contains_username"),
    ],
)
def test_a_weak_or_unproven_password_change_is_refused(
    session: Session, current: str | None, new: str, problem: str
) -> None:
    password = _add(session)
    with session.begin(), pytest.raises(StaffError, match=problem):
        change_password(session, "siti", current or password, new, NOW, hasher=FAST_HASHER)


def test_wrong_passwords_lock_the_account_for_a_while(session: Session) -> None:
    password = _add(session)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert _login(session, "siti", "guess") == LoginRefusal(Refusal.BAD_CREDENTIALS)
    locked = _login(session, "siti", "guess")
    assert isinstance(locked, LoginRefusal) and locked.reason is Refusal.LOCKED
    assert _login(session, "siti", password, minutes=1) == LoginRefusal(Refusal.LOCKED, NOW + LOCKOUT)
    assert isinstance(_login(session, "siti", password, minutes=16), Staff)
    with session.begin():
        actions = [(e.action, e.reason) for e in audit_entries(session, subject="siti")][::-1]  # oldest first
    wrong = [("staff.login_refused", "wrong password")] * MAX_FAILED_LOGINS
    locked = [("staff.locked", "too many wrong passwords"), ("staff.login_refused", "account locked")]
    assert actions == [("staff.add", ""), *wrong, *locked, ("staff.login", "")]


def test_logins_and_refusals_are_audited_but_a_name_that_is_no_account_is_not(session: Session) -> None:
    password = _add(session)
    with session.begin():
        authenticate(session, "siti", password, NOW, hasher=FAST_HASHER, origin="10.0.0.7")
        authenticate(session, "my-secret-password", password, NOW, hasher=FAST_HASHER, origin="10.0.0.7")
        record_logout(session, "siti", NOW, origin="10.0.0.7")
    with session.begin():
        entries = [e for e in audit_entries(session, subject="siti") if e.action != "staff.add"]
    assert [(e.action, e.actor, e.details) for e in entries][::-1] == [
        ("staff.login", "siti", {"from": "10.0.0.7"}),
        ("staff.logout", "siti", {"from": "10.0.0.7"}),
    ]
    with session.begin():
        assert audit_entries(session, subject="my-secret-password") == []


def test_unknown_and_disabled_accounts_are_refused(session: Session) -> None:
    password = _add(session)
    assert _login(session, "nobody", password) == LoginRefusal(Refusal.BAD_CREDENTIALS)
    with session.begin():
        disable_staff(session, "siti", NOW, actor="budi", reason="left the bank")
    assert _login(session, "siti", password) == LoginRefusal(Refusal.DISABLED)
    with session.begin():
        entry = audit_entries(session, action="staff.disable")[0]
    assert (entry.actor, entry.subject, entry.reason) == ("budi", "siti", "left the bank")


@pytest.mark.parametrize(("username", "role"), [("Siti Aminah", Role.OFFICER), ("siti", "boss")])
def test_bad_usernames_and_roles_are_refused(session: Session, username: str, role: Role) -> None:
    with session.begin(), pytest.raises(StaffError):
        add_staff(session, username, role, NOW, hasher=FAST_HASHER)


def test_a_username_is_taken_once(session: Session) -> None:
    _add(session)
    with pytest.raises(StaffError, match="exists"):
        _add(session, role=Role.AUDITOR)


def test_api_keys_are_stored_hashed_and_a_new_one_revokes_the_old(session: Session) -> None:
    _add(session)
    with session.begin():
        first = issue_api_key(session, "siti", NOW)
    with session.begin():
        assert staff_for_api_key(session, first) is not None
        stored = session.execute(sa.text("SELECT key_hash FROM staff_api_keys")).scalars().all()
        assert first not in stored and len(stored[0]) == 64
        second = issue_api_key(session, "siti", NOW)
    with session.begin():
        assert staff_for_api_key(session, first) is None
        found = staff_for_api_key(session, second)
        assert found is not None and found.username == "siti"
        assert staff_for_api_key(session, "jmb_" + "x" * 43) is None
        assert staff_for_api_key(session, "not a key") is None
        disable_staff(session, "siti", NOW)
    with session.begin():
        assert staff_for_api_key(session, second) is None


def test_the_audit_log_keeps_entries_and_filters_them(session: Session) -> None:
    with session.begin():
        record_audit(session, "ana", "application.approve", "APP-1", "good records", {"amount": 2_000_000}, NOW)
        record_audit(session, "budi", "application.decline", "APP-2", "R07", {}, NOW + timedelta(hours=1))
    with session.begin():
        newest = audit_entries(session)
        assert [e.subject for e in newest] == ["APP-2", "APP-1"]
        assert newest[1].details == {"amount": 2_000_000} and newest[1].at == NOW
        assert [e.subject for e in audit_entries(session, actor="ana")] == ["APP-1"]
        assert [e.subject for e in audit_entries(session, since=NOW + timedelta(minutes=1))] == ["APP-2"]
        assert [e.subject for e in audit_entries(session, until=NOW + timedelta(minutes=1))] == ["APP-1"]


@pytest.mark.parametrize("statement", [audit_log.update().values(reason="changed"), audit_log.delete()])
def test_the_database_refuses_to_change_or_delete_audit_entries(engine: Engine, statement: sa.Executable) -> None:
    with Session(engine) as session, session.begin():
        record_audit(session, "ana", "application.approve", "APP-1", "", {}, NOW)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(statement)
    with Session(engine) as session, session.begin():
        assert [(e.subject, e.reason) for e in audit_entries(session)] == [("APP-1", "")]


def test_demo_staff_one_per_role_and_never_in_production(session: Session) -> None:
    with session.begin():
        assert len(seed_demo_staff(session, NOW, production=False, hasher=FAST_HASHER)) == len(Role)
    with session.begin():
        assert seed_demo_staff(session, NOW, production=False, hasher=FAST_HASHER) == []
    for username, role, password in DEMO_STAFF:
        found = _login(session, username, password)
        assert isinstance(found, Staff) and found.role is role
    with session.begin(), pytest.raises(DemoInProduction):
        seed_demo_staff(session, NOW, production=True, hasher=FAST_HASHER)


def test_make_run_prints_the_console_and_its_demo_logins_in_development_only() -> None:
    shown = console_banner("http://127.0.0.1:5000/console/", production=False)
    assert "http://127.0.0.1:5000/console/" in shown
    assert all(username in shown and password in shown for username, _role, password in DEMO_STAFF)
    assert not any(password in console_banner("x", production=True) for _u, _r, password in DEMO_STAFF)
