"""Repaying loans from savings as money comes in, in the built-in ledger (reads: `loan_reads.py`).

Every payment: lock the customer and account rows, answer an earlier result of the same idempotency
key, bring each unpaid instalment's late fee up to today (`late_fees.accrued`), then apply the money
in the order of `repay_records.py` (oldest instalment; late fee, interest, fees, principal), debit
savings, and write the repayment with its allocations, all in one transaction. The UNIQUE key column
is the backstop against a racing duplicate (see `lending.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.banking import allocation, late_fees, records
from gateway.banking.interface import (
    Allocation,
    BankUnavailable,
    BelowMinimum,
    Instalment,
    InsufficientFunds,
    LoanProduct,
    LoanStatus,
    NothingDue,
    PayoffChanged,
    Repayment,
    RepaymentKind,
    RepayResult,
)
from gateway.banking.loan_reads import LoanReads
from gateway.banking.store import local_date, log, new_reference
from gateway.phones import mask_msisdn
from gateway.storage.ledger_tables import (
    AccountRow,
    CustomerRow,
    InstalmentRow,
    LoanRow,
    RepaymentRow,
    SavingsTxRow,
)
from gateway.storage.repayment_tables import AllocationRow

Planned = tuple[RepaymentKind, tuple[Allocation, ...]] | RepayResult
Plan = Callable[[LoanRow, LoanProduct | None, date, str], Planned]
"""What a payment settles of a loan on a day (the customer's time zone last), or why it settles nothing."""


class Repayments(LoanReads):
    # --- payments -------------------------------------------------------------------------------
    def repay_next_instalment(
        self, msisdn: str, loan_id: int | None, idempotency_key: str, now: datetime
    ) -> RepayResult:
        """The earliest unpaid instalment in full, with its late fee."""

        def plan(loan: LoanRow, product: LoanProduct | None, today: date, _tz: str) -> Planned:
            due = self._due(loan, product, today)
            return RepaymentKind.INSTALMENT, allocation.allocate(due[0].to_pay, due[:1])

        return self._pay(msisdn, loan_id, idempotency_key, now, plan)

    def repay(self, msisdn: str, loan_id: int | None, amount: int, idempotency_key: str, now: datetime) -> RepayResult:
        def plan(loan: LoanRow, product: LoanProduct | None, today: date, _tz: str) -> Planned:
            due = self._due(loan, product, today)
            owed, minimum = allocation.owed(due), product.min_partial_payment if product else 0
            if amount < owed and (amount < minimum or amount <= 0):
                return BelowMinimum(minimum, owed)
            kind = RepaymentKind.INSTALMENT if amount == due[0].to_pay else RepaymentKind.PARTIAL
            return kind, allocation.allocate(min(amount, owed), due)

        return self._pay(msisdn, loan_id, idempotency_key, now, plan)

    def pay_off(
        self, msisdn: str, loan_id: int | None, amount: int, idempotency_key: str, now: datetime
    ) -> RepayResult:
        def plan(loan: LoanRow, product: LoanProduct | None, today: date, tz: str) -> Planned:
            quote = self._quote(loan, product, today, tz)
            if quote.amount != amount:
                return PayoffChanged(quote)
            return RepaymentKind.PAYOFF, quote.allocations

        return self._pay(msisdn, loan_id, idempotency_key, now, plan)

    @staticmethod
    def _due(loan: LoanRow, product: LoanProduct | None, today: date) -> list[Instalment]:
        rule = product.late_fee if product else None
        unpaid = [i for i in loan.instalments if i.amount - i.paid_amount - i.waived > 0]
        return [records.instalment(i, rule, today) for i in unpaid]

    def _pay(self, msisdn: str, loan_id: int | None, key: str, now: datetime, plan: Plan) -> RepayResult:
        try:
            with self.transaction() as session:
                return self._settle(session, msisdn, loan_id, key, now, plan)
        except IntegrityError:
            with self.transaction() as session:
                done = session.scalar(select(RepaymentRow).where(RepaymentRow.idempotency_key == key))
                if done is None:
                    raise BankUnavailable("repayment conflicted and left no record") from None
                return self._receipt(session, done)

    def _settle(
        self, session: Session, msisdn: str, loan_id: int | None, key: str, now: datetime, plan: Plan
    ) -> RepayResult:
        customer = self.customer_row(session, msisdn, lock=True)
        account = self.account_row(session, customer.id, lock=True) if customer else None
        if customer is None or account is None:
            return NothingDue(loan_id)
        if done := session.scalar(select(RepaymentRow).where(RepaymentRow.idempotency_key == key)):
            return self._receipt(session, done)
        first = self._next_instalment(session, customer.id, loan_id)
        if first is None:
            return NothingDue(loan_id)
        loan = session.get_one(LoanRow, first.loan_id)
        product, today = self.product(loan.product_code), local_date(now, customer.tz)
        planned = plan(loan, product, today, customer.tz)
        if not isinstance(planned, tuple):
            return planned
        kind, allocations = planned
        amount = sum(a.paid for a in allocations)
        if account.balance < amount:
            return InsufficientFunds(account.balance, amount)
        self._charge_late_fees(loan, product, today)
        by_number = {i.number: i for i in loan.instalments}
        for part in allocations:
            row = by_number[part.instalment_number]
            row.late_fee_paid += part.late_fee
            row.paid_amount += part.interest + part.fee + part.principal
            row.waived += part.waived
            if row.paid_amount + row.waived >= row.amount:
                row.paid_at = now
        return self._record(session, customer, account, loan, kind, allocations, key, now)

    def _charge_late_fees(self, loan: LoanRow, product: LoanProduct | None, today: date) -> None:
        """Bring each unpaid instalment's charged late fee up to today, before its unpaid amount changes."""
        rule = product.late_fee if product else None
        for row in loan.instalments:
            unpaid = row.amount - row.paid_amount - row.waived
            if unpaid > 0 and row.due_date < today:
                through = row.late_fee_through
                row.late_fee_charged = late_fees.accrued(
                    rule, row.amount, unpaid, row.due_date, row.late_fee_charged, through, today
                )
                row.late_fee_through = today

    def _record(
        self,
        session: Session,
        customer: CustomerRow,
        account: AccountRow,
        loan: LoanRow,
        kind: RepaymentKind,
        allocations: tuple[Allocation, ...],
        key: str,
        now: datetime,
    ) -> Repayment:
        amount = sum(a.paid for a in allocations)
        account.balance -= amount
        debit = SavingsTxRow(
            account_id=account.id,
            posted_at=now,
            amount=-amount,
            kind="repayment",
            description="banking.tx.repayment",
            balance_after=account.balance,
            idempotency_key=f"repay:{key}",
        )
        session.add(debit)
        outstanding = sum(
            i.amount - i.paid_amount - i.waived + i.late_fee_charged - i.late_fee_paid for i in loan.instalments
        )
        if all(i.amount - i.paid_amount - i.waived <= 0 for i in loan.instalments):
            loan.status = LoanStatus.PAID.value
        session.flush()
        by_number = {i.number: i for i in loan.instalments}
        receipt = RepaymentRow(
            reference=new_reference("BY"),
            loan_id=loan.id,
            instalment=by_number[allocations[0].instalment_number],
            savings_tx_id=debit.id,
            amount=amount,
            paid_at=now,
            savings_balance_after=account.balance,
            outstanding_after=outstanding,
            idempotency_key=key,
            kind=kind.value,
            late_fee=sum(a.late_fee for a in allocations),
        )
        session.add(receipt)
        session.flush()
        for part in allocations:
            session.add(
                AllocationRow(
                    repayment_id=receipt.id,
                    instalment_id=by_number[part.instalment_number].id,
                    late_fee=part.late_fee,
                    interest=part.interest,
                    fee=part.fee,
                    principal=part.principal,
                    waived=part.waived,
                )
            )
        session.flush()
        log.info(
            "repayment %s (%s) of loan %d by %s", receipt.reference, kind.value, loan.id, mask_msisdn(customer.msisdn)
        )
        return self._receipt(session, receipt)

    @staticmethod
    def _receipt(session: Session, row: RepaymentRow) -> Repayment:
        parts = session.execute(
            select(AllocationRow, InstalmentRow.number)
            .join(InstalmentRow, InstalmentRow.id == AllocationRow.instalment_id)
            .where(AllocationRow.repayment_id == row.id)
            .order_by(AllocationRow.id)
        )
        allocations = tuple(
            Allocation(number, a.late_fee, a.interest, a.fee, a.principal, a.waived) for a, number in parts
        )
        return replace(records.repayment(row), allocations=allocations)
