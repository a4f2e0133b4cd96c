"""`Bank.due_instalments`: what reminders read through the bank interface (SQLite keyset pages, PostgreSQL
a streamed cursor), and reminders scanning through any `Bank` they are handed. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gateway.banking.due_records import BorrowerInstalment, DueQuery
from gateway.banking.interface import Bank
from gateway.banking.ledger import SqlBank
from gateway.i18n import Catalog
from gateway.reminders.policy import Policy
from gateway.reminders.scan import scan_and_queue
from gateway.storage.reminder_tables import ReminderRow
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine
from tests.integration.test_reminders_scan import (
    DUE,
    JAKARTA,
    MAKASSAR,
    add_customer,
    add_loan,
    at,
    catalog_fixture,
    engine_fixture,
    policy_fixture,
)

ACTIVE = frozenset({"active"})


def _portfolio(engine: Engine) -> list[int]:
    """Five borrowers in Jakarta (one with two instalments due, one paid up, one closed) and one in Makassar."""
    with Session(engine) as db, db.begin():
        customers = [add_customer(db) for _ in range(4)]
        add_loan(db, customers[0], [(DUE, 100_000), (DUE, 50_000)])
        add_loan(db, customers[1], [(DUE, 200_000)])
        paid = add_loan(db, customers[2], [(DUE, 300_000)])
        paid[0].paid_amount = 300_000
        add_loan(db, customers[3], [(DUE, 400_000)], status="closed")
        add_loan(db, add_customer(db, tz=MAKASSAR), [(DUE, 500_000)])
        add_loan(db, add_customer(db), [(DUE + timedelta(days=1), 600_000)])
        return [c.id for c in customers]


def _all(pages: Iterator[list[BorrowerInstalment]]) -> list[list[BorrowerInstalment]]:
    return [list(page) for page in pages]


def test_due_instalments_pages_unpaid_instalments_in_customer_order(engine: Engine) -> None:
    customers = _portfolio(engine)
    bank: Bank = SqlBank(engine)
    pages = _all(bank.due_instalments(DueQuery(DUE, JAKARTA, ACTIVE), page_size=2))
    assert [len(page) for page in pages] == [2, 1]
    items = [item for page in pages for item in page]
    assert [(item.customer_id, item.outstanding) for item in items] == [
        (customers[0], 100_000),
        (customers[0], 50_000),
        (customers[1], 200_000),
    ]
    assert {(item.tz, item.due_date) for item in items} == {(JAKARTA, DUE)}
    assert sorted(bank.borrower_time_zones()) == [JAKARTA, MAKASSAR]


def test_due_instalments_filters_by_zone_state_and_product(engine: Engine) -> None:
    _portfolio(engine)
    bank = SqlBank(engine)
    makassar = _all(bank.due_instalments(DueQuery(DUE, MAKASSAR, ACTIVE), page_size=10))
    assert [item.outstanding for page in makassar for item in page] == [500_000]
    closed = _all(bank.due_instalments(DueQuery(DUE, JAKARTA, frozenset({"closed"})), page_size=10))
    assert [item.outstanding for page in closed for item in page] == [400_000]
    other = _all(bank.due_instalments(DueQuery(DUE, JAKARTA, ACTIVE, frozenset({"seaweed"})), page_size=10))
    assert other == []


class CountingBank:
    """A bank as reminders see it: only the two reads, served here by the built-in ledger and counted."""

    def __init__(self, inner: SqlBank) -> None:
        self.inner = inner
        self.queries: list[DueQuery] = []

    def borrower_time_zones(self) -> list[str]:
        return self.inner.borrower_time_zones()

    def due_instalments(self, query: DueQuery, page_size: int) -> Iterator[list[BorrowerInstalment]]:
        self.queries.append(query)
        return self.inner.due_instalments(query, page_size)


def test_reminders_read_due_instalments_only_through_the_bank_they_are_given(
    engine: Engine, catalog: Catalog, policy: Policy
) -> None:
    _portfolio(engine)
    bank = CountingBank(SqlBank(engine))
    now: datetime = at(DUE - timedelta(days=3), 0, 30)
    report = scan_and_queue(engine, catalog, policy, now, batch_size=1, bank=bank)
    assert (report.instalments, report.messages) == (4, 3)  # two due the same day share one message
    assert {query.tz for query in bank.queries} == {JAKARTA, MAKASSAR}
    again = scan_and_queue(engine, catalog, policy, now, bank=bank)
    assert again.instalments == 0  # already reminded at this offset: left out page by page
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(ReminderRow)) == 4
