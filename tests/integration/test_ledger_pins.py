from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from gateway.banking.demo import DAIRY, UNREGISTERED
from gateway.banking.interface import PinCheck, PinOutcome
from gateway.banking.ledger import SqlBank
from gateway.banking.pins import is_weak_pin
from gateway.storage.ledger_tables import CustomerRow
from tests.banking_fixtures import bank, db_engine, demo_bank, pg_engine, sqlite_engine


@pytest.mark.parametrize(
    "pin",
    [
        "123456",
        "654321",
        "000000",
        "999999",
        "890123",
        "210987",
        "121212",
        "123123",
        "12345",
        "1234567",
        "12a456",
        "",
        "１２３４５６",
        "150101",
    ],
)
def test_weak_pins(pin: str) -> None:
    assert is_weak_pin(pin, DAIRY.msisdn)


@pytest.mark.parametrize("pin", ["482915", "570346", "936184", "102938", "135790"])
def test_strong_pins(pin: str) -> None:
    assert not is_weak_pin(pin, DAIRY.msisdn)


def test_three_wrong_pins_lock_until_an_operator_unlocks(demo_bank: SqlBank) -> None:
    msisdn = DAIRY.msisdn
    assert demo_bank.verify_pin(msisdn, "111000") == PinCheck(PinOutcome.WRONG, 2)
    assert demo_bank.verify_pin(msisdn, "111000") == PinCheck(PinOutcome.WRONG, 1)
    assert demo_bank.verify_pin(msisdn, "111000") == PinCheck(PinOutcome.LOCKED, 0)
    assert demo_bank.verify_pin(msisdn, DAIRY.pin or "") == PinCheck(PinOutcome.LOCKED, 0)
    customer = demo_bank.customer_by_msisdn(msisdn)
    assert customer is not None and customer.locked
    assert demo_bank.unlock(msisdn)
    assert demo_bank.verify_pin(msisdn, DAIRY.pin or "").outcome is PinOutcome.OK
    assert not demo_bank.unlock("+6281199990000")


def test_a_right_pin_resets_the_count(demo_bank: SqlBank) -> None:
    for _ in range(2):
        assert demo_bank.verify_pin(DAIRY.msisdn, "111000").outcome is PinOutcome.WRONG
    assert demo_bank.verify_pin(DAIRY.msisdn, DAIRY.pin or "").outcome is PinOutcome.OK
    assert demo_bank.verify_pin(DAIRY.msisdn, "111000") == PinCheck(PinOutcome.WRONG, 2)


def test_register_refuses_weak_and_second_registration(
    demo_bank: SqlBank,
    caplog: pytest.LogCaptureFixture,
) -> None:
    msisdn = UNREGISTERED.msisdn
    caplog.set_level(logging.DEBUG)
    assert demo_bank.verify_pin(msisdn, "480213").outcome is PinOutcome.UNREGISTERED
    assert demo_bank.register_pin(msisdn, "123456").outcome is PinOutcome.WEAK
    assert demo_bank.register_pin(msisdn, "480213").outcome is PinOutcome.OK
    assert demo_bank.register_pin(msisdn, "480299").outcome is PinOutcome.ALREADY_REGISTERED
    assert demo_bank.verify_pin(msisdn, "480213").outcome is PinOutcome.OK
    assert demo_bank.register_pin("+6281199990000", "480213").outcome is PinOutcome.UNKNOWN
    assert demo_bank.verify_pin("+6281199990000", "480213").outcome is PinOutcome.UNKNOWN
    with demo_bank.transaction() as session:
        stored = session.scalar(select(CustomerRow.pin_hash).where(CustomerRow.msisdn == msisdn))
    assert stored is not None and "480213" not in stored and stored.startswith("$argon2")
    assert "480213" not in caplog.text and msisdn not in caplog.text


def test_change_pin(demo_bank: SqlBank) -> None:
    msisdn, old = DAIRY.msisdn, DAIRY.pin or ""
    assert demo_bank.change_pin(msisdn, "111111").outcome is PinOutcome.WEAK
    assert demo_bank.change_pin(msisdn, old).outcome is PinOutcome.SAME
    assert demo_bank.change_pin(msisdn, "703518").outcome is PinOutcome.OK
    assert demo_bank.verify_pin(msisdn, old).outcome is PinOutcome.WRONG
    assert demo_bank.verify_pin(msisdn, "703518").outcome is PinOutcome.OK
    assert demo_bank.change_pin(UNREGISTERED.msisdn, "703518").outcome is PinOutcome.UNREGISTERED
