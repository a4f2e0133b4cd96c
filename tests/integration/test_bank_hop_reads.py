"""The built-in bank reads a customer once per hop, and keeps its read connections without leaking them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from gateway.banking.interface import BankUnavailable
from gateway.banking.ledger import SqlBank
from tests.banking_fixtures import NOW, bank, db_engine, pg_engine, sqlite_engine

PHONE = "+6281299990001"
STRANGER = "+6281299990002"


@contextmanager
def customer_selects(bank: SqlBank) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "customers" in statement:
            seen.append(statement)

    event.listen(bank.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(bank.engine, "before_cursor_execute", count)


def test_a_hop_reads_a_customer_once(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "en", NOW)
    with customer_selects(bank) as seen, bank.one_hop():
        assert bank.customer_language(PHONE) == "en"
        customer = bank.customer_by_msisdn(PHONE)
        assert customer is not None and customer.name == "Siti"
        assert bank.customer_language(STRANGER) is None
        assert bank.customer_by_msisdn(STRANGER) is None
    assert len(seen) == 2  # one read for each number


def test_outside_a_hop_every_call_reads(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "id", NOW)
    with customer_selects(bank) as seen:
        bank.customer_by_msisdn(PHONE)
        bank.customer_by_msisdn(PHONE)
    assert len(seen) == 2


def test_a_write_within_the_hop_is_read_back(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "id", NOW)
    with bank.one_hop():
        assert bank.customer_language(PHONE) == "id"
        bank.set_language(PHONE, "en")
        assert bank.customer_language(PHONE) == "en"
        customer = bank.customer_by_msisdn(PHONE)
        assert customer is not None and customer.lang == "en"


def test_hops_do_not_share_what_they_read(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "id", NOW)
    with bank.one_hop():
        assert bank.customer_language(PHONE) == "id"
    bank.set_language(PHONE, "en")
    with bank.one_hop():
        assert bank.customer_language(PHONE) == "en"


def test_a_failed_read_is_unavailable_and_the_next_read_works(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "id", NOW)
    with pytest.raises(BankUnavailable), bank.reading() as connection:
        connection.execute(text("SELECT no_such_column FROM customers"))
    assert bank.customer_language(PHONE) == "id"


def test_read_connections_are_reused_and_closed_when_the_engine_is_disposed(bank: SqlBank) -> None:
    bank.add_customer(PHONE, "Siti", "Asia/Jakarta", "id", NOW)
    for _ in range(3):
        bank.customer_language(PHONE)
    assert bank._readers.idle.qsize() == 1  # one reader at a time: one connection, reused
    bank.engine.dispose()
    assert bank._readers.idle.qsize() == 0
    assert bank.customer_language(PHONE) == "id"  # a new connection from the new pool
