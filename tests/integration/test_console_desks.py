"""Complaints (deadline, answer by SMS, audited) and the reminder calendar of a day, in the console."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.banking.demo import DAIRY
from gateway.banking.ledger import SqlBank
from gateway.complaints.records import Channel, ComplaintRequest, Topic
from gateway.staff import Role, audit_entries
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.console_support import Browser, add_member, console_app, signed_in


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    return console_app(demo_bank, db_engine, NOW)


def _as(app: Flask, engine: Engine, role: Role) -> Browser:
    return signed_in(app, engine, role, NOW)


def test_an_officer_answers_a_complaint_and_the_answer_goes_by_sms(
    app: Flask, demo_bank: SqlBank, db_engine: Engine
) -> None:
    request = ComplaintRequest(DAIRY.msisdn, Topic.COSTS, "Denda terlalu besar", Channel.USSD, "t:c1", NOW)
    opened = demo_bank.open_complaint(request)
    officer = _as(app, db_engine, Role.OFFICER)
    status, page = officer.page("/console/complaints")
    assert status == 200 and opened.reference in page and "Denda terlalu besar" in page
    path = f"/console/complaints/{opened.reference}/answer"
    assert officer.post(path, {"text": "Denda sudah kami hapus."}, "/console/complaints").status_code == 302
    assert f'id="complaint-{opened.reference}"' not in officer.page("/console/complaints")[1]  # no longer open
    assert "Denda sudah kami hapus." in officer.page("/console/messages?direction=out")[1]
    with Session(db_engine) as session:
        assert [e.actor for e in audit_entries(session, action="complaint.answer")] == ["officer"]
    assert officer.post(path, {"text": "lagi"}, "/console/complaints").status_code == 302
    assert "Tidak bisa: already answered" in officer.page("/console/complaints")[1]


def test_a_deadline_is_extended_once_with_a_reason(app: Flask, demo_bank: SqlBank, db_engine: Engine) -> None:
    opened = demo_bank.open_complaint(
        ComplaintRequest(DAIRY.msisdn, Topic.LOAN, "Angsuran salah catat", Channel.SMS, "t:c2", NOW)
    )
    supervisor = _as(app, db_engine, Role.SUPERVISOR)
    path = f"/console/complaints/{opened.reference}/extend"
    assert supervisor.post(path, {"text": "menunggu data koperasi"}, "/console/complaints").status_code == 302
    page = supervisor.page("/console/complaints")[1]
    assert "diperpanjang" in page and f'id="extend-{opened.reference}"' not in page
    with Session(db_engine) as session:
        entry = audit_entries(session, action="complaint.extend")[0]
    assert (entry.actor, entry.reason) == ("supervisor", "menunggu data koperasi")


def test_the_reminder_calendar_lists_a_days_reminders_by_time_zone(app: Flask, db_engine: Engine) -> None:
    officer = _as(app, db_engine, Role.SUPERVISOR)
    status, page = officer.page(f"/console/reminders?day={NOW.date().isoformat()}")
    assert status == 200 and "Kalender pengingat" in page
    assert officer.page("/console/reminders?day=besok")[0] == 400
    operator = _as(app, db_engine, Role.OPERATOR)
    assert operator.page("/console/complaints")[0] == 403 and operator.page("/console/reminders")[0] == 403
