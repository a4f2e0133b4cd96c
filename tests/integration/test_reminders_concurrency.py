"""Exactly once when two scanners run at the same moment (threads), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gateway.i18n import Catalog
from gateway.reminders.policy import Policy
from gateway.reminders.scan import ScanReport, scan_and_queue
from gateway.storage.reminder_tables import ReminderRow
from gateway.storage.sms_tables import OutboxRow
from tests.integration.test_reminders_scan import (
    DUE,
    MAKASSAR,
    add_customer,
    add_loan,
    at,
    catalog_fixture,
    db_engine,
    engine_fixture,
    pg_engine,
    policy_fixture,
    sqlite_engine,
)

BORROWERS = 120
SCANNERS = 2


def test_two_concurrent_scans_write_each_reminder_once(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        for n in range(BORROWERS):
            customer = add_customer(db, tz=MAKASSAR if n % 3 else "Asia/Jakarta")
            add_loan(db, customer, [(DUE, 100_000 + n)])
            if n % 10 == 0:
                add_loan(db, customer, [(DUE, 50_000)])
    now = at(DUE, 7, tz_hours=7)
    start = threading.Barrier(SCANNERS)
    reports: list[ScanReport] = []
    errors: list[BaseException] = []

    def scanner() -> None:
        try:
            start.wait()
            reports.append(scan_and_queue(engine, catalog, policy, now=now, batch_size=7))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scanner) for _ in range(SCANNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    expected_reminders, expected_messages = BORROWERS + BORROWERS // 10, BORROWERS
    assert sum(r.reminders for r in reports) == expected_reminders
    assert sum(r.messages for r in reports) == expected_messages
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(ReminderRow)) == expected_reminders
        assert db.scalar(select(func.count()).select_from(OutboxRow)) == expected_messages
        assert db.scalar(select(func.count()).select_from(ReminderRow).where(ReminderRow.outbox_id.is_(None))) == 0
        per_message = db.execute(select(ReminderRow.outbox_id, func.count()).group_by(ReminderRow.outbox_id)).all()
        assert sorted(n for _id, n in per_message).count(2) == BORROWERS // 10
    again = scan_and_queue(engine, catalog, policy, now=now + timedelta(hours=2))
    assert again.reminders == again.messages == 0
