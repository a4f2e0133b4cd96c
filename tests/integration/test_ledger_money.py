from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from gateway.banking.demo import DAIRY, DEMO_CUSTOMERS, PATCHOULI, SEAWEED, UNREGISTERED, seed
from gateway.banking.interface import (
    ApplicationStatus,
    BankUnavailable,
    InsufficientFunds,
    LoanStatus,
    NothingDue,
    Repayment,
)
from gateway.banking.ledger import InsufficientBalance, SqlBank
from gateway.storage.db import make_engine
from gateway.storage.ledger_tables import ApplicationRow, CustomerRow, RepaymentRow, SavingsTxRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine

T = TypeVar("T")


def twice_at_once(action: Callable[[], T]) -> list[T]:
    """Run `action` in two threads released together, as a double-tapped submit would."""
    start = threading.Barrier(2)

    def run() -> T:
        start.wait()
        return action()

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(run) for _ in range(2)]
        return [f.result(timeout=30) for f in futures]


def count(bank: SqlBank, model: type, **where: object) -> int:
    with bank.transaction() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.scalar(query) or 0)


def test_demo_seed_is_idempotent_and_as_documented(demo_bank: SqlBank) -> None:
    seed(demo_bank, NOW + timedelta(days=3))
    assert count(demo_bank, CustomerRow) == len(DEMO_CUSTOMERS)
    for who in DEMO_CUSTOMERS:
        customer = demo_bank.customer_by_msisdn(who.msisdn)
        assert customer is not None and customer.registered == (who.pin is not None) and customer.tz == who.tz
    dairy_due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert dairy_due is not None and not dairy_due.overdue
    assert 0 <= (dairy_due.instalment.due_date - NOW.date()).days <= 3
    seaweed_due = demo_bank.next_due(SEAWEED.msisdn, None, NOW)
    assert seaweed_due is not None and seaweed_due.overdue
    pending = demo_bank.my_loans(PATCHOULI.msisdn).applications
    assert [a.status for a in pending] == [ApplicationStatus.SUBMITTED]
    assert len(demo_bank.mini_statement(DAIRY.msisdn)) == 5
    entries = {DAIRY: 9, SEAWEED: 5, PATCHOULI: 4, UNREGISTERED: 1}
    for who, expected in entries.items():
        history = demo_bank.mini_statement(who.msisdn, limit=50)
        account = demo_bank.savings_balance(who.msisdn)
        assert len(history) == expected and account is not None
        assert sum(t.amount for t in history) == account.balance == history[0].balance_after
        assert all(t.balance_after >= 0 for t in history)


def test_statement_is_newest_first_and_balances_agree(demo_bank: SqlBank) -> None:
    lines = demo_bank.mini_statement(DAIRY.msisdn, limit=10)
    assert [t.posted_at for t in lines] == sorted((t.posted_at for t in lines), reverse=True)
    account = demo_bank.savings_balance(DAIRY.msisdn)
    assert account is not None and account.balance == lines[0].balance_after
    assert all(t.posted_at.tzinfo is not None for t in lines)
    assert demo_bank.mini_statement("+6281199990000") == ()


def test_repayment_debits_savings_and_settles_the_instalment(demo_bank: SqlBank) -> None:
    before = demo_bank.savings_balance(DAIRY.msisdn)
    due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert before is not None and due is not None
    receipt = demo_bank.repay_next_instalment(DAIRY.msisdn, due.loan.id, "session-1:4:pay", NOW)
    assert isinstance(receipt, Repayment)
    assert receipt.amount == due.instalment.amount and receipt.instalment_number == due.instalment.number
    assert receipt.savings_balance == before.balance - receipt.amount
    assert receipt.outstanding == due.loan.outstanding - receipt.amount
    after = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert after is not None and after.instalment.number == due.instalment.number + 1
    assert demo_bank.mini_statement(DAIRY.msisdn, 1)[0].amount == -receipt.amount


def test_insufficient_funds_moves_nothing(demo_bank: SqlBank) -> None:
    account = demo_bank.savings_balance(DAIRY.msisdn)
    assert account is not None
    demo_bank.post(DAIRY.msisdn, -(account.balance - 1000), "withdrawal", "banking.tx.withdrawal", NOW, "w1")
    result = demo_bank.repay_next_instalment(DAIRY.msisdn, None, "pay-1", NOW)
    assert isinstance(result, InsufficientFunds)
    assert result.balance == 1000 and result.amount_due > 1000
    assert count(demo_bank, RepaymentRow, idempotency_key="pay-1") == 0
    with pytest.raises(InsufficientBalance):
        demo_bank.post(DAIRY.msisdn, -2000, "withdrawal", "banking.tx.withdrawal", NOW, "w2")


def test_nothing_due(demo_bank: SqlBank) -> None:
    assert demo_bank.repay_next_instalment(PATCHOULI.msisdn, None, "k", NOW) == NothingDue(None)
    assert demo_bank.repay_next_instalment(UNREGISTERED.msisdn, None, "k2", NOW) == NothingDue(None)
    assert demo_bank.next_due(PATCHOULI.msisdn, None, NOW) is None


def test_paying_every_instalment_closes_the_loan(demo_bank: SqlBank) -> None:
    demo_bank.post(SEAWEED.msisdn, 5_000_000, "deposit", "banking.tx.seaweed_sale", NOW, "harvest")
    results = [demo_bank.repay_next_instalment(SEAWEED.msisdn, None, f"k{n}", NOW) for n in range(5)]
    receipts = [r for r in results if isinstance(r, Repayment)]
    assert len(receipts) == 4 and receipts[-1].outstanding == 0
    assert isinstance(results[-1], NothingDue)
    (loan,) = demo_bank.my_loans(SEAWEED.msisdn).loans
    assert loan.status is LoanStatus.PAID and loan.outstanding == 0
    assert sum(r.amount for r in receipts) == sum(i.amount for i in loan.instalments)


def test_double_submitted_repayment_takes_effect_once(demo_bank: SqlBank) -> None:
    before = demo_bank.savings_balance(DAIRY.msisdn)
    assert before is not None
    first, second = twice_at_once(lambda: demo_bank.repay_next_instalment(DAIRY.msisdn, None, "same-key", NOW))
    assert isinstance(first, Repayment) and first == second
    after = demo_bank.savings_balance(DAIRY.msisdn)
    assert after is not None and after.balance == before.balance - first.amount
    assert count(demo_bank, RepaymentRow) == 2  # the demo's own first instalment, and this one
    assert count(demo_bank, SavingsTxRow, idempotency_key="repay:same-key") == 1


def test_two_different_repayments_at_once_pay_two_instalments(demo_bank: SqlBank) -> None:
    keys = iter(["a", "b"])
    lock = threading.Lock()

    def pay() -> object:
        with lock:
            key = next(keys)
        return demo_bank.repay_next_instalment(DAIRY.msisdn, None, key, NOW)

    first, second = twice_at_once(pay)
    assert isinstance(first, Repayment) and isinstance(second, Repayment)
    assert {first.instalment_number, second.instalment_number} == {2, 3}


def test_double_submitted_application_takes_effect_once(demo_bank: SqlBank) -> None:
    def submit() -> object:
        return demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "pakan", "sess:7:submit", NOW)

    first, second = twice_at_once(submit)
    assert first == second
    assert count(demo_bank, ApplicationRow, idempotency_key="sess:7:submit") == 1
    again = demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "pakan", "sess:7:submit", NOW)
    assert again == first


def test_submit_refuses_what_the_product_does_not_allow(demo_bank: SqlBank) -> None:
    with pytest.raises(ValueError, match="out_of_range"):
        demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 100, 6, "", "k1", NOW)
    with pytest.raises(ValueError, match="bad_tenor"):
        demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 7, "", "k2", NOW)
    with pytest.raises(ValueError, match="unknown_product"):
        demo_bank.submit_application(DAIRY.msisdn, "rice", 2_000_000, 6, "", "k3", NOW)
    with pytest.raises(LookupError):
        demo_bank.submit_application("+6281199990000", "dairy_cow", 2_000_000, 6, "", "k4", NOW)


def test_disburse_once_and_reject(demo_bank: SqlBank) -> None:
    (pending,) = demo_bank.my_loans(PATCHOULI.msisdn).applications
    before = demo_bank.savings_balance(PATCHOULI.msisdn)
    loan = demo_bank.disburse(pending.reference, NOW)
    assert demo_bank.disburse(pending.reference, NOW) == loan
    after = demo_bank.savings_balance(PATCHOULI.msisdn)
    assert before is not None and after is not None and after.balance == before.balance + pending.amount
    assert loan.outstanding == demo_bank.quote("patchouli", pending.amount, pending.tenor, NOW.date()).total
    other = demo_bank.submit_application(PATCHOULI.msisdn, "patchouli", 3_000_000, 24, "", "k9", NOW)
    assert demo_bank.reject_application(other.reference).status is ApplicationStatus.REJECTED
    with pytest.raises(ValueError, match="rejected"):
        demo_bank.disburse(other.reference, NOW)


def test_unreachable_database_is_bank_unavailable() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    try:
        with pytest.raises(BankUnavailable):
            SqlBank(engine).customer_by_msisdn(DAIRY.msisdn)
    finally:
        engine.dispose()
