"""The customer's loans as the built-in ledger reads them: late fees and days late as of a day, the next
instalment due, and the payoff quote (gateway/banking/allocation.py does the arithmetic)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.banking import allocation, records
from gateway.banking.interface import (
    ApplicationStatus,
    DueInstalment,
    EarlyPayoff,
    LateFeeRule,
    LoanProduct,
    LoanStatus,
    LoanSummary,
    PayoffQuote,
)
from gateway.banking.store import Store, local_date
from gateway.storage.ledger_tables import ApplicationRow, InstalmentRow, LoanRow


class LoanReads(Store):
    def my_loans(self, msisdn: str, now: datetime | None = None) -> LoanSummary:
        with self.read_only() as session:
            customer = self.customer_row(session, msisdn)
            if customer is None:
                return LoanSummary()
            apps = session.scalars(
                select(ApplicationRow)
                .where(
                    ApplicationRow.customer_id == customer.id,
                    ApplicationRow.status != ApplicationStatus.DISBURSED.value,
                )
                .order_by(ApplicationRow.submitted_at.desc(), ApplicationRow.id.desc())
            )
            loans = session.scalars(
                select(LoanRow)
                .where(LoanRow.customer_id == customer.id)
                .order_by(LoanRow.disbursed_at.desc(), LoanRow.id.desc())
            )
            today = local_date(now, customer.tz) if now else None
            made = [records.loan(row, self._rule(row), today) for row in loans]
            ordered = sorted(made, key=lambda lo: lo.status is not LoanStatus.ACTIVE)
            return LoanSummary(tuple(records.application(row) for row in apps), tuple(ordered))

    def _rule(self, loan: LoanRow) -> LateFeeRule | None:
        product = self.product(loan.product_code)
        return product.late_fee if product else None

    @staticmethod
    def _next_instalment(session: Session, customer_id: int, loan_id: int | None) -> InstalmentRow | None:
        query = (
            select(InstalmentRow)
            .join(LoanRow, InstalmentRow.loan_id == LoanRow.id)
            .where(
                LoanRow.customer_id == customer_id,
                LoanRow.status == LoanStatus.ACTIVE.value,
                InstalmentRow.paid_amount + InstalmentRow.waived < InstalmentRow.amount,
            )
            .order_by(InstalmentRow.due_date, InstalmentRow.loan_id, InstalmentRow.number)
            .limit(1)
        )
        if loan_id is not None:
            query = query.where(LoanRow.id == loan_id)
        return session.scalar(query)

    def next_due(self, msisdn: str, loan_id: int | None, now: datetime) -> DueInstalment | None:
        with self.read_only() as session:
            customer = self.customer_row(session, msisdn)
            row = self._next_instalment(session, customer.id, loan_id) if customer else None
            if customer is None or row is None:
                return None
            today = local_date(now, customer.tz)
            loan_row = session.get_one(LoanRow, row.loan_id)
            rule = self._rule(loan_row)
            loan = records.loan(loan_row, rule, today)
            return DueInstalment(loan, records.instalment(row, rule, today), row.due_date < today)

    def payoff_quote(self, msisdn: str, loan_id: int | None, now: datetime) -> PayoffQuote | None:
        with self.read_only() as session:
            customer = self.customer_row(session, msisdn)
            row = self._next_instalment(session, customer.id, loan_id) if customer else None
            if customer is None or row is None:
                return None
            loan = session.get_one(LoanRow, row.loan_id)
            return self._quote(loan, self.product(loan.product_code), local_date(now, customer.tz), customer.tz)

    def _quote(self, loan: LoanRow, product: LoanProduct | None, today: date, tz: str) -> PayoffQuote:
        rule = product.early_payoff if product else EarlyPayoff.ALL_INTEREST
        start = local_date(loan.disbursed_at, tz) + timedelta(days=product.grace_days if product else 0)
        instalments = [records.instalment(i, product.late_fee if product else None, today) for i in loan.instalments]
        return allocation.payoff_quote(loan.id, rule, instalments, start, today)
