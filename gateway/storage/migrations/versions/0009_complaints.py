"""Complaints (pengaduan): one row per ticket with its number, deadlines and answer (gateway/complaints).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("msisdn", sa.String(20), nullable=False),
        sa.Column("customer_id", sa.Integer, nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("tz", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("call_back", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_due", sa.Date, nullable=False),
        sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extended_by", sa.String(64), nullable=True),
        sa.Column("extension_reason", sa.Text, nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=True),
        sa.Column("answer_text", sa.Text, nullable=True),
        sa.Column("answer_outbox_id", sa.Integer, nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.UniqueConstraint("year", "number", name="uq_complaints_year_number"),
    )
    op.create_index("ix_complaints_msisdn", "complaints", ["msisdn"])
    op.create_index("ix_complaints_status", "complaints", ["status"])


def downgrade() -> None:
    op.drop_index("ix_complaints_status", table_name="complaints")
    op.drop_index("ix_complaints_msisdn", table_name="complaints")
    op.drop_table("complaints")
