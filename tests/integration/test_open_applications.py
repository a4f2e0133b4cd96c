"""One open application per customer and product: the ledger says so, and the database enforces it
(partial UNIQUE index, migration 0007), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.interface import ApplicationStatus, OpenApplicationExists
from gateway.banking.ledger import SqlBank
from gateway.storage.ledger_tables import ApplicationRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.integration.test_ledger_money import twice_at_once


def test_a_second_application_for_the_product_is_refused_with_the_first_reference(demo_bank: SqlBank) -> None:
    first = demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "pakan", "open:1", NOW)
    with pytest.raises(OpenApplicationExists) as refused:
        demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 3_000_000, 12, "kandang", "open:2", NOW)
    assert refused.value.reference == first.reference
    assert demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "pakan", "open:1", NOW) == first


def test_another_product_and_a_decided_application_do_not_block(demo_bank: SqlBank) -> None:
    harvest = demo_bank.submit_application(SEAWEED.msisdn, "seaweed_harvest", 1_000_000, 3, "", "open:3", NOW)
    demo_bank.submit_application(SEAWEED.msisdn, "seaweed_spread", 1_000_000, 6, "", "open:4", NOW)
    assert demo_bank.reject_application(harvest.reference).status is ApplicationStatus.REJECTED
    again = demo_bank.submit_application(SEAWEED.msisdn, "seaweed_harvest", 1_500_000, 6, "", "open:5", NOW)
    assert again.reference != harvest.reference


def test_two_different_submits_at_once_file_one(demo_bank: SqlBank) -> None:
    keys = iter(["race:a", "race:b"])

    def submit() -> str:
        try:
            return demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "", next(keys), NOW).reference
        except OpenApplicationExists as exc:
            return f"refused:{exc.reference}"

    first, second = twice_at_once(submit)
    filed = [r for r in (first, second) if not r.startswith("refused:")]
    assert len(filed) == 1 and {first, second} == {filed[0], f"refused:{filed[0]}"}


def test_the_database_refuses_a_second_open_row(demo_bank: SqlBank) -> None:
    app = demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "", "open:6", NOW)
    with Session(demo_bank.engine) as session:
        row = session.scalar(select(ApplicationRow).where(ApplicationRow.reference == app.reference))
        assert row is not None
        copy = ApplicationRow(
            reference="PJDUPLIC",
            customer_id=row.customer_id,
            product_code=row.product_code,
            amount=row.amount,
            tenor=row.tenor,
            purpose="",
            status=ApplicationStatus.APPROVED.value,
            submitted_at=NOW,
            idempotency_key="open:7",
        )
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.commit()
