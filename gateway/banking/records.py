"""Rows of the built-in ledger turned into the interface's frozen records."""

from __future__ import annotations

from gateway.banking.interface import (
    ApplicationStatus,
    Customer,
    Instalment,
    Loan,
    LoanApplication,
    LoanStatus,
    Repayment,
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


def instalment(row: InstalmentRow) -> Instalment:
    return Instalment(
        row.number, row.due_date, row.principal, row.interest, row.fee, row.amount, row.paid_amount, row.paid_at
    )


def loan(row: LoanRow) -> Loan:
    return Loan(
        row.id,
        row.application.reference,
        row.product_code,
        row.principal,
        LoanStatus(row.status),
        row.disbursed_at,
        tuple(instalment(i) for i in row.instalments),
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
    )
