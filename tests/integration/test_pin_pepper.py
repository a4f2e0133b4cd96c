"""PIN hashes are peppered: the database alone cannot check a PIN, let alone reveal one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from gateway.banking.interface import PinOutcome
from gateway.banking.ledger import SqlBank
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade

PHONE = "+6281220150101"
PIN = "482915"


def test_a_stolen_table_without_the_pepper_checks_no_pin(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    upgrade(engine)
    bank = SqlBank(engine, pepper="kept-in-the-environment")
    bank.add_customer(PHONE, "Ibu Euis", "Asia/Jakarta", "id", datetime(2026, 11, 1, tzinfo=UTC))
    assert bank.register_pin(PHONE, PIN).outcome is PinOutcome.OK
    assert bank.verify_pin(PHONE, PIN).outcome is PinOutcome.OK
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT pin_hash FROM customers")).scalar_one()
    assert stored.startswith("$argon2id$") and PIN not in stored
    thief = SqlBank(engine, pepper="")
    assert thief.verify_pin(PHONE, PIN).outcome is PinOutcome.WRONG
