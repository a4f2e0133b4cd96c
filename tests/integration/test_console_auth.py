"""Console logins: CSRF, roles, the forced password change, lock-out, the rate limit and the audit trail."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.banking.ledger import SqlBank
from gateway.staff import Role, audit_entries
from gateway.staff.accounts import MAX_FAILED_LOGINS
from gateway.staff.demo import DEMO_STAFF, seed_demo_staff
from tests.banking_fixtures import FAST_HASHER, NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.console_support import PASSWORD, Browser, add_member, console_app


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    return console_app(demo_bank, db_engine, NOW)


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


def test_a_login_without_a_csrf_token_is_refused(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    response = browser.client.post("/console/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 400
    assert browser.page("/console/simulator")[0] == 302


def test_an_operator_reaches_the_simulator_but_not_the_officers_pages(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    response = browser.login("ana")
    assert response.status_code == 302
    status, body = browser.page("/console/simulator")
    assert status == 200 and "Simulator ponsel" in body
    assert browser.page("/console/audit")[0] == 403
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie  # a session that ends


def test_the_one_time_password_must_be_changed_first(browser: Browser, db_engine: Engine) -> None:
    once = add_member(db_engine, "budi", Role.SUPERVISOR, NOW, ready=False)
    assert browser.login("budi", once).status_code == 302
    response = browser.client.get("/console/audit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/password")
    changed = browser.post(
        "/console/password",
        {"current": once, "new": "sawah-subur-2026", "again": "sawah-subur-2026"},
        token_from="/console/password",
    )
    assert changed.status_code == 302
    assert browser.login("budi", "sawah-subur-2026").status_code == 302
    assert browser.page("/console/audit")[0] == 200
    with Session(db_engine) as session:
        actions = [e.action for e in audit_entries(session, actor="budi")][::-1]
    assert actions == ["staff.login", "staff.password_changed", "staff.login"]


def test_logging_out_is_audited(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    browser.login("ana")
    assert browser.post("/console/logout", {}, token_from="/console/simulator").status_code == 302
    with Session(db_engine) as session:
        actions = [e.action for e in audit_entries(session, actor="ana")][::-1]
    assert actions == ["staff.password_changed", "staff.login", "staff.logout"]  # the first from add_member


def test_wrong_passwords_lock_the_account(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    for _ in range(MAX_FAILED_LOGINS):
        assert browser.login("ana", "tebakan-salah").status_code == 401
    response = browser.login("ana")
    assert response.status_code == 401 and "dikunci" in response.get_data(as_text=True)


def test_logins_are_rate_limited_per_address(browser: Browser) -> None:
    codes = [browser.login(f"nobody{i}", "x").status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[-1] == 429


def test_the_pages_speak_english_on_request(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    browser.login("ana")
    browser.post("/console/lang/en", {"next": "/console/simulator"}, token_from="/console/simulator")
    assert "Phone simulator" in browser.page("/console/simulator")[1]


def test_an_open_redirect_after_login_is_refused(browser: Browser, db_engine: Engine) -> None:
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    token = browser.token()
    response = browser.client.post(
        "/console/login?next=//evil.example/x", data={"csrf_token": token, "username": "ana", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/console/"


def test_demo_passwords_never_open_the_console_in_production(
    redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine
) -> None:
    with Session(db_engine) as session, session.begin():
        seed_demo_staff(session, NOW, production=False, hasher=FAST_HASHER)
    username, _role, password = DEMO_STAFF[0]
    production = Browser(console_app(demo_bank, db_engine, NOW, jembatan_env="production").test_client())
    assert production.login(username, password).status_code == 401
    development = Browser(console_app(demo_bank, db_engine, NOW).test_client())
    assert development.login(username, password).status_code == 302
