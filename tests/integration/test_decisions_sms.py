"""Over SMS: PINJAM with YA before the code stores the consent (with the SMS wording's version) and queues the
scoring job after the inbox's commit; BATAL withdraws the application; a quote that changed before its code
came back is quoted again. Both databases, real Redis."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
import redis
from rq import Queue
from sqlalchemy import Engine, select

from gateway.banking.interface import ApplicationStatus
from gateway.banking.ledger import SqlBank
from gateway.decisions.intake import SCORE_JOB, SCORING_QUEUE
from gateway.effects import Effects
from gateway.storage.decision_tables import CaseRow, ConsentRow
from handlers import REGISTRY
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.sms_support import Clock, SmsPhone, SmsWorld, make_world, worker_context_reset

PHONE = "+6281220150101"


@pytest.fixture
def world(demo_bank: SqlBank, db_engine: Engine, redis_client: redis.Redis, worker_context_reset: None) -> SmsWorld:
    assert demo_bank.set_sms_banking(PHONE, True, NOW)
    clock = Clock(NOW)
    made = make_world(db_engine, redis_client, clock, REGISTRY, bank=demo_bank)
    outbox = made.channel.outbox
    object.__setattr__(made.channel.inbox, "effects", Effects(redis_client, outbox.sessions, outbox.queue, clock))
    return made


def _confirmed(phone: SmsPhone, command: str) -> str:
    first = phone.send(command) or ""
    found = re.search(r"\b(\d{6})\b", first)
    assert found is not None, first
    return phone.send(f"{command} {found.group(1)}") or ""


def test_pinjam_ya_stores_consent_and_queues_scoring_then_batal_withdraws(
    world: SmsWorld, demo_bank: SqlBank, redis_client: redis.Redis
) -> None:
    phone = SmsPhone(world, PHONE)
    filed = _confirmed(phone, "PINJAM 2000000 6 YA")
    reference = re.search(r"ref (PJ[A-Z0-9]{6})", filed)
    assert reference is not None, filed
    with world.channel.outbox.sessions() as db:
        consent = db.scalar(select(ConsentRow).where(ConsentRow.reference == reference.group(1)))
        case = db.scalar(select(CaseRow).where(CaseRow.reference == reference.group(1)))
    assert consent is not None and consent.granted is True and consent.channel == "sms"
    assert consent.wording_version.startswith("id-") and case is not None and case.state == "submitted"
    queued = Queue(SCORING_QUEUE, connection=redis_client).jobs
    assert [(job.func_name, job.args) for job in queued] == [(SCORE_JOB, (reference.group(1),))]

    assert _confirmed(phone, "BATAL") == f"Pengajuan {reference.group(1)} dibatalkan sesuai permintaan Anda."
    statuses = {a.reference: a.status for a in demo_bank.my_loans(PHONE).applications}
    assert statuses[reference.group(1)] is ApplicationStatus.WITHDRAWN
    with world.channel.outbox.sessions() as db:
        case = db.scalar(select(CaseRow).where(CaseRow.reference == reference.group(1)))
    assert case is not None and case.state == "withdrawn"


def test_pinjam_without_ya_is_a_no(world: SmsWorld) -> None:
    filed = _confirmed(SmsPhone(world, PHONE), "PINJAM 2000000 6")
    reference = re.search(r"ref (PJ[A-Z0-9]{6})", filed)
    assert reference is not None, filed
    with world.channel.outbox.sessions() as db:
        consent = db.scalar(select(ConsentRow).where(ConsentRow.reference == reference.group(1)))
    assert consent is not None and consent.granted is False


def test_a_quote_that_changed_before_the_code_came_back_is_sent_again_and_nothing_is_filed(
    world: SmsWorld, demo_bank: SqlBank
) -> None:
    phone = SmsPhone(world, PHONE)
    first = phone.send("PINJAM 2000000 6") or ""
    code = re.search(r"\b(\d{6})\b", first)
    assert code is not None and "total bayar Rp2.195.000" in first, first
    demo_bank.products = tuple(
        replace(p, rate_percent=Decimal("2")) if p.code == "dairy_cow" else p for p in demo_bank.products
    )

    again = phone.send(f"PINJAM 2000000 6 {code.group(1)}") or ""

    new_code = re.search(r"\b(\d{6})\b", again)
    assert "total bayar Rp2.285.000" in again and new_code is not None and new_code.group(1) != code.group(1)
    assert demo_bank.my_loans(PHONE).applications == ()  # nothing filed on a quote she did not read
    filed = phone.send(f"PINJAM 2000000 6 {new_code.group(1)}") or ""
    assert re.search(r"ref PJ[A-Z0-9]{6}", filed), filed
    (application,) = demo_bank.my_loans(PHONE).applications
    assert application.amount == 2_000_000
