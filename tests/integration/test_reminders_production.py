"""The production path for reminders: the scan job and the every-minute dispatch queue batch send jobs, a
worker sends them through the pooled provider; the outbox sweeper has nothing left to do. Both databases."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import redis
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, select

from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.jobs.tasks import (
    dispatch_reminders,
    install_reminder_setup,
    install_worker_context,
    requeue_pending_outbox,
    scan_reminders,
)
from gateway.reminders.runner import ReminderSetup
from gateway.sms.wiring import build_outbox_context
from gateway.storage.sms_tables import OutboxRow
from tests.banking_fixtures import bank, db_engine, pg_engine, sqlite_engine
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import Clock
from tests.transcript_support import CLOCK

ROOT = Path(__file__).resolve().parents[2]
EUIS = "+6281220150101"
WIB = ZoneInfo("Asia/Jakarta")


def test_scan_then_dispatch_send_each_reminder_once_in_its_window(
    bank: SqlBank,
    db_engine: Engine,
    redis_client: redis.Redis,
) -> None:
    seed(bank, CLOCK)  # Euis owes an instalment on Monday 30 Nov 2026 (29 Nov rolled past Sunday)
    clock = Clock(datetime(2026, 11, 27, 7, 0, tzinfo=WIB))  # D-3 of Euis's instalment, before the window
    queue = Queue(f"sms-test-{secrets.token_hex(4)}", connection=redis_client)
    with FakeTwilio() as fake:
        settings = Settings(
            sms_provider="twilio",
            twilio_account_sid=fake.account_sid,
            twilio_auth_token=fake.auth_token,
            twilio_from="+15005550006",
            twilio_api_base_url=fake.base_url,
            sms_send_threads=4,
        )
        context = replace(build_outbox_context(settings, redis_client, db_engine, clock), queue=queue)
        install_worker_context(context)
        install_reminder_setup(ReminderSetup.load(db_engine, ROOT / "menus", ROOT / "locales"))
        try:
            report = scan_reminders()
            assert report["messages"] and report["dispatched"] == 0  # written, the window not yet open
            clock.advance(minutes=90)  # 08:30 WIB
            assert dispatch_reminders() >= 1
            SimpleWorker([queue], connection=redis_client).work(burst=True)
            assert dispatch_reminders() == 0  # nothing twice
            assert requeue_pending_outbox() == 0  # the sweeper, the safety net, has nothing to do
            clock.advance(minutes=3)
            assert requeue_pending_outbox() == 0
        finally:
            install_worker_context(None)
            install_reminder_setup(None)
            context.lanes.close()
            queue.delete(delete_jobs=True)
    with db_engine.connect() as connection:
        rows = connection.execute(select(OutboxRow.to_msisdn, OutboxRow.status).where(OutboxRow.purpose == "reminder"))
        statuses = {to: status for to, status in rows}
    assert statuses[EUIS] == "sent"
    assert sorted(request.form["To"] for request in fake.requests) == sorted(
        to for to, status in statuses.items() if status == "sent"
    )
    assert [request.form["To"] for request in fake.requests].count(EUIS) == 1
