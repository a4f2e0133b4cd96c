"""Repayments as money comes in: late fees and waivers per instalment, the kind of each repayment,
and where each repayment went (repayment_allocations: late fee, interest, fees, principal, waived).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ZERO = sa.text("0")


def upgrade() -> None:
    with op.batch_alter_table("instalments") as batch:
        batch.add_column(sa.Column("waived", sa.BigInteger, nullable=False, server_default=ZERO))
        batch.add_column(sa.Column("late_fee_charged", sa.BigInteger, nullable=False, server_default=ZERO))
        batch.add_column(sa.Column("late_fee_through", sa.Date, nullable=True))
        batch.add_column(sa.Column("late_fee_paid", sa.BigInteger, nullable=False, server_default=ZERO))
    with op.batch_alter_table("repayments") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="instalment"))
        batch.add_column(sa.Column("late_fee", sa.BigInteger, nullable=False, server_default=ZERO))
    op.create_table(
        "repayment_allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("repayment_id", sa.Integer, sa.ForeignKey("repayments.id"), nullable=False),
        sa.Column("instalment_id", sa.Integer, sa.ForeignKey("instalments.id"), nullable=False),
        sa.Column("late_fee", sa.BigInteger, nullable=False),
        sa.Column("interest", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("waived", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_repayment_allocations_repayment_id", "repayment_allocations", ["repayment_id"])


def downgrade() -> None:
    op.drop_index("ix_repayment_allocations_repayment_id", table_name="repayment_allocations")
    op.drop_table("repayment_allocations")
    with op.batch_alter_table("repayments") as batch:
        batch.drop_column("late_fee")
        batch.drop_column("kind")
    with op.batch_alter_table("instalments") as batch:
        batch.drop_column("late_fee_paid")
        batch.drop_column("late_fee_through")
        batch.drop_column("late_fee_charged")
        batch.drop_column("waived")
