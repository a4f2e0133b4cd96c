"""Customers, savings, loan applications, loans, instalments and repayments.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KEY = 200
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("msisdn", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("tz", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("value_chain", sa.String(40), nullable=False),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=True),
        sa.Column("failed_pin_attempts", sa.Integer, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.create_table(
        "savings_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False, unique=True),
        sa.Column("balance", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "savings_transactions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("savings_accounts.id"), nullable=False, index=True),
        sa.Column("posted_at", MOMENT, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.String(80), nullable=False),
        sa.Column("balance_after", sa.BigInteger, nullable=False),
        sa.Column("idempotency_key", sa.String(KEY), nullable=True, unique=True),
    )
    op.create_table(
        "loan_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("product_code", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("tenor", sa.Integer, nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", MOMENT, nullable=False),
        sa.Column("idempotency_key", sa.String(KEY), nullable=False, unique=True),
    )
    op.create_table(
        "loans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("loan_applications.id"), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("product_code", sa.String(40), nullable=False),
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("disbursed_at", MOMENT, nullable=False),
    )
    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("loan_id", sa.Integer, sa.ForeignKey("loans.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False, index=True),
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("interest", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("paid_amount", sa.BigInteger, nullable=False),
        sa.Column("paid_at", MOMENT, nullable=True),
        sa.UniqueConstraint("loan_id", "number"),
    )
    op.create_table(
        "repayments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("loan_id", sa.Integer, sa.ForeignKey("loans.id"), nullable=False, index=True),
        sa.Column("instalment_id", sa.Integer, sa.ForeignKey("instalments.id"), nullable=False),
        sa.Column("savings_tx_id", sa.Integer, sa.ForeignKey("savings_transactions.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("paid_at", MOMENT, nullable=False),
        sa.Column("savings_balance_after", sa.BigInteger, nullable=False),
        sa.Column("outstanding_after", sa.BigInteger, nullable=False),
        sa.Column("idempotency_key", sa.String(KEY), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in (
        "repayments",
        "instalments",
        "loans",
        "loan_applications",
        "savings_transactions",
        "savings_accounts",
        "customers",
    ):
        op.drop_table(table)
