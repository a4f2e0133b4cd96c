"""The console's message log: masked numbers, no code or PIN, filters by day, status and keyword."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.sms.outbox import queue_sms
from gateway.staff import Role
from gateway.storage.sms_tables import InboundMessageRow, OutboxRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.console_support import Browser, add_member, console_app


@pytest.fixture
def browser(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Browser:
    app: Flask = console_app(demo_bank, db_engine, NOW)
    with Session(db_engine) as session, session.begin():
        queue_sms(session, to=DAIRY.msisdn, body="Kode Anda 646571. Jangan berikan.", purpose="auth_code",
                  key="t:1", now=NOW)  # fmt: skip
        failed = queue_sms(session, to=SEAWEED.msisdn, body="Saldo Rp150.000", purpose="balance", key="t:2",
                           now=NOW - timedelta(days=2))  # fmt: skip
        row = session.get(OutboxRow, failed)
        assert row is not None
        row.status, row.error_code, row.attempts = "failed", "21610", 3
        inbound = InboundMessageRow(
            provider="sandbox", provider_message_id="m1", from_msisdn=DAIRY.msisdn, body="SALDO 482915",
            keyword="SALDO", outcome="replied", received_at=NOW,
        )  # fmt: skip
        session.add(inbound)
    add_member(db_engine, "ana", Role.OFFICER, NOW)
    browser = Browser(app.test_client())
    assert browser.login("ana").status_code == 302
    return browser


def test_the_log_masks_numbers_codes_and_pins(browser: Browser) -> None:
    status, page = browser.page("/console/messages")
    assert status == 200
    assert "+62812****0101" in page and DAIRY.msisdn not in page
    assert "646571" not in page and "482915" not in page and page.count("******") >= 2
    assert "21610" in page and "Saldo Rp150.000" in page


def test_the_log_filters_by_day_status_and_keyword(browser: Browser) -> None:
    page = browser.page(f"/console/messages?day={NOW.date().isoformat()}")[1]
    assert "Rp150.000" not in page and "Kode Anda" in page
    page = browser.page("/console/messages?status=failed")[1]
    assert "Rp150.000" in page and "Kode Anda" not in page
    page = browser.page("/console/messages?keyword=saldo&direction=in")[1]
    assert "SALDO ******" in page and "Kode Anda" not in page
    assert browser.page("/console/messages?day=kemarin")[0] == 400
    assert browser.page("/console/messages?status=%3Cscript%3E")[0] == 400
