"""Repaying as money comes in, on the demo bank (SQLite and PostgreSQL): part-payments in the stated
order, the minimum, late fees, early payoff, idempotency."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.interface import (
    BelowMinimum,
    EarlyPayoff,
    InsufficientFunds,
    LoanStatus,
    PayoffChanged,
    Repayment,
    RepaymentKind,
)
from gateway.banking.late_fees import late_fee
from gateway.banking.ledger import SqlBank
from gateway.storage.repayment_tables import AllocationRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine


def test_a_part_payment_goes_to_interest_then_fees_then_principal(demo_bank: SqlBank) -> None:
    due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert due is not None and due.instalment.late_fee == 0
    before = demo_bank.savings_balance(DAIRY.msisdn)
    paid = demo_bank.repay(DAIRY.msisdn, None, 100_000, "part-1", NOW)
    assert isinstance(paid, Repayment) and paid.kind is RepaymentKind.PARTIAL and paid.amount == 100_000
    (part,) = paid.allocations
    i = due.instalment
    assert (part.late_fee, part.interest, part.fee) == (0, i.interest, i.fee)
    assert part.principal == 100_000 - i.interest - i.fee
    after = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert after is not None and after.instalment.number == i.number
    assert after.instalment.remaining == i.remaining - 100_000
    assert demo_bank.savings_balance(DAIRY.msisdn).balance == before.balance - 100_000  # type: ignore[union-attr]
    assert paid.outstanding == due.loan.outstanding - 100_000


def test_the_same_key_debits_once(demo_bank: SqlBank) -> None:
    first = demo_bank.repay(DAIRY.msisdn, None, 60_000, "same", NOW)
    again = demo_bank.repay(DAIRY.msisdn, None, 60_000, "same", NOW)
    assert isinstance(first, Repayment) and again == first
    with demo_bank.transaction() as session:
        assert len(session.scalars(select(AllocationRow)).all()) == 1 + 1  # the demo's first repayment too


def test_below_the_product_minimum_is_refused_and_too_much_takes_only_what_is_owed(demo_bank: SqlBank) -> None:
    refused = demo_bank.repay(DAIRY.msisdn, None, 10_000, "small", NOW)
    assert isinstance(refused, BelowMinimum) and refused.minimum == 50_000
    due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert due is not None
    demo_bank.post(DAIRY.msisdn, 10_000_000, "deposit", "banking.tx.deposit", NOW)
    paid = demo_bank.repay(DAIRY.msisdn, None, 99_000_000, "all", NOW)
    assert isinstance(paid, Repayment) and paid.amount == due.loan.outstanding and paid.outstanding == 0
    (loan,) = demo_bank.my_loans(DAIRY.msisdn, NOW).loans
    assert loan.status is LoanStatus.PAID


def test_a_late_fee_accrues_after_grace_and_is_paid_first(demo_bank: SqlBank) -> None:
    later = NOW + timedelta(days=10)  # the seaweed instalment is a few days overdue at NOW, 7 days' grace
    due = demo_bank.next_due(SEAWEED.msisdn, None, later)
    assert due is not None and due.overdue
    days = (later.astimezone(ZoneInfo(SEAWEED.tz)).date() - due.instalment.due_date).days
    assert due.instalment.days_late == days > 7
    product = next(p for p in demo_bank.loan_products() if p.code == "seaweed_harvest")
    expected = late_fee(product.late_fee, due.instalment.remaining, days)
    assert expected > 0 and due.instalment.late_fee == expected
    (loan,) = demo_bank.my_loans(SEAWEED.msisdn, later).loans
    assert loan.instalments[0].late_fee == expected and loan.outstanding == due.loan.outstanding
    paid = demo_bank.repay(SEAWEED.msisdn, None, 30_000, "late-1", later)
    assert isinstance(paid, Repayment) and paid.late_fee == expected
    assert paid.allocations[0].interest == 30_000 - expected
    again = demo_bank.next_due(SEAWEED.msisdn, None, later)
    assert again is not None and again.instalment.late_fee == 0


def test_early_payoff_shows_an_amount_and_closes_the_loan_for_exactly_it(demo_bank: SqlBank) -> None:
    quote = demo_bank.payoff_quote(DAIRY.msisdn, None, NOW)
    due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert quote is not None and due is not None and quote.rule is EarlyPayoff.INTEREST_TO_DATE
    principal_left = sum(i.principal for i in due.loan.instalments if i.remaining > 0)
    assert quote.principal == principal_left and quote.late_fees == 0
    assert quote.amount + quote.waived == due.loan.outstanding
    assert 0 < quote.interest < due.instalment.interest  # the running period, pro rata
    balance = demo_bank.savings_balance(DAIRY.msisdn).balance  # type: ignore[union-attr]
    demo_bank.post(DAIRY.msisdn, 1_000 - balance, "withdrawal", "banking.tx.withdrawal", NOW)
    short = demo_bank.pay_off(DAIRY.msisdn, None, quote.amount, "off-0", NOW)
    assert isinstance(short, InsufficientFunds) and short.amount_due == quote.amount
    demo_bank.post(DAIRY.msisdn, 10_000_000, "deposit", "banking.tx.deposit", NOW)
    changed = demo_bank.pay_off(DAIRY.msisdn, None, quote.amount + 1, "off-1", NOW)
    assert isinstance(changed, PayoffChanged) and changed.quote.amount == quote.amount
    done = demo_bank.pay_off(DAIRY.msisdn, None, quote.amount, "off-2", NOW)
    assert isinstance(done, Repayment) and done.kind is RepaymentKind.PAYOFF and done.outstanding == 0
    assert done.amount == quote.amount
    (loan,) = demo_bank.my_loans(DAIRY.msisdn, NOW).loans
    assert loan.status is LoanStatus.PAID and loan.outstanding == 0
    assert demo_bank.payoff_quote(DAIRY.msisdn, None, NOW) is None
