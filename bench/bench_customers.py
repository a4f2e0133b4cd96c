"""Registered customers for the balance benchmark: one per connection, so no two walks share a phone."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.storage.db import make_engine

BENCH_PIN = "517394"
FIRST_NUMBER = 81299000000
OPENING_BALANCE = 2_500_000


def bench_phones(count: int) -> tuple[str, ...]:
    return tuple(f"+62{FIRST_NUMBER + n}" for n in range(count))


def ensure_bench_customers(database_url: str, count: int) -> tuple[str, ...]:
    """Create (once) `count` registered bench customers with savings; returns their numbers."""
    engine = make_engine(database_url)
    bank = SqlBank(engine, pepper=Settings.from_env().pepper)  # the pepper the app under test uses
    now = datetime.now(UTC)
    try:
        for n, phone in enumerate(bench_phones(count)):
            if bank.customer_by_msisdn(phone) is None:
                bank.add_customer(phone, f"Bench {n:02d}", "Asia/Jakarta", "id", now, value_chain="dairy")
                bank.register_pin(phone, BENCH_PIN)
                bank.post(phone, OPENING_BALANCE, "deposit", "banking.tx.deposit", now, f"bench-open-{phone}")
            bank.unlock(phone)
    finally:
        engine.dispose()
    return bench_phones(count)
