"""The send job's last look (`still_wanted`, and `still_wanted_many` the sender calls per chunk: every test
runs with both): payment, write-off and opt-out after scheduling cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.i18n import Catalog
from gateway.reminders.policy import Policy
from gateway.reminders.scan import scan_and_queue
from gateway.reminders.sendcheck import still_wanted, still_wanted_many
from gateway.sms.outbox import queue_sms, set_opt_out
from gateway.storage.ledger_tables import InstalmentRow, LoanRow
from gateway.storage.sms_tables import OutboxRow, OutboxStatus
from tests.integration.test_reminders_scan import (
    DUE,
    add_customer,
    add_loan,
    at,
    catalog_fixture,
    db_engine,
    engine_fixture,
    outbox_rows,
    pg_engine,
    policy_fixture,
    sqlite_engine,
)

SEND_TIME = at(DUE - timedelta(days=3), 8, 5)
_BATCH = {"on": False}


@pytest.fixture(autouse=True, params=["one by one", "batch"])
def batch_checks(request: pytest.FixtureRequest) -> None:
    _BATCH["on"] = request.param == "batch"


def schedule(
    engine: Engine, catalog: Catalog, policy: Policy, amounts: tuple[int, ...] = (500_000,)
) -> tuple[str, list[int], int]:
    with Session(engine) as db, db.begin():
        customer = add_customer(db)
        ids = [add_loan(db, customer, [(DUE, amount)])[0].id for amount in amounts]
        msisdn = customer.msisdn
    scan_and_queue(engine, catalog, policy, now=at(DUE - timedelta(days=3), 0, 10))
    (row,) = outbox_rows(engine)
    return msisdn, ids, row.id


def check(engine: Engine, outbox_id: int, now: datetime = SEND_TIME) -> tuple[bool, str, str | None]:
    with Session(engine) as db, db.begin():
        if _BATCH["on"]:
            wanted = outbox_id in still_wanted_many(db, [outbox_id], now)
        else:
            wanted = still_wanted(db, outbox_id, now)
    with Session(engine) as db:
        row = db.get(OutboxRow, outbox_id)
        assert row is not None
        return wanted, row.status, row.error_code


def pay(engine: Engine, instalment_id: int) -> None:
    with Session(engine) as db, db.begin():
        row = db.get(InstalmentRow, instalment_id)
        assert row is not None
        row.paid_amount, row.paid_at = row.amount, SEND_TIME - timedelta(minutes=3)


def test_unpaid_reminder_is_wanted(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    _msisdn, _ids, outbox_id = schedule(engine, catalog, policy)
    assert check(engine, outbox_id) == (True, "pending", None)


def test_payment_after_scheduling_cancels(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    _msisdn, (instalment,), outbox_id = schedule(engine, catalog, policy)
    pay(engine, instalment)
    assert check(engine, outbox_id) == (False, OutboxStatus.CANCELLED.value, "paid")
    assert check(engine, outbox_id)[0] is False  # and stays cancelled


def test_shared_message_goes_while_one_instalment_is_unpaid(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    _msisdn, (first, second), outbox_id = schedule(engine, catalog, policy, amounts=(300_000, 200_000))
    pay(engine, first)
    assert check(engine, outbox_id)[0] is True
    pay(engine, second)
    assert check(engine, outbox_id) == (False, "cancelled", "paid")


def test_written_off_after_scheduling_cancels(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    _msisdn, (instalment,), outbox_id = schedule(engine, catalog, policy)
    with Session(engine) as db, db.begin():
        loan_id = db.scalar(select(InstalmentRow.loan_id).where(InstalmentRow.id == instalment))
        loan = db.get(LoanRow, loan_id)
        assert loan is not None
        loan.status = "written_off"
    assert check(engine, outbox_id) == (False, "cancelled", "loan_closed")


def test_opt_out_cancels_and_resume_lets_later_reminders_go(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    msisdn, (instalment,), outbox_id = schedule(engine, catalog, policy)
    with Session(engine) as db, db.begin():
        set_opt_out(db, msisdn, True, "BERHENTI", SEND_TIME - timedelta(hours=1))
    assert check(engine, outbox_id) == (False, "suppressed", "opted_out")
    scan_and_queue(engine, catalog, policy, now=at(DUE - timedelta(days=1), 0, 10))  # D-1 while opted out
    with Session(engine) as db, db.begin():
        set_opt_out(db, msisdn, False, "MULAI", at(DUE - timedelta(days=1), 12))
    scan_and_queue(engine, catalog, policy, now=at(DUE, 0, 10))  # D0 after resuming
    statuses = {row.idempotency_key: row.status for row in outbox_rows(engine)}
    assert statuses == {
        f"reminder:{instalment}:-3": "suppressed",
        f"reminder:{instalment}:-1": "suppressed",
        f"reminder:{instalment}:0": "pending",
    }
    d0 = next(row.id for row in outbox_rows(engine) if row.idempotency_key.endswith(":0"))
    assert check(engine, d0, at(DUE, 8))[0] is True


def test_other_messages_are_always_wanted(engine: Engine) -> None:
    now = datetime(2026, 12, 1, 3, tzinfo=UTC)
    with Session(engine) as db, db.begin():
        outbox_id = queue_sms(db, to="+6281200000001", body="Kode 123456", purpose="otp", key="otp:1", now=now)
    assert check(engine, outbox_id, now) == (True, "pending", None)
