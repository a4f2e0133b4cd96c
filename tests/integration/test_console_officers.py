"""The officers' queue in the console: list, score breakdown, decline needs a reason code, approve and
disburse through gateway.decisions, the disbursement SMS in the message log; operators are refused."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine

from gateway.banking.demo import DAIRY
from gateway.banking.ledger import SqlBank
from gateway.decisions.scoring import score
from gateway.decisions.web import EXTENSION
from gateway.staff import Role
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.console_support import Browser, add_member, console_app, signed_in
from tests.decision_support import Clock, FixedScorer, make_desk, submit


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    app = console_app(demo_bank, db_engine, NOW)
    app.extensions[EXTENSION] = make_desk(demo_bank, Clock(), FixedScorer())
    return app


@pytest.fixture
def referred(app: Flask, demo_bank: SqlBank) -> str:
    desk = app.extensions[EXTENSION]
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    score(desk, reference)
    return reference


def _as(app: Flask, engine: Engine, role: Role) -> Browser:
    return signed_in(app, engine, role, NOW)


def test_an_officer_reads_the_score_and_approves_a_referred_application(
    app: Flask, db_engine: Engine, referred: str
) -> None:
    officer = _as(app, db_engine, Role.OFFICER)
    assert referred in officer.page("/console/applications")[1]
    page = officer.page(f"/console/applications/{referred}")[1]
    assert "deposit_months" in page and "test-card-1" in page
    assert "above_auto_limit: Jumlah pinjaman di atas batas persetujuan otomatis" in page  # the reason in words
    assert 'id="disburse"' not in page  # only an approved (cash) application waits for disbursement
    path = f"/console/applications/{referred}"
    refused = officer.post(f"{path}/decline", {"reason_code": "", "note": "x"}, path)
    assert refused.status_code == 302 and "referred" in officer.page(path)[1]
    assert officer.post(f"{path}/approve", {"note": "catatan susu bagus", "payout": "savings"}, path).status_code == 302
    page = officer.page(path)[1]
    assert 'id="app-state">disbursed' in page and "catatan susu bagus" in page
    log = officer.page("/console/messages?direction=out")[1]
    assert "disetujui" in log and "+62812****0101" in log


def test_operators_cannot_reach_the_queue_and_auditors_cannot_decide(
    app: Flask, db_engine: Engine, referred: str
) -> None:
    operator = _as(app, db_engine, Role.OPERATOR)
    assert operator.page("/console/applications")[0] == 403
    assert operator.page(f"/console/applications/{referred}")[0] == 403
    auditor = _as(app, db_engine, Role.AUDITOR)
    path = f"/console/applications/{referred}"
    status, page = auditor.page(path)
    assert status == 200 and 'id="approve"' not in page
    assert auditor.post(f"{path}/approve", {"note": "x"}, path).status_code == 403
    assert auditor.page("/console/applications/NOPE1234")[0] == 404
    assert auditor.page("/console/applications/%3Cx%3E")[0] == 404
    assert auditor.page("/console/applications?state=bogus")[0] == 400
