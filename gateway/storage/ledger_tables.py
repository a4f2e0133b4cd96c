"""Tables of the built-in ledger. Amounts are BIGINT rupiah; datetimes are stored in UTC."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.storage.base import KEY_LENGTH, Base, UTCDateTime

OPEN_APPLICATION_WHERE = "status IN ('submitted', 'approved')"


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    tz: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(8))
    value_chain: Mapped[str] = mapped_column(String(40), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    failed_pin_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Access (gateway/banking/access.py). The code itself is never stored: only its keyed digest.
    activation_hash: Mapped[str | None] = mapped_column(String(64))
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activation_failures: Mapped[int] = mapped_column(Integer, default=0)
    activation_redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_banking_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When SMS banking was switched on or last used; None: off."""


class AccountRow(Base):
    __tablename__ = "savings_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class SavingsTxRow(Base):
    __tablename__ = "savings_transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("savings_accounts.id"), index=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(80))
    balance_after: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH), unique=True)


class ApplicationRow(Base):
    __tablename__ = "loan_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    tenor: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)

    # One application per customer and product until it is decided or paid out (migration 0007).
    __table_args__ = (
        Index(
            "uq_loan_applications_open_product",
            "customer_id",
            "product_code",
            unique=True,
            postgresql_where=text(OPEN_APPLICATION_WHERE),
            sqlite_where=text(OPEN_APPLICATION_WHERE),
        ),
    )


class LoanRow(Base):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_applications.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(40))
    principal: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    disbursed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    application: Mapped[ApplicationRow] = relationship()
    instalments: Mapped[list[InstalmentRow]] = relationship(order_by="InstalmentRow.number")


class InstalmentRow(Base):
    __tablename__ = "instalments"
    __table_args__ = (UniqueConstraint("loan_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    number: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    principal: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Repaying as money comes in (gateway/banking/repayments.py, late_fees.py).
    waived: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    late_fee_charged: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Late fee charged up to `late_fee_through` (a local day)."""
    late_fee_through: Mapped[date | None] = mapped_column(Date)
    late_fee_paid: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RepaymentRow(Base):
    __tablename__ = "repayments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    savings_tx_id: Mapped[int] = mapped_column(ForeignKey("savings_transactions.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    savings_balance_after: Mapped[int] = mapped_column(BigInteger)
    outstanding_after: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="instalment", server_default="instalment")
    late_fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    instalment: Mapped[InstalmentRow] = relationship()
    """The first instalment the repayment went to (all of them: repayment_allocations)."""
