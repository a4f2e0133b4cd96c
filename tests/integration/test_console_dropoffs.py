"""The drop-off page: who may read it, its filters, and what it shows before the counters exist."""

from __future__ import annotations

import re

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.staff import Role
from tests.banking_fixtures import NOW, bank, demo_bank, sqlite_engine
from tests.console_support import Browser, add_member, console_app, signed_in
from tests.ussd_support import AfricasTalkingPhone


@pytest.fixture
def db_engine(sqlite_engine: Engine) -> Engine:
    return sqlite_engine


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    return console_app(demo_bank, db_engine, NOW)


def _as(app: Flask, engine: Engine, role: Role) -> Browser:
    return signed_in(app, engine, role, NOW)


def test_operators_read_the_drop_offs_and_officers_do_not(app: Flask, db_engine: Engine) -> None:
    operator = _as(app, db_engine, Role.OPERATOR)
    status, page = operator.page("/console/funnels?since=2025-12-01&until=2025-12-05")
    assert status == 200 and "Titik berhenti penelepon" in page
    assert 'id="screen-stats"' in page and "Corong pengajuan pinjaman" in page
    assert _as(app, db_engine, Role.OFFICER).page("/console/funnels")[0] == 403


@pytest.mark.parametrize(
    "query",
    ["since=kemarin", "since=2025-12-05&until=2025-12-01", "since=2025-01-01&until=2025-12-01", "release=%3Cx%3E"],
)
def test_nonsense_filters_are_a_400(app: Flask, db_engine: Engine, query: str) -> None:
    assert _as(app, db_engine, Role.SUPERVISOR).page(f"/console/funnels?{query}")[0] == 400


def test_the_page_shows_the_counted_calls_and_the_loan_funnel(app: Flask, db_engine: Engine) -> None:
    from gateway.funnels import roll_up

    for number, session_id in ((DAIRY.msisdn, "d-1"), (SEAWEED.msisdn, "d-2")):
        phone = AfricasTalkingPhone(app.test_client(), number, session_id)
        phone.dial()
        phone.send("2")  # loans, then the caller hangs up
    runtime = app.extensions["jembatan"]
    assert roll_up(runtime.redis, runtime.db_engine) > 0
    page = _as(app, db_engine, Role.OPERATOR).page("/console/funnels")[1]
    rows = re.findall(r"<tr><td>2025-12-05</td><td>[0-9a-f]{10}</td><td>(\w+)</td><td class=\"num\">(\d+)</td>", page)
    assert ("main", "2") in rows and ("loans", "2") in rows
    assert re.search(r"<td>loans</td><td class=\"num\">2</td>", page)  # the loan funnel's second step
