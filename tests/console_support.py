"""The console on a demo bank, and a staff member's browser as the Flask test client (CSRF tokens included)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from gateway.app import create_app
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.staff import Role, add_staff, change_password
from tests.banking_fixtures import FAST_HASHER
from tests.conftest import redis_test_url

PASSWORD = "kebun-kopi-gayo-22"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def console_app(bank: SqlBank, engine: Engine, now: datetime, **config: object) -> Flask:
    settings = Settings(
        redis_url=redis_test_url(), database_url="sqlite://", secret_key="test-secret", retry_wait_s=1.0
    )
    runtime = build_runtime(settings.with_overrides(config), clock=lambda: now, bank=bank, db_engine=engine)
    return create_app(runtime=runtime)


def add_member(engine: Engine, username: str, role: Role, now: datetime, *, ready: bool = True) -> str:
    """A staff member; `ready` changes the one-time password to PASSWORD (else returns the one-time one)."""
    with Session(engine) as session, session.begin():
        once = add_staff(session, username, role, now, hasher=FAST_HASHER)
    if not ready:
        return once
    with Session(engine) as session, session.begin():
        change_password(session, username, once, PASSWORD, now, hasher=FAST_HASHER)
    return PASSWORD


@dataclass
class Browser:
    client: FlaskClient

    def token(self, path: str = "/console/login") -> str:
        found = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert found is not None, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, data: dict[str, str], token_from: str = "/console/login") -> TestResponse:
        return self.client.post(path, data={"csrf_token": self.token(token_from), **data})

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        return self.post("/console/login", {"username": username, "password": password})

    def page(self, path: str) -> tuple[int, str]:
        response = self.client.get(path)
        return response.status_code, response.get_data(as_text=True)


def signed_in(app: Flask, engine: Engine, role: Role, now: datetime) -> Browser:
    """A browser logged in as a new member named after `role`, with that role."""
    add_member(engine, role.value, role, now)
    browser = Browser(app.test_client())
    assert browser.login(role.value).status_code == 302
    return browser
