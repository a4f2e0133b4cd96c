"""The built-in ledger's activation codes, PIN set-up window, SMS banking consent and number changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from gateway.banking.access import (
    ACTIVATION_CODE_LENGTH,
    AccessPolicy,
    ActivationOutcome,
    PinOutcome,
    activation_digest,
    is_activation_code,
    new_activation_code,
)
from gateway.banking.demo import DAIRY, PATCHOULI, UNREGISTERED, seed
from gateway.banking.ledger import SqlBank
from gateway.storage.ledger_tables import CustomerRow
from gateway.storage.migrate import upgrade
from tests.banking_fixtures import FAST_HASHER, NOW, db_engine, pg_engine, sqlite_engine

PEPPER = "kept-in-the-environment"
MARIA = UNREGISTERED.msisdn


@pytest.fixture
def bank(db_engine: Engine) -> SqlBank:
    upgrade(db_engine)
    return seed(SqlBank(db_engine, hasher=FAST_HASHER, pepper=PEPPER), NOW)


def _row(bank: SqlBank, msisdn: str) -> CustomerRow:
    with bank.read_only() as session:
        row = session.scalar(select(CustomerRow).where(CustomerRow.msisdn == msisdn))
        assert row is not None
        return row


def test_codes_are_eight_random_digits() -> None:
    codes = {new_activation_code() for _ in range(200)}
    assert len(codes) > 190 and all(is_activation_code(c) and len(c) == ACTIVATION_CODE_LENGTH for c in codes)
    assert not is_activation_code("1234567") and not is_activation_code("１２３４５６７８")


def test_only_a_keyed_digest_bound_to_the_number_is_stored(bank: SqlBank) -> None:
    code = bank.issue_activation(MARIA, NOW)
    assert code is not None
    row = _row(bank, MARIA)
    assert row.activation_hash == activation_digest(code, MARIA, PEPPER) and code not in (row.activation_hash or "")
    assert row.activation_hash != activation_digest(code, MARIA, "")
    assert row.activation_hash != activation_digest(code, DAIRY.msisdn, PEPPER)
    assert row.activation_expires_at == NOW + timedelta(days=7)
    thief = SqlBank(bank.engine, hasher=FAST_HASHER, pepper="")
    assert thief.redeem_activation(MARIA, code, NOW).outcome is ActivationOutcome.WRONG, "useless without the pepper"


def test_a_new_code_replaces_the_old_one_and_a_set_pin_uses_it_up(bank: SqlBank) -> None:
    first = bank.issue_activation(MARIA, NOW)
    second = bank.issue_activation(MARIA, NOW, "50718342")
    assert first is not None and second == "50718342" and first != second
    assert bank.redeem_activation(MARIA, first, NOW).outcome is ActivationOutcome.WRONG
    assert bank.redeem_activation(MARIA, second, NOW).outcome is ActivationOutcome.OK
    assert bank.activate_pin(MARIA, "480213", NOW + timedelta(minutes=14)).outcome is PinOutcome.OK
    assert bank.redeem_activation(MARIA, second, NOW).outcome is ActivationOutcome.NONE
    assert bank.verify_pin(MARIA, "480213").outcome is PinOutcome.OK
    assert _row(bank, MARIA).activation_hash is None


def test_the_ttl_comes_from_the_policy(bank: SqlBank) -> None:
    policy = AccessPolicy(activation_ttl=timedelta(hours=1))
    short = SqlBank(bank.engine, hasher=FAST_HASHER, pepper=PEPPER, access=policy)
    code = short.issue_activation(MARIA, NOW)
    assert code is not None
    assert short.redeem_activation(MARIA, code, NOW + timedelta(minutes=59)).outcome is ActivationOutcome.OK
    assert short.redeem_activation(MARIA, code, NOW + timedelta(hours=1)).outcome is ActivationOutcome.EXPIRED
    assert short.redeem_activation(MARIA, code, NOW).outcome is ActivationOutcome.NONE, "an expired code is dropped"


def test_a_new_pin_after_a_lock_out_lifts_the_lock_and_switches_sms_banking_off(bank: SqlBank) -> None:
    phone = PATCHOULI.msisdn
    bank.set_sms_banking(phone, True, NOW)
    code = bank.issue_activation(phone, NOW)
    assert code is not None
    for _ in range(3):
        bank.verify_pin(phone, "111000")
    assert bank.redeem_activation(phone, code, NOW).outcome is ActivationOutcome.OK
    assert bank.activate_pin(phone, "271828", NOW).outcome is PinOutcome.OK
    row = _row(bank, phone)
    assert not row.locked and row.failed_pin_attempts == 0 and row.sms_banking_active_at is None


def test_changing_a_number_switches_sms_banking_off_and_drops_a_pending_code(bank: SqlBank) -> None:
    new = "+6281220159999"
    bank.set_sms_banking(DAIRY.msisdn, True, NOW)
    code = bank.issue_activation(DAIRY.msisdn, NOW)
    assert code is not None and bank.sms_banking(DAIRY.msisdn, NOW)
    assert bank.change_msisdn(DAIRY.msisdn, new)
    assert bank.customer_by_msisdn(DAIRY.msisdn) is None
    assert not bank.sms_banking(new, NOW) and not bank.use_sms_banking(new, NOW)
    assert bank.redeem_activation(new, code, NOW).outcome is ActivationOutcome.NONE
    assert bank.verify_pin(new, DAIRY.pin or "").outcome is PinOutcome.OK, "the PIN stays the customer's"
    assert not bank.change_msisdn("+6281199990000", "+6281199990001")
    with pytest.raises(ValueError):
        bank.change_msisdn(new, PATCHOULI.msisdn)


def test_sms_banking_inactivity_comes_from_the_policy(bank: SqlBank) -> None:
    policy = AccessPolicy(sms_banking_idle=timedelta(days=7))
    week = SqlBank(bank.engine, hasher=FAST_HASHER, pepper=PEPPER, access=policy)
    assert week.set_sms_banking(DAIRY.msisdn, True, NOW)
    assert week.use_sms_banking(DAIRY.msisdn, NOW + timedelta(days=6))
    assert week.use_sms_banking(DAIRY.msisdn, NOW + timedelta(days=12))
    assert not week.use_sms_banking(DAIRY.msisdn, NOW + timedelta(days=19))
    assert _row(bank, DAIRY.msisdn).sms_banking_active_at is None, "switched off for good, not just refused"
    assert not week.set_sms_banking("+6281199990000", True, NOW)
