"""Rows of the built-in ledger turned into the interface's frozen records."""

from __future__ import annotations

from datetime import date

from gateway.banking import late_fees
from gateway.banking.interface import (
    ApplicationStatus,
    Customer,
    Instalment,
    LateFeeRule,
    Loan,
    LoanApplication,
    LoanStatus,
    Repayment,
    RepaymentKind,
    SavingsAccount,
    SavingsTransaction,
)
from gateway.storage.ledger_tables import (
    AccountRow,
    ApplicationRow,
    CustomerRow,
    InstalmentRow,
    LoanRow,
    RepaymentRow,
    SavingsTxRow,
)


def customer(row: CustomerRow) -> Customer:
    return Customer(
        row.id, row.msisdn, row.name, row.tz, row.lang, row.pin_hash is not None, row.locked, row.value_chain, row.place
    )


def account(row: AccountRow) -> SavingsAccount:
    return SavingsAccount(row.id, row.number, row.customer_id, row.balance)


def savings_tx(row: SavingsTxRow) -> SavingsTransaction:
    return SavingsTransaction(row.posted_at, row.amount, row.kind, row.description, row.balance_after)


def application(row: ApplicationRow) -> LoanApplication:
    return LoanApplication(
        row.reference,
        row.product_code,
        row.amount,
        row.tenor,
        row.purpose,
        ApplicationStatus(row.status),
        row.submitted_at,
    )


def instalment(row: InstalmentRow, rule: LateFeeRule | None = None, today: date | None = None) -> Instalment:
    """Late fee and days late as of `today` (None: as last charged, days late not counted)."""
    unpaid = row.amount - row.paid_amount - row.waived
    charged, late = row.late_fee_charged, 0
    if today is not None and unpaid > 0:
        due, through = row.due_date, row.late_fee_through
        charged = late_fees.accrued(rule, row.amount, unpaid, due, charged, through, today)
        late = late_fees.days_late(due, today)
    return Instalment(
        row.number,
        row.due_date,
        row.principal,
        row.interest,
        row.fee,
        row.amount,
        row.paid_amount,
        row.paid_at,
        row.waived,
        charged - row.late_fee_paid,
        late,
    )


def loan(row: LoanRow, rule: LateFeeRule | None = None, today: date | None = None) -> Loan:
    return Loan(
        row.id,
        row.application.reference,
        row.product_code,
        row.principal,
        LoanStatus(row.status),
        row.disbursed_at,
        tuple(instalment(i, rule, today) for i in row.instalments),
    )


def repayment(row: RepaymentRow) -> Repayment:
    return Repayment(
        row.reference,
        row.loan_id,
        row.instalment.number,
        row.amount,
        row.paid_at,
        row.savings_balance_after,
        row.outstanding_after,
        RepaymentKind(row.kind),
        row.late_fee,
    )
