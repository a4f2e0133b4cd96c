"""Loan terms: one open application per customer and product (a partial UNIQUE index).

An application is open while `submitted` or `approved`; a decided (rejected, withdrawn) or paid-out one
does not block a new one. Applications already duplicated before this revision keep the newest open
one per customer and product; the older ones are marked `rejected`, so the index can be built.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEX = "uq_loan_applications_open_product"
OPEN = "status IN ('submitted', 'approved')"


def upgrade() -> None:
    op.execute(
        sa.text(
            f"""
            UPDATE loan_applications SET status = 'rejected'
            WHERE {OPEN} AND id NOT IN (
                SELECT MAX(id) FROM loan_applications WHERE {OPEN} GROUP BY customer_id, product_code
            )
            """
        )
    )
    op.create_index(
        INDEX,
        "loan_applications",
        ["customer_id", "product_code"],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="loan_applications")
