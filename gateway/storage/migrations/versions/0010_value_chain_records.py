"""Value-chain records (milk deliveries, seaweed and patchouli sales) and their HTTP sources (gateway/records).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "value_chain_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("row_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value_chain", sa.String(20), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("quantity_milli", sa.BigInteger, nullable=False),
        sa.Column("unit", sa.String(4), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("buyer", sa.String(100), nullable=False),
        sa.Column("reference", sa.String(60), nullable=False),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_value_chain_records_customer_day", "value_chain_records", ["customer_id", "occurred_on"])


def downgrade() -> None:
    op.drop_index("ix_value_chain_records_customer_day", table_name="value_chain_records")
    op.drop_table("value_chain_records")
    op.drop_table("record_sources")
