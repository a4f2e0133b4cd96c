"""Loan applications and disbursements of the built-in ledger (the customer's loans and repayments:
`repayments.py`).

Concurrency: every money movement locks the customer's row first (`SELECT ... FOR UPDATE` on
PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises writers), then looks for an earlier result with the
same idempotency key, then writes. The UNIQUE key column is the backstop: a racing duplicate fails to
insert, rolls back, and returns the row that won.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.banking import cost, records, schedule
from gateway.banking.interface import (
    ApplicationStatus,
    BankUnavailable,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanStatus,
    OpenApplicationExists,
    Quote,
    loan_request_problem,
)
from gateway.banking.store import Store, local_date, log, new_reference
from gateway.phones import mask_msisdn
from gateway.storage.ledger_tables import (
    ApplicationRow,
    CustomerRow,
    InstalmentRow,
    LoanRow,
    SavingsTxRow,
)

REFERENCE_ATTEMPTS = 3
OPEN_APPLICATION_STATES = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.APPROVED.value)
MAX_PURPOSE_CHARS = 100


class Lending(Store):
    def loan_products(self) -> tuple[LoanProduct, ...]:
        return self.products

    def quote(self, product_code: str, amount: int, tenor: int, start: date) -> Quote:
        product = self.product(product_code)
        if product is None:
            raise KeyError(product_code)
        return cost.disclosed(schedule.quote(product, amount, tenor, start), product, start)

    # --- applications ---------------------------------------------------------------------------
    def submit_application(
        self, msisdn: str, product_code: str, amount: int, tenor: int, purpose: str, idempotency_key: str, now: datetime
    ) -> LoanApplication:
        problem = loan_request_problem(self.product(product_code), amount, tenor)
        if problem is not None:
            raise ValueError(problem.value)
        for _attempt in range(REFERENCE_ATTEMPTS):
            try:
                with self.transaction() as session:
                    return self._submit(session, msisdn, product_code, amount, tenor, purpose, idempotency_key, now)
            except IntegrityError:
                with self.transaction() as session:
                    if done := self._application_by_key(session, idempotency_key):
                        return records.application(done)
            # otherwise the random reference collided: draw another
        raise BankUnavailable("no free application reference")

    @staticmethod
    def _open_application(session: Session, customer_id: int, product_code: str) -> ApplicationRow | None:
        """One application per customer and product until it is decided or paid out (also a partial
        UNIQUE index, migration 0007)."""
        return session.scalar(
            select(ApplicationRow).where(
                ApplicationRow.customer_id == customer_id,
                ApplicationRow.product_code == product_code,
                ApplicationRow.status.in_(OPEN_APPLICATION_STATES),
            )
        )

    @staticmethod
    def _application_by_key(session: Session, key: str) -> ApplicationRow | None:
        return session.scalar(select(ApplicationRow).where(ApplicationRow.idempotency_key == key))

    def _submit(
        self,
        session: Session,
        msisdn: str,
        product_code: str,
        amount: int,
        tenor: int,
        purpose: str,
        idempotency_key: str,
        now: datetime,
    ) -> LoanApplication:
        customer = self.customer_row(session, msisdn, lock=True)
        if customer is None:
            raise LookupError("no such customer")
        if done := self._application_by_key(session, idempotency_key):
            return records.application(done)
        if open_one := self._open_application(session, customer.id, product_code):
            raise OpenApplicationExists(open_one.reference)
        row = ApplicationRow(
            reference=new_reference("PJ"),
            customer_id=customer.id,
            product_code=product_code,
            amount=amount,
            tenor=tenor,
            purpose=purpose[:MAX_PURPOSE_CHARS],
            status=ApplicationStatus.SUBMITTED.value,
            submitted_at=now,
            idempotency_key=idempotency_key,
        )
        session.add(row)
        session.flush()
        log.info("application %s submitted by %s", row.reference, mask_msisdn(msisdn))
        return records.application(row)

    def reject_application(self, reference: str) -> LoanApplication:
        with self.transaction() as session:
            row = session.scalar(select(ApplicationRow).where(ApplicationRow.reference == reference).with_for_update())
            if row is None:
                raise LookupError(reference)
            if row.status == ApplicationStatus.SUBMITTED.value:
                row.status = ApplicationStatus.REJECTED.value
            return records.application(row)

    def disburse(self, reference: str, now: datetime, start: date | None = None) -> Loan:
        """Operator action: approve the application, credit the principal to savings, start the schedule.

        Once per application; `start` defaults to today in the customer's time zone.
        """
        with self.transaction() as session:
            app = session.scalar(select(ApplicationRow).where(ApplicationRow.reference == reference).with_for_update())
            if app is None:
                raise LookupError(reference)
            if existing := session.scalar(select(LoanRow).where(LoanRow.application_id == app.id)):
                return records.loan(existing)
            if app.status in (ApplicationStatus.REJECTED.value, ApplicationStatus.WITHDRAWN.value):
                raise ValueError(f"application {reference} was {app.status}")
            product = self.product(app.product_code)
            if product is None:
                raise ValueError(f"product {app.product_code} is no longer offered")
            customer = session.get_one(CustomerRow, app.customer_id)
            plan = schedule.build_schedule(product, app.amount, app.tenor, start or local_date(now, customer.tz))
            loan = LoanRow(
                application=app,
                customer_id=app.customer_id,
                product_code=app.product_code,
                principal=app.amount,
                status=LoanStatus.ACTIVE.value,
                disbursed_at=now,
                instalments=[
                    InstalmentRow(
                        number=i.number,
                        due_date=i.due_date,
                        principal=i.principal,
                        interest=i.interest,
                        fee=i.fee,
                        amount=i.amount,
                        paid_amount=0,
                    )
                    for i in plan
                ],
            )
            session.add(loan)
            account = self.account_row(session, customer.id, lock=True)
            assert account is not None
            account.balance += app.amount
            session.add(
                SavingsTxRow(
                    account_id=account.id,
                    posted_at=now,
                    amount=app.amount,
                    kind="disbursement",
                    description="banking.tx.disbursement",
                    balance_after=account.balance,
                    idempotency_key=f"disburse:{reference}",
                )
            )
            app.status = ApplicationStatus.DISBURSED.value
            session.flush()
            return records.loan(loan)
