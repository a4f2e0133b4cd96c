"""`Bank.instalment_states`: what the reminders' last look reads through the bank (no ledger tables outside it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.banking.ledger import SqlBank
from gateway.storage.ledger_tables import InstalmentRow, LoanRow
from tests.banking_fixtures import bank, db_engine, demo_bank, pg_engine, sqlite_engine


def test_each_instalment_with_its_loan_status(demo_bank: SqlBank) -> None:
    with Session(demo_bank.engine) as db:
        rows = db.execute(
            select(InstalmentRow.id, InstalmentRow.amount, InstalmentRow.paid_amount, LoanRow.status).join(
                LoanRow, LoanRow.id == InstalmentRow.loan_id
            )
        ).all()
    assert rows, "the demo has loans with instalments"
    states = demo_bank.instalment_states([row_id for row_id, *_rest in rows] + [10_000_000])
    assert {row_id: (s.amount, s.paid_amount, s.loan_status) for row_id, s in states.items()} == {
        row_id: (amount, paid, status) for row_id, amount, paid, status in rows
    }
    assert demo_bank.instalment_states([]) == {}
